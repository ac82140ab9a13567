/**
 * Gateway memory: resident set size of the gateway process idle with no functions, and with 1000
 * functions registered (generated scripts, none started). Measured for the esbuild bundle (what the
 * image runs) and for the TypeScript sources under tsx (what `faas dev` runs). Targets: 70 MB idle,
 * 100 MB with 1000 functions.
 *
 *   npx tsx bench/rss.ts [--functions 1000]
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { writeUi } from '../build/build-ui.js';
import { GATEWAY_BUILD_OPTIONS } from '../build/bundle-gateway.js';

const { values } = parseArgs({ options: { functions: { type: 'string', default: '1000' } } });
const functionCount = Number(values.functions);
const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'bench-rss-'));

function script(index: number): string {
  return `# /// script
# dependencies = []
#
# [tool.faas]
# idle-timeout = "${1 + (index % 10)}m"
# ///
def handle(req):
    return "fn ${index}"
`;
}

async function bundle(): Promise<string> {
  const out = join(work, 'image', 'main.mjs');
  mkdirSync(join(work, 'image'), { recursive: true });
  copyFileSync(join(root, 'gateway/bootstrap/bootstrap.py'), join(work, 'image', 'bootstrap.py'));
  await build({ ...GATEWAY_BUILD_OPTIONS, absWorkingDir: root, entryPoints: [join(root, 'gateway/main.ts')], outfile: out });
  await writeUi(root, join(work, 'image', 'ui'));
  return out;
}

function rssMegabytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]) / 1024;
}

async function measure(args: string[], functionsDir: string, openUi: boolean): Promise<number> {
  const child = spawn(process.execPath, args, {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      GATEWAY_BACKEND: 'local',
      FUNCTIONS_DIR: functionsDir,
      UV_CACHE_DIR: join(work, 'uv-cache'),
      FAAS_ADMIN_PASSWORD: 'bench',
      LOG_LEVEL: 'info',
      FAAS_BOOTSTRAP: join(work, 'image', 'bootstrap.py'),
    },
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`gateway exited with ${code}`)));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === 'gateway listening' && entry.url) resolve(entry.url);
      });
    });
    // Some traffic on the cheap routes, then time to settle, as an idle gateway would be.
    for (let i = 0; i < 20; i++) {
      await (await fetch(`${url}/healthz`)).text();
      await (await fetch(`${url}/metrics`)).text();
    }
    if (openUi) await useUi(url);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    return rssMegabytes(child.pid!);
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }
}

/** What a browser tab does on opening the UI: log in, load the page and its files, read the list twice. */
async function useUi(url: string): Promise<void> {
  const login = await fetch(`${url}/ui/login`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ user: 'admin', password: 'bench' }) });
  const cookie = login.headers.get('set-cookie')?.split(';')[0];
  if (!cookie) throw new Error(`UI login answered ${login.status}`);
  for (const path of ['/ui/', '/ui/assets/app.js', '/ui/assets/app.css', '/ui/api/functions', '/ui/api/functions']) {
    const response = await fetch(`${url}${path}`, { headers: { cookie, 'accept-encoding': 'gzip' } });
    if (!response.ok) throw new Error(`${path} answered ${response.status}`);
    await response.arrayBuffer();
  }
}

try {
  const empty = join(work, 'none');
  const many = join(work, 'many');
  mkdirSync(empty);
  mkdirSync(many);
  for (let i = 0; i < functionCount; i++) writeFileSync(join(many, `fn_${String(i).padStart(4, '0')}.py`), script(i));
  const bundled = await bundle();
  const runs: Array<[string, string[], boolean]> = [
    ['bundle (image)', [bundled], false],
    ['bundle, UI opened', [bundled], true],
    ['tsx sources (faas dev)', ['--import', 'tsx', join(root, 'gateway/main.ts')], false],
    ['tsx sources, UI opened', ['--import', 'tsx', join(root, 'gateway/main.ts')], true],
  ];
  for (const [label, args, openUi] of runs) {
    const idle = await measure(args, empty, openUi);
    const loaded = await measure(args, many, openUi);
    console.log(`${label.padEnd(24)} RSS idle ${idle.toFixed(1)} MB (target ≤ 70)   with ${functionCount} functions ${loaded.toFixed(1)} MB (target ≤ 100)`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
