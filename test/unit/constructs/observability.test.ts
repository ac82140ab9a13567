import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { PodMonitor, ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { describe, expect, it } from 'vitest';
import { dashboardJson, DASHBOARD_FILE } from '../../../build/grafana-dashboard.js';
import { GatewayMonitor } from '../../../constructs/gateway-monitor.js';
import { grafanaDashboard, grafanaDashboardJson } from '../../../constructs/grafana-dashboard.js';
import { Platform } from '../../../constructs/platform.js';
import { synthApp } from '../../../infra/synth-app.js';
import { parseAllDocuments } from 'yaml';
import { synthSettings } from '../../../infra/synth-settings.js';

interface GridPanel {
  id: number;
  type: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { uid: string };
  targets?: { refId: string; datasource: { uid: string } }[];
}

describe('the Grafana dashboard', () => {
  it('is the file the package ships, exactly what the foundation-SDK builder makes (run `npx tsx build/grafana-dashboard.ts` after a change)', () => {
    expect(readFileSync(DASHBOARD_FILE, 'utf8')).toBe(dashboardJson());
    expect(grafanaDashboardJson()).toBe(dashboardJson());
  });

  it('has one id per panel, panels inside the 24-column grid, and every query on the data source variable', () => {
    const model = grafanaDashboard() as { uid: string; schemaVersion: number; panels: GridPanel[]; templating: { list: { name: string; type: string }[] } };
    expect(model.uid).toBe('poorman-faas');
    expect(model.schemaVersion).toBeGreaterThanOrEqual(36);
    const ids = model.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of model.panels) {
      expect(panel.gridPos.x + panel.gridPos.w).toBeLessThanOrEqual(24);
      if (panel.type === 'row') continue;
      expect(panel.datasource?.uid).toBe('${datasource}');
      const refIds = panel.targets!.map((target) => target.refId);
      expect(new Set(refIds).size).toBe(refIds.length);
      for (const target of panel.targets!) expect(target.datasource.uid).toBe('${datasource}');
    }
    expect(model.templating.list.find((variable) => variable.name === 'datasource')?.type).toBe('datasource');
  });

  it('is written by synth beside the manifests, in a folder kubectl apply -f does not read', async () => {
    const work = mkdtempSync(join(tmpdir(), 'faas-dashboard-'));
    try {
      const result = await synthApp(synthSettings({ functions: work, out: join(work, 'out') }, {}, work));
      expect(result.dashboardFile).toBe(join(work, 'out', 'grafana', 'poorman-faas-dashboard.json'));
      expect(readFileSync(result.dashboardFile, 'utf8')).toBe(dashboardJson());
      expect(existsSync(join(work, 'out', 'poorman-faas-dashboard.json'))).toBe(false);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it("goes into a ConfigMap labelled for Grafana's sidecar when asked", () => {
    const chart = Testing.chart();
    new Platform(chart, 'p', { namespace: 'team', grafanaDashboard: true });
    const map = Testing.synth(chart).find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'faas-grafana-dashboard');
    expect(map.metadata.namespace).toBe('team');
    expect(map.metadata.labels.grafana_dashboard).toBe('1');
    expect(JSON.parse(map.data['poorman-faas-dashboard.json'])).toEqual(grafanaDashboard());
    const plain = Testing.chart();
    new Platform(plain, 'p');
    expect(Testing.synth(plain).some((o) => o.metadata.name === 'faas-grafana-dashboard')).toBe(false);
  });
});

describe('GatewayMonitor', () => {
  const synth = (props: ConstructorParameters<typeof GatewayMonitor>[2]) => {
    const chart = Testing.chart();
    new GatewayMonitor(chart, 'm', { namespace: 'faas', ...props });
    return Testing.synth(chart)[0];
  };

  it("makes a ServiceMonitor valid against prometheus-operator's CRD schema that selects the gateway Service only", () => {
    const monitor = synth({ labels: { release: 'kube-prometheus-stack' } });
    expect(() => new ServiceMonitor(monitor).validate()).not.toThrow();
    expect(monitor.metadata).toMatchObject({ name: 'faas-gateway', namespace: 'faas', labels: { release: 'kube-prometheus-stack' } });
    expect(monitor.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'faas-gateway', 'app.kubernetes.io/component': 'gateway' });
    expect(monitor.spec.endpoints).toEqual([{ port: 'http', path: '/metrics', interval: '30s' }]);
  });

  it('makes a PodMonitor valid against its CRD schema that selects the gateway pods', () => {
    const monitor = synth({ kind: 'PodMonitor', interval: '15s' });
    expect(() => new PodMonitor(monitor).validate()).not.toThrow();
    expect(monitor.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'faas-gateway', 'faas.poorman.dev/role': 'gateway' });
    expect(monitor.spec.podMetricsEndpoints).toEqual([{ port: 'http', path: '/metrics', interval: '15s' }]);
  });

  it('selects labels the synthesized gateway Service and pods really carry', () => {
    const chart = Testing.chart();
    new Platform(chart, 'p', { metricsMonitor: { kind: 'ServiceMonitor' } });
    const objects = Testing.synth(chart);
    const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'faas-gateway');
    const monitor = objects.find((o) => o.kind === 'ServiceMonitor');
    expect(service.metadata.labels).toMatchObject(monitor.spec.selector.matchLabels);
    expect(service.spec.ports.map((p: { name: string }) => p.name)).toContain(monitor.spec.endpoints[0].port);
    const pods = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'faas-gateway').spec.template.metadata.labels;
    expect(pods).toMatchObject(synth({ kind: 'PodMonitor' }).spec.selector.matchLabels);
  });

  it('refuses an unknown kind and a bad interval, naming the prop', () => {
    expect(() => synth({ kind: 'ProbeMonitor' as never })).toThrowError(/'kind'/);
    expect(() => synth({ interval: '30 seconds' })).toThrowError("'interval' ('30 seconds') must be a Prometheus duration like 30s or 1m");
  });
});

describe('faas.config.json opts in to the monitor and the dashboard ConfigMap', () => {
  const synthWith = async (config: unknown) => {
    const work = mkdtempSync(join(tmpdir(), 'faas-monitor-'));
    try {
      writeFileSync(join(work, 'faas.config.json'), JSON.stringify(config));
      const result = await synthApp(synthSettings({ functions: work, out: join(work, 'out') }, {}, work));
      return parseAllDocuments(readFileSync(result.file, 'utf8')).map((doc) => doc.toJS() as { kind: string; metadata: { name: string; labels?: Record<string, string> }; spec?: Record<string, unknown> });
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  };

  it('writes neither unless asked', async () => {
    const objects = await synthWith({});
    expect(objects.some((o) => o.kind === 'ServiceMonitor' || o.kind === 'PodMonitor' || o.metadata.name === 'faas-grafana-dashboard')).toBe(false);
  });

  it('takes the kind alone', async () => {
    const objects = await synthWith({ metricsMonitor: 'PodMonitor', grafanaDashboard: true });
    expect(objects.filter((o) => o.kind === 'PodMonitor').map((o) => o.metadata.name)).toEqual(['faas-gateway']);
    expect(objects.some((o) => o.kind === 'ConfigMap' && o.metadata.name === 'faas-grafana-dashboard')).toBe(true);
  });

  it("takes kind, labels for the Prometheus's selector and interval", async () => {
    const objects = await synthWith({ namespace: 'team', metricsMonitor: { kind: 'ServiceMonitor', labels: { release: 'kube-prometheus-stack' }, interval: '15s' } });
    const monitor = objects.find((o) => o.kind === 'ServiceMonitor')!;
    expect(() => new ServiceMonitor(monitor as never).validate()).not.toThrow();
    expect(monitor.metadata.labels!.release).toBe('kube-prometheus-stack');
    expect(monitor.spec).toMatchObject({ namespaceSelector: { matchNames: ['team'] }, endpoints: [{ interval: '15s' }] });
  });

  it('refuses a misspelt kind or key, naming the key and the file', async () => {
    await expect(synthWith({ metricsMonitor: 'ServiceMonitors' })).rejects.toThrowError(/faas\.config\.json: 'metricsMonitor' .*"ServiceMonitor", "PodMonitor", or \{ "kind", "labels", "interval" \}/);
    await expect(synthWith({ metricsMonitor: { kind: 'PodMonitor', label: {} } })).rejects.toThrowError(/faas\.config\.json: 'metricsMonitor'/);
    await expect(synthWith({ metricsMonitor: { interval: '30 seconds' } })).rejects.toThrowError("'interval' ('30 seconds') must be a Prometheus duration like 30s or 1m");
  });
});
