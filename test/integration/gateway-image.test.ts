/**
 * The gateway image, short of building it (no container engine here): the bundle from the
 * packed package, started as the image starts it (test/support/image-process.ts), serving a
 * function through the local backend. No node_modules anywhere above it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCopy, imageRuntime, processIds, startAsImage, type ImageProcess } from '../support/image-process.js';
import { packedPackage, REPO_ROOT } from '../support/packed-package.js';
import { parseDockerfile } from '../support/dockerfile.js';
import { bundleGateway } from '../../build/bundle-gateway.js';

const isRoot = process.getuid?.() === 0;

/** uv is a single static binary; pyenv's shim needs root's home, so find the binary itself. */
function uvBinary(): string {
  const found = execFileSync('sh', ['-c', 'command -v uv'], { encoding: 'utf8' }).trim();
  return found.includes('/shims/') ? execFileSync('pyenv', ['which', 'uv'], { encoding: 'utf8' }).trim() : found;
}

describe.skipIf(!isRoot)('the gateway bundle, run as the image runs it', () => {
  let gateway: ImageProcess;
  let shipped: string[];

  beforeAll(async () => {
    const packed = await packedPackage();
    shipped = (await readdir(join(packed.root, bundleCopy().fromTree), { recursive: true })).sort();
    gateway = await startAsImage(
      packed.root,
      (temp, writable) => ({
        // A copy of uv and the system Python: what the local backend needs, readable by the image user.
        PATH: `${join(temp, 'bin')}:/usr/bin:/bin`,
        // The image serves the kubernetes backend; here a function is served by the local one.
        GATEWAY_BACKEND: 'local',
        FUNCTIONS_DIR: join(temp, 'functions'),
        UV_CACHE_DIR: join(writable, 'uv'),
        // The root is read-only, as in a pod: async calls are stored in the writable folder.
        ASYNC_STORE: join(writable, 'async.sqlite'),
        UV_PYTHON_DOWNLOADS: 'never',
        // 0 picks a free port: others share this machine; the log names the port.
        PORT: '0',
      }),
      async (temp) => {
        await mkdir(join(temp, 'functions'));
        await writeFile(
          join(temp, 'functions', 'hello.py'),
          ['# /// script', '# requires-python = ">=3.11"', '# ///', 'def handle(req):', '    return "hello " + req', ''].join('\n'),
        );
        await mkdir(join(temp, 'bin'));
        await cp(uvBinary(), join(temp, 'bin', 'uv'));
        await chmod(join(temp, 'bin', 'uv'), 0o755);
      },
    );
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  it('has no node_modules to fall back on', () => {
    for (let dir = gateway.app; dir !== dirname(dir); dir = dirname(dir)) expect(existsSync(join(dir, 'node_modules')), dir).toBe(false);
  });

  it('runs as the non-root user and group the Dockerfile names', () => {
    const [uid, gid] = imageRuntime.user.split(':');
    expect(processIds(gateway.process.pid!)).toEqual({ uid: `${uid}\t${uid}\t${uid}\t${uid}`, gid: `${gid}\t${gid}\t${gid}\t${gid}` });
  });

  it('answers /healthz and /readyz', async () => {
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
  });

  it('serves a function through the local backend', async () => {
    const response = await fetch(`${gateway.url}/function/hello`, { method: 'POST', body: 'image' });
    expect(await response.text(), gateway.output.join('\n')).toBe('hello image');
    expect(response.status).toBe(200);
  });

  it('wrote nothing into its own folder', async () => {
    expect((await readdir(gateway.app, { recursive: true })).sort()).toEqual(shipped);
  });
});

describe('the image build stage', () => {
  it('copies, past .dockerignore, every source file the bundle is made of', async () => {
    const temp = await mkdtemp(join(tmpdir(), 'faas-bundle-inputs-'));
    try {
      const { inputs } = await bundleGateway(REPO_ROOT, temp);
      const own = inputs.filter((file) => !file.startsWith('node_modules/'));
      expect(own).toContain('gateway/main.ts');
      const stages = parseDockerfile(await readFile(join(REPO_ROOT, 'Dockerfile'), 'utf8'));
      const copied = stages[0]!.instructions
        .filter((i) => i.name === 'COPY')
        .flatMap((i) => i.args.split(/\s+/).filter((word) => !word.startsWith('--')).slice(0, -1));
      const allowed = (await readFile(join(REPO_ROOT, '.dockerignore'), 'utf8'))
        .split('\n')
        .filter((line) => line.startsWith('!'))
        .map((line) => line.slice(1).replace(/\*\*$/, ''));
      const inside = (file: string, patterns: string[]): boolean => patterns.some((p) => (p.endsWith('/') ? file.startsWith(p) : file === p));
      expect(own.filter((file) => !inside(file, copied))).toEqual([]);
      expect(own.filter((file) => !inside(file, allowed))).toEqual([]);
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
  });
});
