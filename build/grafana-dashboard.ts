/**
 * The Grafana dashboard of the gateway's metrics, built with Grafana's foundation SDK so that its
 * shape is Grafana's own. `npx tsx build/grafana-dashboard.ts` writes it to
 * constructs/grafana/poorman-faas-dashboard.json, which the package ships and synth writes out;
 * a unit test fails when that file and this builder disagree.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';

export const DASHBOARD_FILE = fileURLToPath(new URL('../constructs/grafana/poorman-faas-dashboard.json', import.meta.url));

const datasource = { type: 'prometheus', uid: '${datasource}' };
/** Every function query is narrowed by the dashboard's function picker. */
const fn = 'function_name=~"$function"';
const rate = (selector: string) => `rate(${selector}[$__rate_interval])`;

function query(expr: string, legend: string, refId = 'A'): prometheus.DataqueryBuilder {
  return new prometheus.DataqueryBuilder().datasource(datasource).expr(expr).legendFormat(legend).refId(refId);
}

function series(title: string, description: string, unit: string, ...targets: prometheus.DataqueryBuilder[]): timeseries.PanelBuilder {
  const panel = new timeseries.PanelBuilder().title(title).description(description).datasource(datasource).unit(unit).height(8).span(12);
  for (const target of targets) panel.withTarget(target);
  return panel;
}

function single(title: string, description: string, unit: string, expr: string): stat.PanelBuilder {
  return new stat.PanelBuilder().title(title).description(description).datasource(datasource).unit(unit).height(4).span(6).withTarget(query(expr, title));
}

const quantile = (q: number, metric: string, refId: string) =>
  query(`histogram_quantile(${q}, sum by (le, function_name) (${rate(`${metric}_bucket{${fn}}`)}))`, `{{function_name}} p${Math.round(q * 100)}`, refId);

export function buildDashboard(): dashboard.Dashboard {
  return new dashboard.DashboardBuilder('Poorman FaaS')
    .uid('poorman-faas')
    .description('Calls, latency, cold starts and replicas of every function, and the gateway process, from the gateway\'s /metrics.')
    .tags(['poorman-faas', 'faas'])
    .editable()
    .refresh('30s')
    .time({ from: 'now-1h', to: 'now' })
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .withVariable(new dashboard.DatasourceVariableBuilder('datasource').label('Data source').type('prometheus'))
    .withVariable(
      new dashboard.QueryVariableBuilder('function')
        .label('Function')
        .datasource(datasource)
        .query('label_values(gateway_function_invocation_started, function_name)')
        .definition('label_values(gateway_function_invocation_started, function_name)')
        .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
        .sort(dashboard.VariableSort.AlphabeticalAsc)
        .multi(true)
        .includeAll(true)
        .allValue('.*'),
    )
    .withRow(new dashboard.RowBuilder('Overview'))
    .withPanel(single('Calls per second', 'Calls answered per second, every function and status.', 'reqps', `sum(${rate(`gateway_function_invocation_total{${fn}}`)})`))
    .withPanel(
      single(
        'Error ratio',
        'Share of calls answered 5xx (start failures, crashes, timeouts).',
        'percentunit',
        `sum(${rate(`gateway_function_invocation_total{${fn},code=~"5.."}`)}) / sum(${rate(`gateway_function_invocation_total{${fn}}`)})`,
      ),
    )
    .withPanel(single('Calls in flight', 'Calls started and not yet answered.', 'short', `sum(gateway_function_invocation_started{${fn}}) - sum(gateway_function_invocation_total{${fn}})`))
    .withPanel(single('Ready replicas', 'Replicas that accept calls, every function.', 'short', `sum(gateway_service_count{${fn}})`))
    .withRow(new dashboard.RowBuilder('Functions'))
    .withPanel(series('Calls per second by status', 'Answered calls per function and HTTP status code.', 'reqps', query(`sum by (function_name, code) (${rate(`gateway_function_invocation_total{${fn}}`)})`, '{{function_name}} {{code}}')))
    .withPanel(
      series(
        'Call duration',
        'At the gateway, cold starts included: p50, p95 and p99 per function.',
        's',
        quantile(0.5, 'gateway_functions_seconds', 'A'),
        quantile(0.95, 'gateway_functions_seconds', 'B'),
        quantile(0.99, 'gateway_functions_seconds', 'C'),
      ),
    )
    .withPanel(series('Ready replicas by function', 'Replicas per function that accept calls; 0 is asleep.', 'short', query(`sum by (function_name) (gateway_service_count{${fn}})`, '{{function_name}}')))
    .withPanel(
      series(
        'Calls in flight by function',
        'Started minus answered, per function: what the reaper waits for before it scales a function to zero.',
        'short',
        query(`sum by (function_name) (gateway_function_invocation_started{${fn}}) - sum by (function_name) (gateway_function_invocation_total{${fn}})`, '{{function_name}}'),
      ),
    )
    .withRow(new dashboard.RowBuilder('Cold starts'))
    .withPanel(series('Cold starts', 'Starts from zero triggered by a call, per function.', 'short', query(`sum by (function_name) (increase(gateway_cold_starts_total{${fn}}[$__rate_interval]))`, '{{function_name}}')))
    .withPanel(series('Cold start duration', 'Scale-up request to the first ready endpoint: p50 and p95.', 's', quantile(0.5, 'gateway_cold_start_seconds', 'A'), quantile(0.95, 'gateway_cold_start_seconds', 'B')))
    .withRow(new dashboard.RowBuilder('Gateway process'))
    .withPanel(series('Gateway memory', 'Resident memory of each gateway replica.', 'bytes', query('process_resident_memory_bytes{job=~".*gateway.*"}', '{{instance}}')))
    .withPanel(series('Gateway CPU', 'CPU seconds per second of each gateway replica.', 'percentunit', query(`${rate('process_cpu_seconds_total{job=~".*gateway.*"}')}`, '{{instance}}')))
    .withPanel(series('Event loop lag', 'p99 event loop delay of each gateway replica: high values delay every call.', 's', query('nodejs_eventloop_lag_p99_seconds{job=~".*gateway.*"}', '{{instance}}')))
    .withPanel(series('Open handles', 'Sockets and timers held by each gateway replica.', 'short', query('nodejs_active_handles_total{job=~".*gateway.*"}', '{{instance}}')))
    .build();
}

/** Panel ids are what Grafana links and keeps panel state by: one each, in order. */
export function dashboardJson(): string {
  const built = buildDashboard();
  built.panels = built.panels?.map((panel, index) => ({ ...panel, id: index + 1 }));
  return `${JSON.stringify(built, null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(DASHBOARD_FILE, dashboardJson());
  console.log(`wrote ${DASHBOARD_FILE}`);
}
