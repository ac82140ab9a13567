/**
 * The shipped Grafana dashboard reads only what the gateway exports: every metric and label its
 * queries use is checked against a real scrape of a real gateway that has served, and cold-started,
 * a real Python function.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grafanaDashboard } from '../../constructs/grafana-dashboard.js';
import { LocalBackend } from '../../gateway/backends/local/local-backend.js';
import { readConfig } from '../../gateway/config.js';
import { startGateway, type RunningGateway } from '../../gateway/server.js';
import { fixtureDir } from '../support/local-backend-harness.js';
import { parseQuery, scrapedSeries } from '../support/promql-selectors.js';
import { call } from '../support/test-gateway.js';

const quiet = pino({ level: 'silent' });
let gateway: RunningGateway;
let scraped: Map<string, Set<string>>;

/** Labels Prometheus adds to every target (ServiceMonitor/PodMonitor), not the gateway. */
const TARGET_LABELS = new Set(['job', 'instance', 'namespace', 'pod', 'service']);

interface Panel {
  title: string;
  targets?: { expr: string }[];
}

const dashboard = grafanaDashboard() as { panels: Panel[]; templating: { list: { name: string; query?: unknown }[] } };
const queries = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })));

beforeAll(async () => {
  const backend = new LocalBackend({ functionsDir: fixtureDir('call-headers'), logger: quiet, watch: false });
  gateway = await startGateway({ config: readConfig({}, { port: 0, host: '127.0.0.1', reaperPollMs: 0 }), backend, logger: quiet });
  // A cold start, calls answered 200, and one refused 400: every series the dashboard draws.
  expect((await call(`${gateway.url}/function/headers`)).status).toBe(200);
  expect((await call(`${gateway.url}/function/headers`)).status).toBe(200);
  expect((await call(`${gateway.url}/function/headers`, { headers: { 'x-call-id': 'bad id' } })).status).toBe(400);
  const metrics = await call(`${gateway.url}/metrics`);
  expect(metrics.status).toBe(200);
  scraped = scrapedSeries(metrics.text);
});

afterAll(async () => {
  await gateway?.close();
});

describe('the Grafana dashboard against a real scrape', () => {
  it('has queries to check', () => {
    expect(queries.length).toBeGreaterThanOrEqual(15);
  });

  it.each(queries)('$panel: $expr parses as PromQL and reads only exported metrics and labels', ({ expr }) => {
    const { selectors, errors, grouping } = parseQuery(expr);
    expect(errors).toEqual([]);
    expect(selectors.length).toBeGreaterThan(0);
    for (const selector of selectors) {
      const labels = scraped.get(selector.metric);
      expect(labels, `${selector.metric} is not in the gateway's /metrics`).toBeDefined();
      for (const label of selector.labels) if (!TARGET_LABELS.has(label)) expect([...labels!], `${selector.metric} has no label ${label}`).toContain(label);
    }
    const offered = new Set(selectors.flatMap((s) => [...(scraped.get(s.metric) ?? [])]));
    for (const label of grouping) expect([...offered], `grouping by ${label}`).toContain(label);
  });

  it("fills its function picker from a metric and label the gateway exports, and knows the function it served", () => {
    const picker = dashboard.templating.list.find((variable) => variable.name === 'function')!;
    const match = /^label_values\(([a-zA-Z_:][a-zA-Z0-9_:]*), ([a-zA-Z_][a-zA-Z0-9_]*)\)$/.exec(String(picker.query));
    expect(match).not.toBeNull();
    expect([...(scraped.get(match![1]!) ?? [])]).toContain(match![2]);
  });

  it('would catch a query on a metric the gateway does not export', () => {
    const { selectors } = parseQuery('sum(rate(gateway_function_invocations_total{function_name="x"}[$__rate_interval]))');
    expect(scraped.has(selectors[0]!.metric)).toBe(false);
  });
});
