/**
 * The gateway's proxy against nginx `proxy_pass` to the same upstream, under the same load in the
 * same run. Prints throughput (wrk, closed loop) and latency at half the gateway's peak rate
 * (open loop), interleaving the targets round by round so that noise from a shared machine falls
 * on all of them alike. Targets: throughput ≥ 0.75 × nginx; added p99 ≤ 2 ms.
 *
 *   npx tsx bench/proxy.ts [--seconds 8] [--rounds 3] [--connections 50]
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '8' }, rounds: { type: 'string', default: '3' }, connections: { type: 'string', default: '50' } },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const connections = Number(values.connections);
const children: ChildProcess[] = [];
const here = new URL('.', import.meta.url);

function have(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function ensureTools(): void {
  if (have('nginx') && have('wrk')) return;
  console.log('installing nginx and wrk from Debian…');
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', 'nginx-light', 'wrk'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/** Starts a process that prints its URL on its first line of stdout. */
function startPrintingUrl(args: string[]): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code} before printing its URL`)));
    createInterface({ input: child.stdout! }).once('line', (line) => resolve(line.trim()));
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** nginx with one worker (the gateway is one process), upstream keep-alive, the same forwarded headers. */
async function startNginx(upstream: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-nginx-'));
  for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, sub));
  const port = await freePort();
  const config = `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  upstream fn { server ${new URL(upstream).host}; keepalive 128; }
  server {
    listen 127.0.0.1:${port};
    location /function/bench/ {
      proxy_pass http://fn/;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
    }
  }
}
`;
  writeFileSync(join(dir, 'nginx.conf'), config);
  const child = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'inherit' });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`${url}/function/bench/`);
      return url;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`nginx did not answer on ${url}; see ${dir}/error.log`);
}

function wrk(url: string): number {
  const out = execFileSync('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, url], { encoding: 'utf8' });
  const match = /Requests\/sec:\s+([0-9.]+)/.exec(out);
  if (!match) throw new Error(`could not read wrk's output:\n${out}`);
  return Number(match[1]);
}

interface Latency {
  p50: number;
  p99: number;
  failed: number;
}

function constantRate(url: string, rate: number): Latency {
  const out = execFileSync(process.execPath, ['--import', 'tsx', new URL('support/constant-rate.ts', here).pathname, url, String(rate), String(seconds), String(connections)], {
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').pop()!) as Latency;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  ensureTools();
  const upstream = await startPrintingUrl([new URL('support/upstream.ts', here).pathname]);
  const gateway = await startPrintingUrl([new URL('support/proxy-gateway.ts', here).pathname, upstream]);
  const nginx = await startNginx(upstream);
  const targets = { direct: `${upstream}/`, nginx: `${nginx}/function/bench/`, gateway: `${gateway}/function/bench/` };
  console.log(`upstream ${upstream}  nginx ${nginx}  gateway ${gateway}`);
  console.log(`throughput: wrk -t1 -c${connections} -d${seconds}s, ${rounds} interleaved rounds (req/s)`);

  const throughput: Record<keyof typeof targets, number[]> = { direct: [], nginx: [], gateway: [] };
  for (let round = 1; round <= rounds; round++) {
    for (const name of Object.keys(targets) as Array<keyof typeof targets>) throughput[name].push(wrk(targets[name]));
    console.log(`  round ${round}: direct ${throughput.direct.at(-1)!.toFixed(0)}  nginx ${throughput.nginx.at(-1)!.toFixed(0)}  gateway ${throughput.gateway.at(-1)!.toFixed(0)}`);
  }
  const peak = { direct: median(throughput.direct), nginx: median(throughput.nginx), gateway: median(throughput.gateway) };
  const ratio = peak.gateway / peak.nginx;
  console.log(`median req/s: direct ${peak.direct.toFixed(0)}  nginx ${peak.nginx.toFixed(0)}  gateway ${peak.gateway.toFixed(0)}`);
  console.log(`gateway / nginx = ${ratio.toFixed(2)}  (target ≥ 0.75)`);

  const rate = Math.max(100, Math.round(peak.gateway / 2));
  console.log(`latency at half the gateway's peak: ${rate} req/s open loop, ${seconds}s, ${rounds} interleaved rounds (ms)`);
  const latency: Record<keyof typeof targets, Latency[]> = { direct: [], nginx: [], gateway: [] };
  for (let round = 1; round <= rounds; round++) {
    for (const name of Object.keys(targets) as Array<keyof typeof targets>) latency[name].push(constantRate(targets[name], rate));
    const row = (name: keyof typeof targets): string => `${name} p50 ${latency[name].at(-1)!.p50} p99 ${latency[name].at(-1)!.p99}`;
    console.log(`  round ${round}: ${row('direct')} | ${row('nginx')} | ${row('gateway')}`);
  }
  const p = (name: keyof typeof targets, q: 'p50' | 'p99'): number => median(latency[name].map((l) => l[q]));
  console.log(`median: direct p50 ${p('direct', 'p50')} p99 ${p('direct', 'p99')} | nginx p50 ${p('nginx', 'p50')} p99 ${p('nginx', 'p99')} | gateway p50 ${p('gateway', 'p50')} p99 ${p('gateway', 'p99')}`);
  console.log(`added p99: gateway ${(p('gateway', 'p99') - p('direct', 'p99')).toFixed(3)} ms  nginx ${(p('nginx', 'p99') - p('direct', 'p99')).toFixed(3)} ms  (target ≤ 2 ms)`);
  const failures = Object.values(latency).flat().reduce((sum, l) => sum + l.failed, 0);
  if (failures > 0) console.log(`non-200 answers or errors during the latency runs: ${failures}`);
}

try {
  await main();
} finally {
  for (const child of children) child.kill('SIGTERM');
}
