/**
 * Prints the gateway bundle's size and its start time: process spawn → first `/readyz` 200,
 * for the bundle under plain `node` and, for comparison, for the sources under tsx.
 * Local backend over an empty functions folder, so only the gateway itself is measured.
 *
 *   npx tsx bench/gateway-start.ts [runs=10]
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { bundleGateway } from '../build/bundle-gateway.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.argv[2] ?? 10);
const work = join(root, 'bench', '.work', 'gateway-start');
const functions = join(work, 'functions');
await mkdir(functions, { recursive: true });

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function readyz(port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/readyz', agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

/** Milliseconds from spawn to the first 200 from /readyz. */
async function startOnce(command: string, args: string[]): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(command, args, {
    cwd: work,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', GATEWAY_BACKEND: 'local', FUNCTIONS_DIR: functions, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`))));
  try {
    for (;;) {
      const status = await Promise.race([readyz(port), exited]);
      if (status === 200) return performance.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  } finally {
    child.kill('SIGKILL');
    await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(undefined) : child.once('exit', resolve)));
  }
}

async function measure(label: string, command: string, args: string[]): Promise<void> {
  await startOnce(command, args); // warm the file cache
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await startOnce(command, args));
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  console.log(`${label.padEnd(34)} median ${median.toFixed(0)} ms   min ${times[0]!.toFixed(0)} ms   max ${times.at(-1)!.toFixed(0)} ms   (${runs} runs)`);
}

const { outdir } = await bundleGateway(root, join(work, 'bundle'));
const bundle = join(outdir, 'gateway.mjs');
const bytes = (await stat(bundle)).size;
const gzipped = gzipSync(await readFile(bundle)).length;
console.log(`node ${process.version}`);
console.log(`bundle gateway.mjs                 ${(bytes / 1024).toFixed(0)} KiB (${(gzipped / 1024).toFixed(0)} KiB gzipped)`);
await measure('start → /readyz, bundle (node)', process.execPath, [bundle]);
// tsx's loader in the same process: its CLI would start a second node that a kill leaves behind.
const tsxLoader = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
await measure('start → /readyz, sources (tsx)', process.execPath, ['--import', tsxLoader, join(root, 'gateway', 'main.ts')]);
