/**
 * Where a synth's CPU time goes, phase by phase, for a generated folder: reading the scripts,
 * building the constructs, cdk8s's toJson (resolve, validate, order), and writing YAML. CPU time
 * rather than wall time, because the machine is shared.
 *
 * Usage: npx tsx bench/synth/phases.ts [count=1000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdk8s';
import { FunctionsFolder } from '../../constructs/functions-folder.js';
import { PoormanFaasChart } from '../../constructs/poorman-faas-chart.js';
import { manifestsYaml } from '../../infra/manifests-yaml.js';
import { generateFunctions } from './generate-functions.js';

const count = Number(process.argv[2] ?? '1000');
if (!Number.isInteger(count) || count < 1) throw new Error(`count (${process.argv[2]}) must be a positive integer`);
const cpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

const work = mkdtempSync(join(tmpdir(), 'faas-bench-phases-'));
try {
  await generateFunctions(join(work, 'functions'), count);
  const phases: [string, number][] = [];
  let last = cpuMs();
  const mark = (name: string) => {
    const now = cpuMs();
    phases.push([name, now - last]);
    last = now;
  };
  const functions = await FunctionsFolder.load(join(work, 'functions'));
  mark('read and check the scripts');
  const chart = new PoormanFaasChart(new App({ outdir: work }), 'poorman-faas', { functions });
  mark('build the constructs');
  const manifests = chart.toJson();
  mark('cdk8s toJson (resolve, validate, order)');
  const yaml = manifestsYaml(manifests);
  mark('write YAML');
  const total = phases.reduce((sum, [, ms]) => sum + ms, 0);
  console.log(`synth phases for ${count} functions (${manifests.length} objects, ${(yaml.length / 1024 / 1024).toFixed(1)} MB), CPU time:`);
  for (const [name, ms] of phases) console.log(`  ${name.padEnd(42)} ${ms.toFixed(0).padStart(6)} ms ${((100 * ms) / total).toFixed(0).padStart(4)} %`);
  console.log(`  ${'total (without start-up and imports)'.padEnd(42)} ${total.toFixed(0).padStart(6)} ms`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
