/**
 * Cold start of the local backend, from `scale(name, 1)` (what the gateway does when a
 * request finds a function asleep) to the first byte of a real HTTP response, with uv's
 * cache warm; and the same end to end, a request through the real gateway to a function at
 * zero until its first byte. Prints p50/p95 for a stdlib `handle(req)` function and for the FastAPI echo,
 * without a warm pool and with one (a pool process free at each wake, as when wakes are further
 * apart than its imports take), and, measured in the same run, what a bare `python -c pass` and a
 * `uv run --script` of the same script cost, so the figures can be read against their floor.
 *
 *   npx tsx bench/cold-start.ts [stdlib runs, default 30] [fastapi runs, default 10]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { LocalBackend } from '../gateway/backends/local/index.js';
import { readConfig } from '../gateway/config.js';
import { startGateway } from '../gateway/server.js';

const STDLIB = 'cold-hello';
const FASTAPI = 'fastapi-echo';
const stdlibRuns = Number(process.argv[2] ?? 30);
const fastapiRuns = Number(process.argv[3] ?? 10);
const functionsDir = fileURLToPath(new URL('./functions', import.meta.url));
const uv = process.env.UV ?? 'uv';

/** One local backend and a gateway over it: `pool` turns the warm pool on (size 1) or off. */
async function startBench(pool: boolean) {
  const backend = new LocalBackend({
    functionsDir,
    logger: pino({ level: 'silent' }),
    watch: false,
    warmPool: { size: pool ? 1 : 0, retentionMs: 0 },
  });
  backend.onStartFailed((failure) => {
    console.error(`${failure.function} failed to start: ${failure.reason}\n${failure.logTail}`);
    process.exit(1);
  });
  await backend.start();
  const gateway = await startGateway({
    config: readConfig({}, { port: 0, host: '127.0.0.1', reaperPollMs: 0 }),
    backend,
    logger: pino({ level: 'silent' }),
  });
  return { backend, gateway };
}

type Bench = Awaited<ReturnType<typeof startBench>>;

function ready(backend: LocalBackend, name: string): Promise<void> {
  return new Promise((resolve) => {
    const off = backend.onEndpointsChanged((changed) => {
      if (changed === name && backend.readyEndpoints(name).length > 0) {
        off();
        resolve();
      }
    });
  });
}

/** One cold start: ms to ready and ms to the response's first byte, both from scale(). */
async function coldStart({ backend }: Bench, name: string, path: string, init: RequestInit): Promise<{ ready: number; firstByte: number }> {
  // A pool process free, as when wakes are further apart than a pool process's imports.
  await backend.warmPoolFilled();
  const start = performance.now();
  const isReady = ready(backend, name);
  await backend.scale(name, 1);
  await isReady;
  const readyAt = performance.now();
  const response = await fetch(`${backend.readyEndpoints(name)[0]}${path}`, init);
  const reader = response.body!.getReader();
  await reader.read();
  const firstByte = performance.now();
  await reader.cancel();
  if (!response.ok) throw new Error(`${name} answered ${response.status}`);
  await backend.scale(name, 0);
  return { ready: readyAt - start, firstByte: firstByte - start };
}

/** One cold start through the gateway: a request to a function at zero, until its first byte. */
async function coldStartThroughGateway({ backend, gateway }: Bench, name: string, path: string, init: RequestInit): Promise<number> {
  await backend.warmPoolFilled();
  const start = performance.now();
  const response = await fetch(`${gateway.url}/function/${name}${path}`, init);
  const reader = response.body!.getReader();
  await reader.read();
  const firstByte = performance.now() - start;
  await reader.cancel();
  if (!response.ok) throw new Error(`${name} answered ${response.status} through the gateway`);
  const asleep = new Promise<void>((resolve) => {
    const off = backend.onEndpointsChanged((changed) => {
      if (changed === name && backend.readyEndpoints(name).length === 0) {
        off();
        resolve();
      }
    });
  });
  await backend.scale(name, 0);
  await asleep;
  return firstByte;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function report(label: string, values: number[]): void {
  const f = (n: number) => n.toFixed(1).padStart(7);
  console.log(`${label.padEnd(58)} n=${String(values.length).padStart(3)}  p50 ${f(percentile(values, 50))} ms  p95 ${f(percentile(values, 95))} ms`);
}

function timeCommand(command: string, args: string[], runs: number): number[] {
  return Array.from({ length: runs }, () => {
    const start = performance.now();
    const result = spawnSync(command, args, { stdio: 'ignore' });
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
    return performance.now() - start;
  });
}

const post = { method: 'POST', body: 'bench' };
const echo = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"message":"bench"}' };

interface Figures {
  stdlib: { ready: number; firstByte: number }[];
  fastapi: { ready: number; firstByte: number }[];
  stdlibViaGateway: number[];
  fastapiViaGateway: number[];
  claims: number;
}

async function measure(pool: boolean): Promise<Figures> {
  const bench = await startBench(pool);
  let claims = 0;
  const off = bench.backend.onPoolWake((wake) => {
    if (wake.outcome === 'claimed') claims++;
  });
  // Warm-up: uv prepares each environment once (not measured), as `faas dev` does at boot.
  await coldStart(bench, STDLIB, '/', post);
  await coldStart(bench, FASTAPI, '/echo/', echo);
  claims = 0;
  const figures: Figures = { stdlib: [], fastapi: [], stdlibViaGateway: [], fastapiViaGateway: [], claims: 0 };
  for (let i = 0; i < stdlibRuns; i++) figures.stdlib.push(await coldStart(bench, STDLIB, '/', post));
  for (let i = 0; i < fastapiRuns; i++) figures.fastapi.push(await coldStart(bench, FASTAPI, '/echo/', echo));
  for (let i = 0; i < stdlibRuns; i++) figures.stdlibViaGateway.push(await coldStartThroughGateway(bench, STDLIB, '/', post));
  for (let i = 0; i < fastapiRuns; i++) figures.fastapiViaGateway.push(await coldStartThroughGateway(bench, FASTAPI, '/echo/', echo));
  figures.claims = claims;
  off();
  await bench.gateway.close();
  await bench.backend.stop();
  return figures;
}

const withoutPool = await measure(false);
const withPool = await measure(true);
const stdlibFile = fileURLToPath(new URL('./functions/cold_hello.py', import.meta.url));
const python = spawnSync(uv, ['python', 'find', '--script', stdlibFile], { encoding: 'utf8' }).stdout.trim();
const bare = timeCommand(python, ['-c', 'pass'], 20);
const uvRun = timeCommand(uv, ['run', '--quiet', '--script', stdlibFile], 20);

console.log(`uv ${spawnSync(uv, ['--version'], { encoding: 'utf8' }).stdout.trim()}, ${spawnSync(python, ['--version'], { encoding: 'utf8' }).stdout.trim()}, node ${process.version}`);
for (const [label, figures] of [['no pool', withoutPool], ['warm pool', withPool]] as const) {
  report(`${label}: stdlib handle(req): scale(1) → ready`, figures.stdlib.map((r) => r.ready));
  report(`${label}: stdlib handle(req): scale(1) → first byte`, figures.stdlib.map((r) => r.firstByte));
  report(`${label}: FastAPI echo: scale(1) → ready`, figures.fastapi.map((r) => r.ready));
  report(`${label}: FastAPI echo: scale(1) → first byte`, figures.fastapi.map((r) => r.firstByte));
  report(`${label}: stdlib handle(req): via gateway → first byte`, figures.stdlibViaGateway);
  report(`${label}: FastAPI echo: via gateway → first byte`, figures.fastapiViaGateway);
}
report('reference: python -c pass', bare);
report('reference: uv run --script (stdlib script)', uvRun);
const wakes = 2 * (stdlibRuns + fastapiRuns);
console.log(`warm pool: ${withPool.claims} of ${wakes} measured wakes were handed a pool process (the rest started the usual way)`);
const p50 = (values: number[]) => percentile(values, 50);
const ratio = (a: number[], b: number[]) => (p50(a) / p50(b)).toFixed(2);
console.log(
  `through the gateway, p50: stdlib ${p50(withPool.stdlibViaGateway).toFixed(1)} ms with the pool (target <= 20 ms) vs ${p50(withoutPool.stdlibViaGateway).toFixed(1)} ms without ` +
    `= ${ratio(withPool.stdlibViaGateway, bare)} × python -c pass; FastAPI ${p50(withPool.fastapiViaGateway).toFixed(1)} ms with the pool (target <= 60 ms) ` +
    `vs ${p50(withoutPool.fastapiViaGateway).toFixed(1)} ms without = ${ratio(withPool.fastapiViaGateway, bare)} × python -c pass`,
);
