/**
 * The gateway's proxy against nginx `proxy_pass` to the same upstream, under the same load in the
 * same run. Targets: throughput ≥ 0.75 × nginx; added p99 ≤ 2 ms at half the gateway's peak.
 *
 *   npx tsx bench/proxy.ts [--seconds 6] [--rounds 5] [--connections 50]
 *
 * Built to give figures worth reading on a shared, busy machine:
 * - The gateway runs as the image ships it: bundled by esbuild with the image's options, started
 *   with plain `node` (not tsx).
 * - The upstream is a second nginx answering a constant `return 200`, so the upstream costs both
 *   proxies as little CPU as possible and takes none of it from the one being measured.
 * - Rounds alternate gateway and nginx (ABBA…) after a warm-up of each; the ratio is taken per round
 *   and the median is the headline. Every round is printed.
 * - Besides req/s, each proxy's CPU time per request (user + system, from /proc) is printed: it
 *   hardly moves with the machine's load, where req/s follows how much CPU the others leave.
 * - Latency: an open-loop loader at half the gateway's median peak; added p99 is
 *   p99(through the gateway) − p99(direct to the upstream), per round, median over rounds.
 * - A bare Node proxy (node:http in, the same undici Agent out, nothing else) runs beside them:
 *   what the gateway loses to nginx splits into what the project adds and what Node itself costs.
 * - The load average is printed at start and end so a reader can judge the noise.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { GATEWAY_BUILD_OPTIONS } from '../build/bundle-gateway.js';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '6' }, rounds: { type: 'string', default: '5' }, connections: { type: 'string', default: '50' } },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const connections = Number(values.connections);
const children: ChildProcess[] = [];
const here = new URL('.', import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'bench-proxy-'));
const BODY = '{"message":"hello"}';

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

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Proxy {
  readonly url: string;
  /** The process that does the work: nginx's one worker, the gateway's node. */
  readonly pid: () => number | undefined;
}

/**
 * nginx with one worker (the gateway is one process). `keepalive_requests` is raised on both
 * sides so neither nginx closes a kept-alive connection every 1000 requests, which node:http and
 * undici never do.
 */
async function startNginx(name: string, server: string, upstream = ''): Promise<Proxy> {
  const dir = join(work, name);
  for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, sub), { recursive: true });
  const port = await freePort();
  const config = `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  ${upstream}
  server {
    listen 127.0.0.1:${port};
    ${server}
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
      return { url, pid: () => workerOf(child.pid) };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`nginx did not answer on ${url}; see ${dir}/error.log`);
}

function workerOf(master: number | undefined): number | undefined {
  const children = `/proc/${master}/task/${master}/children`;
  if (master === undefined || !existsSync(children)) return undefined;
  return Number(readFileSync(children, 'utf8').trim().split(/\s+/)[0]) || undefined;
}

/**
 * A Node proxy compiled as the image's bundle is: `support/proxy-gateway.ts` (the gateway, one
 * function at min-replicas 1 on `upstream`) or `support/bare-node-proxy.ts` (Node's floor).
 */
async function startBundled(entry: string, upstream: string): Promise<Proxy> {
  const outfile = join(work, entry.replace(/\.ts$/, '.mjs'));
  await build({ ...GATEWAY_BUILD_OPTIONS, absWorkingDir: root, entryPoints: [fileURLToPath(new URL(`support/${entry}`, here))], outfile });
  const child = spawn(process.execPath, [outfile, upstream], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${entry} exited with ${code} before printing its URL`)));
    createInterface({ input: child.stdout! }).once('line', (line) => resolve(line.trim()));
  });
  return { url, pid: () => child.pid };
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU seconds of a process so far; undefined off Linux. */
function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined || !existsSync(`/proc/${pid}/stat`)) return undefined;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

interface Throughput {
  rps: number;
  /** CPU µs per request of the measured process; NaN when unknown. */
  cpuUs: number;
}

function wrk(url: string, duration: number, pid?: number): Throughput {
  const before = cpuSeconds(pid);
  const out = execFileSync('wrk', ['-t1', `-c${connections}`, `-d${duration}s`, url], { encoding: 'utf8' });
  const after = cpuSeconds(pid);
  const rps = /Requests\/sec:\s+([0-9.]+)/.exec(out);
  const count = /(\d+) requests in/.exec(out);
  if (!rps || !count) throw new Error(`could not read wrk's output:\n${out}`);
  const cpuUs = before !== undefined && after !== undefined ? ((after - before) * 1e6) / Number(count[1]) : NaN;
  return { rps: Number(rps[1]), cpuUs };
}

interface Latency {
  p50: number;
  p99: number;
  failed: number;
}

function constantRate(url: string, rate: number): Latency {
  const out = execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('support/constant-rate.ts', here)), url, String(rate), String(seconds), String(connections)], {
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').pop()!) as Latency;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return sorted.length % 2 === 1 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
const fixed = (n: number, digits = 0): string => (Number.isNaN(n) ? '?' : n.toFixed(digits));

/** gateway first on odd rounds, nginx first on even ones, so drift in the machine's load falls on both. */
const order = (round: number): Array<'gateway' | 'nginx'> => (round % 2 === 1 ? ['gateway', 'nginx'] : ['nginx', 'gateway']);

async function main(): Promise<void> {
  ensureTools();
  console.log(`node ${process.version}, ${cpus().length} CPUs, load average at start ${load()}`);
  const upstream = await startNginx('upstream', `location / { default_type application/json; return 200 '${BODY}'; }`);
  const nginx = await startNginx(
    'proxy',
    `location /function/bench/ {
      proxy_pass http://fn/;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
    }`,
    `upstream fn { server ${new URL(upstream.url).host}; keepalive 128; keepalive_requests 1000000; }`,
  );
  const gateway = await startBundled('proxy-gateway.ts', upstream.url);
  const bare = await startBundled('bare-node-proxy.ts', upstream.url);
  const proxies = { gateway, nginx, bare };
  const targets = { direct: `${upstream.url}/`, nginx: `${nginx.url}/function/bench/`, gateway: `${gateway.url}/function/bench/`, bare: `${bare.url}/` };
  console.log(`upstream (nginx return 200) ${upstream.url}  nginx proxy_pass ${nginx.url}  gateway (bundle) ${gateway.url}  bare Node proxy ${bare.url}`);

  // Warm-up: the gateway's JIT, both proxies' kept-alive upstream connections.
  for (const name of ['gateway', 'nginx', 'bare'] as const) wrk(targets[name], Math.min(3, seconds));

  console.log(`throughput: wrk -t1 -c${connections} -d${seconds}s, ${rounds} rounds alternating gateway and nginx; CPU is the proxy's user+system per request`);
  const throughput: Record<'direct' | 'gateway' | 'nginx' | 'bare', Throughput[]> = { direct: [], gateway: [], nginx: [], bare: [] };
  const ratios: number[] = [];
  const bareRatios: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const name of order(round)) throughput[name].push(wrk(targets[name], seconds, proxies[name].pid()));
    throughput.bare.push(wrk(targets.bare, seconds, bare.pid()));
    throughput.direct.push(wrk(targets.direct, Math.min(3, seconds)));
    const [g, n, b, d] = [throughput.gateway.at(-1)!, throughput.nginx.at(-1)!, throughput.bare.at(-1)!, throughput.direct.at(-1)!];
    ratios.push(g.rps / n.rps);
    bareRatios.push(b.rps / n.rps);
    console.log(
      `  round ${round}: gateway ${fixed(g.rps)} req/s (${fixed(g.cpuUs, 1)} µs CPU/req)  nginx ${fixed(n.rps)} req/s (${fixed(n.cpuUs, 1)} µs CPU/req)  ratio ${(g.rps / n.rps).toFixed(2)}  | bare Node ${fixed(b.rps)} (${fixed(b.cpuUs, 1)} µs)  direct ${fixed(d.rps)}  load ${load()}`,
    );
  }
  const peak = (name: keyof typeof throughput): number => median(throughput[name].map((t) => t.rps));
  const cpu = (name: 'gateway' | 'nginx' | 'bare'): number => median(throughput[name].map((t) => t.cpuUs));
  console.log(`median req/s: gateway ${fixed(peak('gateway'))}  nginx ${fixed(peak('nginx'))}  bare Node ${fixed(peak('bare'))}  direct ${fixed(peak('direct'))}`);
  console.log(`median CPU per request: gateway ${fixed(cpu('gateway'), 1)} µs  nginx ${fixed(cpu('nginx'), 1)} µs  bare Node ${fixed(cpu('bare'), 1)} µs`);
  console.log(`gateway / nginx: median of round ratios ${median(ratios).toFixed(2)}  (target ≥ 0.75; rounds ${ratios.map((r) => r.toFixed(2)).join(' ')})`);
  console.log(`bare Node proxy / nginx (the most any single Node process reached here): ${median(bareRatios).toFixed(2)}`);

  const rate = Math.max(100, Math.round(peak('gateway') / 2));
  console.log(`latency at half the gateway's peak: ${rate} req/s open loop, ${seconds}s, ${rounds} rounds (ms)`);
  const latency: Record<keyof typeof targets, Latency[]> = { direct: [], nginx: [], gateway: [], bare: [] };
  const added = { gateway: [] as number[], nginx: [] as number[], bare: [] as number[] };
  for (let round = 1; round <= rounds; round++) {
    for (const name of ['direct', ...order(round), 'bare'] as const) latency[name].push(constantRate(targets[name], rate));
    const [d, g, n, b] = [latency.direct.at(-1)!, latency.gateway.at(-1)!, latency.nginx.at(-1)!, latency.bare.at(-1)!];
    added.gateway.push(g.p99 - d.p99);
    added.nginx.push(n.p99 - d.p99);
    added.bare.push(b.p99 - d.p99);
    console.log(
      `  round ${round}: direct p50 ${d.p50} p99 ${d.p99} | nginx p50 ${n.p50} p99 ${n.p99} | gateway p50 ${g.p50} p99 ${g.p99} | bare Node p50 ${b.p50} p99 ${b.p99} | added p99 gateway ${(g.p99 - d.p99).toFixed(3)} nginx ${(n.p99 - d.p99).toFixed(3)} bare ${(b.p99 - d.p99).toFixed(3)}  load ${load()}`,
    );
  }
  const p = (name: keyof typeof targets, q: 'p50' | 'p99'): string => median(latency[name].map((l) => l[q])).toFixed(3);
  console.log(`median: direct p50 ${p('direct', 'p50')} p99 ${p('direct', 'p99')} | nginx p50 ${p('nginx', 'p50')} p99 ${p('nginx', 'p99')} | gateway p50 ${p('gateway', 'p50')} p99 ${p('gateway', 'p99')}`);
  console.log(`added p99 (median over rounds of p99 − direct p99 in that round): gateway ${median(added.gateway).toFixed(3)} ms  nginx ${median(added.nginx).toFixed(3)} ms  bare Node ${median(added.bare).toFixed(3)} ms  (target ≤ 2 ms)`);
  const failures = Object.values(latency).flat().reduce((sum, l) => sum + l.failed, 0);
  if (failures > 0) console.log(`non-200 answers or errors during the latency runs: ${failures}`);
  console.log(`load average at end ${load()}`);
}

try {
  await main();
} finally {
  for (const child of children) child.kill('SIGTERM');
}
