/**
 * Cold start of the local backend, from `scale(name, 1)` (what the gateway does when a
 * request finds a function asleep) to the first byte of a real HTTP response; and the same end
 * to end, a request through the real gateway to a function at zero until its first byte. Prints
 * p50/p95 for a stdlib `handle(req)` function and for the FastAPI echo, without a warm pool and
 * with one (a pool process free at each wake, as when wakes are further apart than its imports
 * take), and, measured in the same run, what a bare `python -c pass` and a `uv run --script` of
 * the same script cost, so the figures can be read against their floor. `python -c pass` runs
 * once after each wake through the gateway, so it sees the same load as the wakes.
 *
 * A wake through the gateway with the pool is split into its steps: the gateway (request in →
 * specialization sent to the pool process), the hand-off over the parent socket (both ways), the
 * script's import and the server's start (as the specialized process itself timed them), and
 * the first request (ready → first byte). Every wake runs with the package index, and any proxy
 * to one, pointed at a server on 127.0.0.1 that counts the connections it gets; a control run of
 * `uv lock` shows that uv does reach it.
 *
 *   npx tsx bench/cold-start.ts [stdlib runs, default 30] [fastapi runs, default 10]
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
const stdlibFile = fileURLToPath(new URL('./functions/cold_hello.py', import.meta.url));
const uv = process.env.UV ?? 'uv';
const python = spawnSync(uv, ['python', 'find', '--script', stdlibFile], { encoding: 'utf8' }).stdout.trim();

/** A TCP server that counts the connections made to it and closes each at once. */
async function startCounter(): Promise<{ url: string; contacts: () => number; close: () => void }> {
  let contacts = 0;
  const server = createServer((socket) => {
    contacts++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, contacts: () => contacts, close: () => server.close() };
}

/** Where uv (and pip) would look for packages and Pythons, and the proxies they would go through. */
function indexEnvironment(url: string): Record<string, string> {
  const env: Record<string, string> = { UV_INDEX_URL: `${url}/simple`, UV_DEFAULT_INDEX: `${url}/simple`, PIP_INDEX_URL: `${url}/simple` };
  env.UV_PYTHON_INSTALL_MIRROR = url;
  for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY']) env[name] = env[name.toLowerCase()] = url;
  return env;
}

const logWatchers = new Set<(message: string) => void>();
/** The backend logs at info, as `faas dev` does; the bench reads what the processes reported. */
const logger = pino({ level: 'info' }, { write: (line: string) => logWatchers.forEach((watch) => watch((JSON.parse(line) as { msg?: string }).msg ?? '')) });

/** The next log message `pattern` matches; `cancel` stops looking. */
function nextLog(pattern: RegExp): { match: Promise<RegExpExecArray>; cancel: () => void } {
  let watch!: (message: string) => void;
  const match = new Promise<RegExpExecArray>((resolve) => {
    watch = (message) => {
      const found = pattern.exec(message);
      if (!found) return;
      logWatchers.delete(watch);
      resolve(found);
    };
    logWatchers.add(watch);
  });
  return { match, cancel: () => logWatchers.delete(watch) };
}

/** One local backend and a gateway over it: `pool` turns the warm pool on (size 1) or off. */
async function startBench(pool: boolean) {
  const backend = new LocalBackend({
    functionsDir,
    logger,
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

function ready(backend: LocalBackend, name: string): Promise<number> {
  return new Promise((resolve) => {
    const off = backend.onEndpointsChanged((changed) => {
      if (changed === name && backend.readyEndpoints(name).length > 0) {
        off();
        resolve(performance.now());
      }
    });
  });
}

async function firstByte(response: Response, name: string): Promise<number> {
  const reader = response.body!.getReader();
  await reader.read();
  const at = performance.now();
  await reader.cancel();
  if (!response.ok) throw new Error(`${name} answered ${response.status}`);
  return at;
}

/** One cold start: ms to ready and ms to the response's first byte, both from scale(). */
async function coldStart({ backend }: Bench, name: string, path: string, init: RequestInit): Promise<{ ready: number; firstByte: number }> {
  // A pool process free, as when wakes are further apart than a pool process's imports.
  await backend.warmPoolFilled();
  const start = performance.now();
  const isReady = ready(backend, name);
  await backend.scale(name, 1);
  const readyAt = await isReady;
  const firstByteAt = await firstByte(await fetch(`${backend.readyEndpoints(name)[0]}${path}`, init), name);
  await backend.scale(name, 0);
  return { ready: readyAt - start, firstByte: firstByteAt - start };
}

/** Where one wake through the gateway spent its time, in ms. */
interface Steps {
  readonly total: number;
  readonly ready: number;
  /** Pool wakes only: request in → specialization sent; over the parent socket, both ways; the specialized process's own times. */
  readonly gateway?: number;
  readonly handoff?: number;
  readonly scriptImport?: number;
  readonly serverStart?: number;
}

const SPECIALIZED = /^bootstrap: pool: specialized: script loaded in ([\d.]+) ms, listening ([\d.]+) ms after/;

/** One cold start through the gateway: a request to a function at zero, until its first byte. */
async function coldStartThroughGateway({ backend, gateway }: Bench, name: string, path: string, init: RequestInit): Promise<Steps> {
  await backend.warmPoolFilled();
  let specializedAt: number | undefined;
  const offWake = backend.onPoolWake((wake) => {
    if (wake.function === name && wake.outcome === 'claimed') specializedAt = performance.now();
  });
  const reported = nextLog(SPECIALIZED);
  const isReady = ready(backend, name);
  const start = performance.now();
  const firstByteAt = await firstByte(await fetch(`${gateway.url}/function/${name}${path}`, init), name);
  const readyAt = await isReady;
  offWake();
  const steps: Steps = { total: firstByteAt - start, ready: readyAt - start };
  const asleep = new Promise<void>((resolve) => {
    const off = backend.onEndpointsChanged((changed) => {
      if (changed === name && backend.readyEndpoints(name).length === 0) {
        off();
        resolve();
      }
    });
  });
  let result = steps;
  if (specializedAt !== undefined) {
    const [, loaded, listening] = (await reported.match).map(Number);
    result = { ...steps, gateway: specializedAt - start, handoff: readyAt - specializedAt - listening!, scriptImport: loaded!, serverStart: listening! - loaded! };
  }
  reported.cancel();
  await backend.scale(name, 0);
  await asleep;
  return result;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function report(label: string, values: number[]): void {
  const f = (n: number) => n.toFixed(1).padStart(7);
  console.log(`${label.padEnd(62)} n=${String(values.length).padStart(3)}  p50 ${f(percentile(values, 50))} ms  p95 ${f(percentile(values, 95))} ms`);
}

function timeCommand(command: string, args: string[], env?: NodeJS.ProcessEnv): number {
  const start = performance.now();
  const result = spawnSync(command, args, { stdio: 'ignore', env });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
  return performance.now() - start;
}

const post = { method: 'POST', body: 'bench' };
const echo = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"message":"bench"}' };

interface Figures {
  stdlib: { ready: number; firstByte: number }[];
  fastapi: { ready: number; firstByte: number }[];
  stdlibViaGateway: Steps[];
  fastapiViaGateway: Steps[];
  claims: number;
  uvRuns: number;
  /** How long a pool process took from its spawn to ready (off the wake path: it refills the pool). */
  poolImports: number[];
}

/** `python -c pass`, once after each wake through the gateway: the floor, under the same load. */
const bare: number[] = [];

async function measure(pool: boolean, index: Record<string, string>): Promise<Figures> {
  const bench = await startBench(pool);
  // The environments are built at boot, as `faas dev` does; every wake from here on sees the counting index.
  await bench.backend.warmPoolFilled();
  Object.assign(process.env, index);
  const uvRunsBefore = bench.backend.uvRuns;
  let claims = 0;
  const off = bench.backend.onPoolWake((wake) => {
    if (wake.outcome === 'claimed') claims++;
  });
  const poolImports: number[] = [];
  const watchPool = (message: string): void => {
    const match = /^bootstrap: pool: imported .* in (\d+) ms$/.exec(message);
    if (match) poolImports.push(Number(match[1]));
  };
  logWatchers.add(watchPool);
  // Warm-up, not measured: each function's first start after boot.
  await coldStart(bench, STDLIB, '/', post);
  await coldStart(bench, FASTAPI, '/echo/', echo);
  claims = 0;
  const figures: Figures = { stdlib: [], fastapi: [], stdlibViaGateway: [], fastapiViaGateway: [], claims: 0, uvRuns: 0, poolImports };
  for (let i = 0; i < stdlibRuns; i++) figures.stdlib.push(await coldStart(bench, STDLIB, '/', post));
  for (let i = 0; i < fastapiRuns; i++) figures.fastapi.push(await coldStart(bench, FASTAPI, '/echo/', echo));
  for (const [runs, name, path, init, into] of [
    [stdlibRuns, STDLIB, '/', post, figures.stdlibViaGateway],
    [fastapiRuns, FASTAPI, '/echo/', echo, figures.fastapiViaGateway],
  ] as const) {
    for (let i = 0; i < runs; i++) {
      into.push(await coldStartThroughGateway(bench, name, path, init));
      await bench.backend.warmPoolFilled();
      bare.push(timeCommand(python, ['-c', 'pass']));
    }
  }
  figures.claims = claims;
  figures.uvRuns = bench.backend.uvRuns - uvRunsBefore;
  off();
  for (const name of Object.keys(index)) delete process.env[name];
  logWatchers.delete(watchPool);
  await bench.gateway.close();
  await bench.backend.stop();
  return figures;
}

/** uv asked to lock a script with a dependency, with no cache to answer from: it must reach the index. */
async function controlContacts(index: Record<string, string>, counter: { contacts: () => number }): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'faas-bench-index-'));
  try {
    const script = join(dir, 'needs_six.py');
    writeFileSync(script, '# /// script\n# dependencies = ["six"]\n# ///\nimport six\n');
    const before = counter.contacts();
    // Not spawnSync: the counter answers on this event loop.
    await new Promise((resolve) => execFile(uv, ['lock', '--script', script, '--no-cache'], { env: { ...process.env, ...index, UV_HTTP_RETRIES: '0' } }, resolve));
    return counter.contacts() - before;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const counter = await startCounter();
const index = indexEnvironment(counter.url);
const withoutPool = await measure(false, index);
const withPool = await measure(true, index);
const wakeContacts = counter.contacts();
const control = await controlContacts(index, counter);
counter.close();
const uvRun = Array.from({ length: 20 }, () => timeCommand(uv, ['run', '--quiet', '--script', stdlibFile]));

console.log(`uv ${spawnSync(uv, ['--version'], { encoding: 'utf8' }).stdout.trim()}, ${spawnSync(python, ['--version'], { encoding: 'utf8' }).stdout.trim()}, node ${process.version}`);
const total = (steps: Steps[]) => steps.map((s) => s.total);
for (const [label, figures] of [['no pool', withoutPool], ['warm pool', withPool]] as const) {
  report(`${label}: stdlib handle(req): scale(1) → ready`, figures.stdlib.map((r) => r.ready));
  report(`${label}: stdlib handle(req): scale(1) → first byte`, figures.stdlib.map((r) => r.firstByte));
  report(`${label}: FastAPI echo: scale(1) → ready`, figures.fastapi.map((r) => r.ready));
  report(`${label}: FastAPI echo: scale(1) → first byte`, figures.fastapi.map((r) => r.firstByte));
  report(`${label}: stdlib handle(req): via gateway → first byte`, total(figures.stdlibViaGateway));
  report(`${label}: FastAPI echo: via gateway → first byte`, total(figures.fastapiViaGateway));
}
for (const [label, steps] of [
  ['stdlib', withPool.stdlibViaGateway],
  ['FastAPI', withPool.fastapiViaGateway],
] as const) {
  const pooled = steps.filter((s) => s.gateway !== undefined);
  report(`  ${label} via gateway, pool: request → specialization sent`, pooled.map((s) => s.gateway!));
  report(`  ${label} via gateway, pool: parent socket hand-off, both ways`, pooled.map((s) => s.handoff!));
  report(`  ${label} via gateway, pool: import of the script`, pooled.map((s) => s.scriptImport!));
  report(`  ${label} via gateway, pool: server start (loaded → listening)`, pooled.map((s) => s.serverStart!));
  report(`  ${label} via gateway, pool: ready → first byte (first request)`, pooled.map((s) => s.total - s.ready));
}
report('off the wake path: a pool process\'s imports ahead (refill)', withPool.poolImports);
report('reference: python -c pass (once after each wake via gateway)', bare);
report('reference: uv run --script (stdlib script)', uvRun);
const wakes = 2 * (stdlibRuns + fastapiRuns);
console.log(`warm pool: ${withPool.claims} of ${wakes} measured wakes were handed a pool process (the rest started the usual way)`);
console.log(
  `package index: ${wakeContacts} contacts and ${withoutPool.uvRuns + withPool.uvRuns} uv runs during all ${2 * wakes + 4} wakes (must be 0); ` +
    `control: uv lock --script with the same settings made ${control} contacts (must be > 0)`,
);
const p50 = (values: number[]) => percentile(values, 50);
const ratio = (a: number[], b: number[]) => (p50(a) / p50(b)).toFixed(2);
console.log(
  `through the gateway, p50: stdlib ${p50(total(withPool.stdlibViaGateway)).toFixed(1)} ms with the pool (target <= 20 ms) vs ${p50(total(withoutPool.stdlibViaGateway)).toFixed(1)} ms without ` +
    `= ${ratio(total(withPool.stdlibViaGateway), bare)} × python -c pass; FastAPI ${p50(total(withPool.fastapiViaGateway)).toFixed(1)} ms with the pool (target <= 60 ms) ` +
    `vs ${p50(total(withoutPool.fastapiViaGateway)).toFixed(1)} ms without = ${ratio(total(withPool.fastapiViaGateway), bare)} × python -c pass`,
);
if (wakeContacts > 0 || control === 0) process.exitCode = 1;
