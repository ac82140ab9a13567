/**
 * Cold start of the local backend, from `scale(name, 1)` (what the gateway does when a
 * request finds a function asleep) to the first byte of a real HTTP response, with uv's
 * cache warm; and the same end to end, a request through the real gateway to a function at
 * zero until its first byte. Prints p50/p95 for a stdlib `handle(req)` function and for the FastAPI echo,
 * and, measured in the same run, what a bare `python -c pass` and a `uv run --script` of
 * the same script cost, so the figures can be read against their floor.
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

const backend = new LocalBackend({ functionsDir, logger: pino({ level: 'silent' }), watch: false });
backend.onStartFailed((failure) => {
  console.error(`${failure.function} failed to start: ${failure.reason}\n${failure.logTail}`);
  process.exit(1);
});

function ready(name: string): Promise<void> {
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
async function coldStart(name: string, path: string, init: RequestInit): Promise<{ ready: number; firstByte: number }> {
  const start = performance.now();
  const isReady = ready(name);
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
async function coldStartThroughGateway(gatewayUrl: string, name: string, path: string, init: RequestInit): Promise<number> {
  const start = performance.now();
  const response = await fetch(`${gatewayUrl}/function/${name}${path}`, init);
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
  console.log(`${label.padEnd(52)} n=${String(values.length).padStart(3)}  p50 ${f(percentile(values, 50))} ms  p95 ${f(percentile(values, 95))} ms`);
}

function timeCommand(command: string, args: string[], runs: number): number[] {
  return Array.from({ length: runs }, () => {
    const start = performance.now();
    const result = spawnSync(command, args, { stdio: 'ignore' });
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
    return performance.now() - start;
  });
}

await backend.start();
const stdlibFile = backend.functions().get(STDLIB)!.file;
const post = { method: 'POST', body: 'bench' };
const echo = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"message":"bench"}' };

// Warm-up: uv prepares each environment once (not measured), as `faas dev` does at boot.
await coldStart(STDLIB, '/', post);
await coldStart(FASTAPI, '/echo/', echo);
const python = spawnSync(uv, ['python', 'find', '--script', stdlibFile], { encoding: 'utf8' }).stdout.trim();

const stdlib = [];
for (let i = 0; i < stdlibRuns; i++) stdlib.push(await coldStart(STDLIB, '/', post));
const fastapi = [];
for (let i = 0; i < fastapiRuns; i++) fastapi.push(await coldStart(FASTAPI, '/echo/', echo));
const gateway = await startGateway({
  config: readConfig({}, { port: 0, host: '127.0.0.1', reaperPollMs: 0 }),
  backend,
  logger: pino({ level: 'silent' }),
});
const viaGateway = [];
for (let i = 0; i < stdlibRuns; i++) viaGateway.push(await coldStartThroughGateway(gateway.url, STDLIB, '/', post));
const fastapiViaGateway = [];
for (let i = 0; i < fastapiRuns; i++) fastapiViaGateway.push(await coldStartThroughGateway(gateway.url, FASTAPI, '/echo/', echo));
await gateway.close();
const bare = timeCommand(python, ['-c', 'pass'], 20);
const uvRun = timeCommand(uv, ['run', '--quiet', '--script', stdlibFile], 20);
await backend.stop();

console.log(`uv ${spawnSync(uv, ['--version'], { encoding: 'utf8' }).stdout.trim()}, ${spawnSync(python, ['--version'], { encoding: 'utf8' }).stdout.trim()}, node ${process.version}`);
report('stdlib handle(req): scale(1) → ready', stdlib.map((r) => r.ready));
report('stdlib handle(req): scale(1) → first byte', stdlib.map((r) => r.firstByte));
report('FastAPI echo: scale(1) → ready', fastapi.map((r) => r.ready));
report('FastAPI echo: scale(1) → first byte', fastapi.map((r) => r.firstByte));
report('stdlib handle(req): request via gateway → first byte', viaGateway);
report('FastAPI echo: request via gateway → first byte', fastapiViaGateway);
report('reference: python -c pass', bare);
report('reference: uv run --script (stdlib script)', uvRun);
const ratio = (a: number[], b: number[]) => (percentile(a, 50) / percentile(b, 50)).toFixed(2);
console.log(
  `stdlib cold start through the gateway p50 = ${percentile(viaGateway, 50).toFixed(1)} ms = ${ratio(viaGateway, bare)} × python -c pass, ` +
    `${ratio(viaGateway, uvRun)} × uv run --script; target p50 <= 150 ms`,
);
