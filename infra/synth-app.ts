/**
 * Synth as a function: read the functions folder, build the chart, write one YAML file. Shared by
 * the cdk8s app (infra/main.ts) and `faas synth`, so both write the same bytes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdk8s';
import { FunctionsFolder } from '../constructs/functions-folder.js';
import { GRAFANA_DASHBOARD_FILE, grafanaDashboardJson } from '../constructs/grafana-dashboard.js';
import { PoormanFaasChart } from '../constructs/poorman-faas-chart.js';
import type { SynthSettings } from './synth-settings.js';
import { manifestsYaml } from './manifests-yaml.js';

/** The chart's name, so the output is `<outDir>/poorman-faas.k8s.yaml`. */
export const CHART_NAME = 'poorman-faas';

export interface SynthResult {
  /** The YAML file written. */
  readonly file: string;
  /** The Grafana dashboard written, in a sub-folder so `kubectl apply -f <outDir>` does not read it. */
  readonly dashboardFile: string;
  /** The folder the functions were read from. */
  readonly functionsDir: string;
  readonly functions: number;
  readonly objects: number;
}

/** What synth tells a person it did; an empty folder is worth a hint, not an error. */
export function synthSummary(result: SynthResult): string {
  const wrote = `wrote ${result.file}: ${result.objects} objects for ${result.functions} ${result.functions === 1 ? 'function' : 'functions'}, and the Grafana dashboard ${result.dashboardFile}`;
  return result.functions > 0 ? wrote : `${wrote}\nno *.py scripts in ${result.functionsDir}, so only the platform; create one with: faas new hello`;
}

export async function synthApp(settings: SynthSettings): Promise<SynthResult> {
  const functions = await FunctionsFolder.load(settings.functionsDir);
  const app = new App({ outdir: settings.outDir });
  const chart = new PoormanFaasChart(app, CHART_NAME, { ...settings.props, functions });
  // chart.toJson() validates and orders like app.synth(), and hands back the objects to count.
  const manifests = chart.toJson();
  const file = join(settings.outDir, `${CHART_NAME}.k8s.yaml`);
  mkdirSync(settings.outDir, { recursive: true });
  // One file, in apply order (namespace and CRD first): what `kubectl apply -f dist/` wants.
  writeFileSync(file, manifestsYaml(manifests));
  const dashboardFile = join(settings.outDir, 'grafana', GRAFANA_DASHBOARD_FILE);
  mkdirSync(join(settings.outDir, 'grafana'), { recursive: true });
  writeFileSync(dashboardFile, grafanaDashboardJson());
  return { file, dashboardFile, functionsDir: settings.functionsDir, functions: functions.length, objects: manifests.length };
}
