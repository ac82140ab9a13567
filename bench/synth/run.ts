/**
 * bench/synth: times `npm run synth` for a generated folder of functions as a whole process
 * (wall time and peak RSS from /usr/bin/time), beside a bare cdk8s-plus app writing the same
 * number of ConfigMaps, Deployments, Services and HPAs, started the same way through npm.
 * The machine is shared, so the ratio to the reference in the same run is the figure to read.
 *
 * Usage: npx tsx bench/synth/run.ts [count=1000] [rounds=3]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateFunctions } from './generate-functions.js';

const count = Number(process.argv[2] ?? '1000');
const rounds = Number(process.argv[3] ?? '3');
if (!Number.isInteger(count) || count < 1) throw new Error(`count (${process.argv[2]}) must be a positive integer`);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`rounds (${process.argv[3]}) must be a positive integer`);
const TIME = '/usr/bin/time';
if (!existsSync(TIME)) throw new Error(`${TIME} is missing; install it (apt-get install -y time) to measure peak RSS`);

const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'faas-bench-synth-'));
const functionsDir = join(work, 'functions');

interface Run {
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly peakMb: number;
}

/** One whole-process run under /usr/bin/time: wall seconds, user+sys seconds, peak RSS. */
function measure(command: string[], env: NodeJS.ProcessEnv): Run {
  const report = join(work, 'time.txt');
  execFileSync(TIME, ['-o', report, '-f', '%e %U %S %M', ...command], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  const [wall, user, sys, kb] = readFileSync(report, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
  return { seconds: wall!, cpuSeconds: user! + sys!, peakMb: kb! / 1024 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function summarize(runs: Run[]): Run {
  return {
    seconds: median(runs.map((run) => run.seconds)),
    cpuSeconds: median(runs.map((run) => run.cpuSeconds)),
    peakMb: median(runs.map((run) => run.peakMb)),
  };
}

try {
  await generateFunctions(functionsDir, count);
  const ours: Run[] = [];
  const bare: Run[] = [];
  // Interleaved, so a burst of load from other work on the machine hits both alike.
  for (let round = 0; round < rounds; round++) {
    ours.push(measure(['npm', 'run', '--silent', 'synth'], { FAAS_FUNCTIONS_DIR: functionsDir, FAAS_OUT_DIR: join(work, 'dist') }));
    bare.push(measure(['npm', 'exec', '--', 'tsx', 'bench/synth/bare-cdk8s-plus-app.ts', String(count), join(work, 'bare-dist')], {}));
  }
  const a = summarize(ours);
  const b = summarize(bare);
  const objects = readFileSync(join(work, 'dist', 'poorman-faas.k8s.yaml'), 'utf8').match(/^kind: /gm)?.length ?? 0;
  const sizeMb = readFileSync(join(work, 'dist', 'poorman-faas.k8s.yaml')).length / 1024 / 1024;
  const row = (name: string, run: Run) =>
    `${name.padEnd(34)} ${run.seconds.toFixed(2).padStart(7)} s ${run.cpuSeconds.toFixed(2).padStart(7)} s ${run.peakMb.toFixed(0).padStart(7)} MB`;
  console.log(`synth of ${count} functions, median of ${rounds} rounds (load average ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]})`);
  console.log(`${''.padEnd(34)} ${'wall'.padStart(9)} ${'cpu'.padStart(9)} ${'peak RSS'.padStart(10)}`);
  console.log(row('npm run synth (poorman-faas)', a));
  console.log(row('bare cdk8s-plus app (reference)', b));
  console.log(`${'ratio ours / reference'.padEnd(34)} ${(a.seconds / b.seconds).toFixed(2).padStart(7)} x ${(a.cpuSeconds / b.cpuSeconds).toFixed(2).padStart(7)} x ${(a.peakMb / b.peakMb).toFixed(2).padStart(7)} x`);
  console.log(`output: ${objects} objects, ${sizeMb.toFixed(1)} MB of YAML; target: <= 3 s and <= 300 MB`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
