/**
 * The shell steps a Kubernetes build Job and a function pod run around the shared environments
 * volume, run here by /bin/sh with real uv on a folder standing in for the volume: the builder
 * fills `<root>/<hash>` from the lock alone, byte-code compiled, once; the start finds that
 * Python with no uv on its PATH and only a dead package index configured, so a wake cannot
 * resolve or download anything; a build that fails leaves its reason, which the start prints.
 * The builds here run offline from uv's cache (a Job reaches its index), so no network is used.
 */
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_ENVIRONMENT, START_FROM_ENVIRONMENT } from '../../constructs/environment/build-commands.js';
import { lockedScript } from '../../constructs/environment/locked-script.js';
import { environmentHash } from '../../constructs/environment/environment-hash.js';
import { fixtureLock } from '../support/script-locks.js';

const scratch = mkdtempSync(join(tmpdir(), 'faas-env-build-'));
const root = join(scratch, 'environments');
const uvDir = dirname(spawnSync('/bin/sh', ['-c', 'command -v uv'], { encoding: 'utf8' }).stdout.trim());
// The Job asks uv for a version (installing it onto the volume when the image lacks it); the
// test asks for the Python this machine has, so nothing is downloaded.
const pythonRequest = spawnSync('uv', ['python', 'find', '>=3.11'], { encoding: 'utf8' }).stdout.trim();
let index: Server;
let indexUrl: string;
let contacts = 0;

beforeAll(async () => {
  mkdirSync(root);
  index = createServer((_req, res) => {
    contacts++;
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => index.listen(0, '127.0.0.1', resolve));
  indexUrl = `http://127.0.0.1:${(index.address() as { port: number }).port}/simple`;
});
afterAll(async () => {
  await new Promise((resolve) => index.close(resolve));
  rmSync(scratch, { recursive: true, force: true });
});

/** The builder's input folder, as the Job's ConfigMap mounts it. */
function source(name: string, lock: string): string {
  const dir = join(scratch, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'env.py'), lockedScript(lock));
  writeFileSync(join(dir, 'env.py.lock'), lock);
  writeFileSync(join(dir, 'python-version'), pythonRequest);
  return dir;
}

function build(hash: string, src: string) {
  return spawnSync('/bin/sh', ['-c', BUILD_ENVIRONMENT, 'faas-environment-build', hash, root, src], { encoding: 'utf8', env: { ...process.env, HOSTNAME: 'test', UV_OFFLINE: '1' } });
}

/** A start as a pod runs it: no uv on the PATH, only a package index that answers nothing. */
function start(hash: string, script: string) {
  const bootstrap = join(scratch, 'bootstrap.py');
  writeFileSync(bootstrap, 'import runpy, sys\nrunpy.run_path(sys.argv[1], run_name="__main__")\n');
  const path = (process.env.PATH ?? '').split(':').filter((dir) => dir !== uvDir && !existsSync(join(dir, 'uv'))).join(':');
  return spawnSync('/bin/sh', ['-c', START_FROM_ENVIRONMENT, 'faas-function', script, bootstrap, join(root, hash)], {
    encoding: 'utf8',
    env: { PATH: path, UV_DEFAULT_INDEX: indexUrl, PIP_INDEX_URL: indexUrl, PYTHONDONTWRITEBYTECODE: '1' },
  });
}

describe('environment build and start commands', () => {
  it('builds an environment from its lock once, byte-code compiled, and a start only execs its Python', () => {
    const lock = fixtureLock('httpx');
    const hash = environmentHash(lock, '3.12', 'linux/amd64 test');
    const built = build(hash, source('httpx', lock));
    expect(built.stderr + built.stdout).toContain(`built environment ${hash}`);
    expect(built.status).toBe(0);
    const sitePackages = join(root, hash, 'lib', readdirSync(join(root, hash, 'lib'))[0]!, 'site-packages');
    expect(readdirSync(join(sitePackages, 'httpx', '__pycache__')).some((file) => file.endsWith('.pyc'))).toBe(true);
    expect(readdirSync(root).filter((entry) => entry.startsWith('.'))).toEqual([]);

    const again = build(hash, source('httpx-again', lock));
    expect(again.stdout).toContain(`environment ${hash} is already built`);
    expect(again.status).toBe(0);

    const script = join(scratch, 'uses_httpx.py');
    writeFileSync(script, 'import httpx\nprint("httpx", httpx.__version__)\n');
    const started = start(hash, script);
    expect(started.stderr).toBe('');
    expect(started.stdout).toMatch(/^httpx \d+\.\d+/);
    expect(started.status).toBe(0);
    expect(contacts).toBe(0);
  });

  it('leaves the reason a build failed, and a start exits with it instead of waiting', () => {
    const lock = fixtureLock('httpx').replace(/\[\[package\]\]\nname = "anyio"[\s\S]*?(?=\n\[\[package\]\])/, '');
    const hash = environmentHash(lock, '3.12', 'linux/amd64 test');
    const failed = build(hash, source('broken', lock));
    expect(failed.status).toBe(1);
    expect(existsSync(join(root, hash))).toBe(false);
    expect(existsSync(join(root, `.${hash}.failed`))).toBe(true);

    const started = start(hash, join(scratch, 'never.py'));
    expect(started.status).toBe(1);
    expect(started.stderr).toContain(`the environment ${hash} could not be built:`);
  });
});
