/**
 * Synth in Helm format: the plain synth, then that YAML as a chart in `<outDir>/<chart name>/`.
 * Going through the plain output (rather than the construct tree) is what makes the chart render
 * the same objects as `faas synth` does.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHelmChart } from './helm-chart.js';
import { CHART_NAME, synthApp } from './synth-app.js';
import type { SynthSettings } from './synth-settings.js';

export interface HelmSynthResult {
  /** The chart folder. */
  readonly dir: string;
  readonly files: readonly string[];
  readonly functions: number;
}

export async function synthHelm(settings: SynthSettings, chart: { version: string; appVersion: string }): Promise<HelmSynthResult> {
  const dir = join(settings.outDir, CHART_NAME);
  if (existsSync(dir) && !existsSync(join(dir, 'Chart.yaml'))) {
    throw new Error(`${dir} exists and is not a chart; move it away or pick another --out, synth replaces this folder`);
  }
  const plain = await mkdtemp(join(tmpdir(), 'faas-synth-'));
  try {
    const result = await synthApp({ ...settings, outDir: plain });
    const files = await writeHelmChart(dir, await readFile(result.file, 'utf8'), { name: CHART_NAME, ...chart });
    return { dir, files, functions: result.functions };
  } finally {
    await rm(plain, { recursive: true, force: true });
  }
}
