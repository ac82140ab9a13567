/**
 * The gateway image, short of building it (no container engine here): the bundle from the
 * packed package, started with the Dockerfile's command line, environment and user, from a copy
 * of the folder its COPY fills, on a root filesystem mounted read-only with one tmpfs for writes
 * (what `readOnlyRootFilesystem` plus an emptyDir give the pod). No node_modules anywhere above it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDockerfile, runtimeOf, type RuntimeSpec } from '../support/dockerfile.js';
import { packedPackage, REPO_ROOT } from '../support/packed-package.js';

const isRoot = process.getuid?.() === 0;
const stages = parseDockerfile(readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8'));
const runtime: RuntimeSpec = runtimeOf(stages.at(-1)!);
const buildWorkdir = stages[0]!.instructions.find((i) => i.name === 'WORKDIR')!.args;

/** The runtime stage's `COPY --from=build <src> <dest>`: where in the build stage, where in the image. */
function bundleCopy(): { from: string; to: string } {
  const copy = stages.at(-1)!.instructions.find((i) => i.name === 'COPY')!;
  const words = copy.args.split(/\s+/).filter((word) => !word.startsWith('--'));
  return { from: words[0]!, to: words[1]! };
}

describe.skipIf(!isRoot)('the gateway bundle, run as the image runs it', () => {
  let temp: string;
  let app: string;
  let writable: string;
  let gateway: ChildProcess;
  let url: string;
  const output: string[] = [];

  beforeAll(async () => {
    const packed = await packedPackage();
    temp = await mkdtemp(join(tmpdir(), 'faas-image-'));
    await chmod(temp, 0o755);

    // The image's /app: what COPY takes from the build stage, owned by root, read-only.
    const { from, to } = bundleCopy();
    expect(from.startsWith(`${buildWorkdir}/`)).toBe(true);
    app = join(temp, to);
    await cp(join(packed.root, from.slice(buildWorkdir.length)), app, { recursive: true });
    execFileSync('chmod', ['-R', 'a-w', app]);

    const functions = join(temp, 'functions');
    await mkdir(functions);
    await writeFile(
      join(functions, 'hello.py'),
      ['# /// script', '# requires-python = ">=3.11"', '# ///', 'def handle(req):', '    return "hello " + req', ''].join('\n'),
    );
    await chmod(join(functions, 'hello.py'), 0o644);
    const bin = join(temp, 'bin');
    await mkdir(bin);
    const uv = realUv();
    await cp(uv, join(bin, 'uv'));
    await chmod(join(bin, 'uv'), 0o755);
    writable = join(temp, 'writable');
    await mkdir(writable);

    const [uid, gid] = runtime.user.split(':');
    const command = runtime.command.map((word, i) =>
      i === 0 && word.endsWith('/node') ? process.execPath : word.startsWith(to) ? join(app, word.slice(to.length)) : word,
    );
    const env: Record<string, string> = {
      ...runtime.env,
      // Without the image's PATH: only the uv copy and the system Python the local backend needs.
      PATH: `${bin}:/usr/bin:/bin`,
      HOME: '/home/nonroot',
      // The image serves the kubernetes backend; here a function is served by the local one.
      GATEWAY_BACKEND: 'local',
      FUNCTIONS_DIR: functions,
      UV_CACHE_DIR: join(writable, 'uv'),
      UV_PYTHON_DOWNLOADS: 'never',
      // 0 picks a free port: others share this machine; the log names the port.
      PORT: '0',
    };
    // A private mount namespace: the tmpfs and the read-only root exist for this process only.
    const script = [
      'set -e',
      `mount -t tmpfs -o mode=0755,uid=${uid},gid=${gid},size=512m tmpfs "$WRITABLE"`,
      'mount -o remount,ro,bind /',
      `exec setpriv --reuid=${uid} --regid=${gid} --clear-groups -- "$@"`,
    ].join('\n');
    gateway = spawn('unshare', ['--mount', '--propagation', 'private', '--', '/bin/sh', '-c', script, 'sh', ...command], {
      cwd: join(app, runtime.workdir.slice(to.length - 1)),
      env: { ...env, WRITABLE: writable },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    gateway.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    url = await new Promise<string>((resolve, reject) => {
      gateway.once('exit', (code) => reject(new Error(`gateway exited with ${code}:\n${output.join('')}`)));
      createInterface({ input: gateway.stdout! }).on('line', (line) => {
        output.push(line);
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === 'gateway listening' && entry.url) resolve(entry.url);
      });
    });
  });

  afterAll(async () => {
    gateway?.kill('SIGTERM');
    await new Promise((resolve) => (gateway?.exitCode !== null ? resolve(undefined) : gateway.once('exit', resolve)));
    if (temp) {
      execFileSync('chmod', ['-R', 'u+w', temp]);
      await rm(temp, { recursive: true, force: true });
    }
  });

  it('has no node_modules to fall back on', () => {
    for (let dir = app; dir !== dirname(dir); dir = dirname(dir)) expect(existsSync(join(dir, 'node_modules')), dir).toBe(false);
  });

  it('runs as the non-root user the Dockerfile names', () => {
    const status = readFileSync(`/proc/${findNode(gateway.pid!)}/status`, 'utf8');
    const [uid, gid] = runtime.user.split(':');
    expect(status).toMatch(new RegExp(`^Uid:\\s+${uid}\\s+${uid}\\s+${uid}\\s+${uid}$`, 'm'));
    expect(status).toMatch(new RegExp(`^Gid:\\s+${gid}\\s+${gid}\\s+${gid}\\s+${gid}$`, 'm'));
  });

  it('answers /healthz and /readyz', async () => {
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  });

  it('serves a function through the local backend', async () => {
    const response = await fetch(`${url}/function/hello`, { method: 'POST', body: 'image' });
    expect(await response.text(), output.join('\n')).toBe('hello image');
    expect(response.status).toBe(200);
  });

  it('wrote nothing into its own folder', async () => {
    const files = (await readdir(app, { recursive: true })).sort();
    const shipped = (await readdir(join((await packedPackage()).root, bundleCopy().from.slice(buildWorkdir.length)), { recursive: true })).sort();
    expect(files).toEqual(shipped);
  });
});

/** The node process under unshare → sh (exec'd away) → setpriv (exec'd away). */
function findNode(pid: number): number {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  const child = Number(children.split(/\s+/)[0]);
  return child > 0 ? child : pid;
}

function realUv(): string {
  const found = execFileSync('sh', ['-c', 'command -v uv'], { encoding: 'utf8' }).trim();
  // pyenv's shim is a script that needs root's home; ask uv itself where its binary is.
  return found.includes('/shims/') ? execFileSync('pyenv', ['which', 'uv'], { encoding: 'utf8' }).trim() : found;
}
