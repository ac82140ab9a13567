/**
 * Gateway memory while a function floods its output: resident set size of a `faas dev` gateway
 * (TypeScript sources under tsx, local backend, real uv and Python) idle with the function warm,
 * then its peak while one call writes 100 MB to stdout without a newline, and while one writes
 * 100 MB of 100-byte lines. Target: every peak within +64 MiB of idle.
 *
 *   npx tsx bench/output-flood.ts [--mb 100]
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { mb: { type: 'string', default: '100' } } });
const megabytes = Number(values.mb);
const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'bench-flood-'));
const TARGET_MIB = 64;

function rssMiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]) / 1024;
}

/** The highest RSS seen while `work` runs, sampled every 10 ms. */
async function peakDuring(pid: number, work: Promise<unknown>): Promise<number> {
  let peak = rssMiB(pid);
  let done = false;
  void work.finally(() => (done = true));
  while (!done) {
    peak = Math.max(peak, rssMiB(pid));
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return Math.max(peak, rssMiB(pid));
}

const functions = join(work, 'functions');
mkdirSync(functions);
copyFileSync(join(root, 'test/fixtures/functions-hostile/flood.py'), join(functions, 'flood.py'));
const gateway = spawn(process.execPath, ['--import', 'tsx', join(root, 'gateway/main.ts')], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, PORT: '0', HOST: '127.0.0.1', GATEWAY_BACKEND: 'local', FUNCTIONS_DIR: functions, FAAS_ADMIN_PASSWORD: 'bench', LOG_LEVEL: 'info' },
});
try {
  const url = await new Promise<string>((resolve, reject) => {
    gateway.once('exit', (code) => reject(new Error(`gateway exited with ${code}`)));
    // Read every log line, as a terminal or a log shipper would: the gateway is never held up by its own stdout.
    createInterface({ input: gateway.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === 'gateway listening' && entry.url) resolve(entry.url);
    });
  });
  const call = async (path: string) => {
    const response = await fetch(`${url}/function/flood${path}`);
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${text}`);
    return text;
  };
  await call('/lines/0'); // wakes the function: uv environment, process
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const idle = rssMiB(gateway.pid!);
  console.log(`gateway RSS idle, function warm: ${idle.toFixed(1)} MiB`);
  for (const kind of ['nolines', 'lines'] as const) {
    const peak = await peakDuring(gateway.pid!, call(`/${kind}/${megabytes}`));
    const growth = peak - idle;
    const label = kind === 'nolines' ? `${megabytes} MB without a newline` : `${megabytes} MB of 100-byte lines`;
    console.log(
      `${label.padEnd(30)} peak ${peak.toFixed(1)} MiB = idle + ${growth.toFixed(1)} MiB (${(peak / idle).toFixed(2)}x idle; target ≤ +${TARGET_MIB}) ${growth <= TARGET_MIB ? 'ok' : 'OVER'}`,
    );
  }
} finally {
  if (gateway.exitCode === null) {
    gateway.kill('SIGTERM');
    await new Promise((resolve) => gateway.once('exit', resolve));
  }
  rmSync(work, { recursive: true, force: true });
}
