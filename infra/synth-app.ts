/**
 * Synth as a function: read the functions folder, build the chart, write one YAML file. Shared by
 * the cdk8s app (infra/main.ts) and `faas synth`, so both write the same bytes.
 */
import { join } from 'node:path';
import { App, YamlOutputType } from 'cdk8s';
import { FunctionsFolder } from '../constructs/functions-folder.js';
import { PoormanFaasChart } from '../constructs/poorman-faas-chart.js';
import type { SynthSettings } from './synth-settings.js';

/** The chart's name, so the output is `<outDir>/poorman-faas.k8s.yaml`. */
export const CHART_NAME = 'poorman-faas';

export interface SynthResult {
  /** The YAML file written. */
  readonly file: string;
  readonly functions: number;
  readonly objects: number;
}

export async function synthApp(settings: SynthSettings): Promise<SynthResult> {
  const functions = await FunctionsFolder.load(settings.functionsDir);
  const app = new App({ outdir: settings.outDir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
  const chart = new PoormanFaasChart(app, CHART_NAME, { ...settings.props, functions });
  app.synth();
  return {
    file: join(settings.outDir, `${CHART_NAME}.k8s.yaml`),
    functions: functions.length,
    objects: chart.node.findAll().filter((construct) => 'apiVersion' in construct && 'kind' in construct).length,
  };
}
