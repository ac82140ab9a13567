/**
 * The real faas-cli against the admin API: what OpenFaaS users already type must work.
 * test/support/build-faas-cli builds the binary; FAAS_CLI may point at another one.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFunction } from '../../constructs/spec/load-function.js';
import { startAdminServer, TEST_CREDENTIALS, type AdminServer } from '../support/admin-server.js';
import { MemoryBackend } from '../support/memory-backend.js';

const FAAS_CLI_VERSION = '0.18.12';
const cacheRoot = process.env.FAAS_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'poorman-faas');
const faasCli = process.env.FAAS_CLI ?? join(cacheRoot, 'faas-cli', FAAS_CLI_VERSION, 'bin', 'faas-cli');
const present = existsSync(faasCli);
if (!present) {
  console.warn(`faas-cli compatibility tests skipped: no binary at ${faasCli}; run test/support/build-faas-cli or set FAAS_CLI`);
}

const HELLO = readFileSync(new URL('../fixtures/admin/hello.py', import.meta.url), 'utf8');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

describe.skipIf(!present)(`faas-cli ${FAAS_CLI_VERSION} against the admin API`, () => {
  let backend: MemoryBackend;
  let api: AdminServer;
  let config: string;

  const faas = (args: string[], stdin?: string) =>
    new Promise<Run>((resolve) => {
      const child = execFile(
        faasCli,
        [...args, '--gateway', api.url],
        // OPENFAAS_CONFIG keeps the stored login out of the user's home (and out of ./.openfaas under CI).
        { env: { PATH: process.env.PATH, HOME: config, OPENFAAS_CONFIG: config, NO_COLOR: '1' } },
        (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
      );
      child.stdin!.end(stdin ?? '');
    });

  beforeAll(async () => {
    const loaded = loadFunction('hello.py', HELLO);
    if (!loaded.ok) throw new Error('fixture hello.py does not load');
    backend = new MemoryBackend([loaded.function]);
    api = await startAdminServer(backend, { invocations: new Map([['hello', 42]]) });
    config = mkdtempSync(join(tmpdir(), 'openfaas-config-'));
  });
  afterAll(async () => {
    await api?.close();
    if (config) rmSync(config, { recursive: true, force: true });
  });

  it('cannot list before login, and cannot log in with a wrong password', async () => {
    const list = await faas(['list']);
    expect(list.code).not.toBe(0);
    expect(list.stderr + list.stdout).toContain('faas-cli login');
    const login = await faas(['login', '--username', TEST_CREDENTIALS.user, '--password-stdin'], 'wrong\n');
    expect(login.code).not.toBe(0);
  });

  it('logs in with --password-stdin', async () => {
    const login = await faas(['login', '--username', TEST_CREDENTIALS.user, '--password-stdin'], `${TEST_CREDENTIALS.password}\n`);
    expect(login.stderr).toBe('');
    expect(login.code).toBe(0);
    expect(login.stdout).toContain('credentials saved');
  });

  it('prints the gateway and provider versions', async () => {
    const version = await faas(['version', '--warn-update=false']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/Gateway\s+uri:\s+http:\/\/127\.0\.0\.1/);
    expect(version.stdout).toMatch(/name:\s+poorman-faas/);
    expect(version.stdout).toMatch(/orchestration:\s+local-processes/);
    expect(version.stdout).toMatch(/version:\s+0\.1\.0-test/);
  });

  it('lists functions plainly, verbosely and as JSON', async () => {
    const plain = await faas(['list']);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/^hello\s+42\s+0\s*$/m);
    const verbose = await faas(['list', '-v']);
    expect(verbose.stdout).toContain('python-uv-script (requires-python >=3.11)');
    const json = await faas(['list', '--json']);
    // faas-cli re-encodes with Go's omitempty: replicas 0 disappears, an absent createdAt becomes year 1.
    expect(JSON.parse(json.stdout)).toEqual([expect.objectContaining({ name: 'hello', invocationCount: 42, image: 'python-uv-script (requires-python >=3.11)' })]);
  });

  it('describes a function, and says when there is no such function', async () => {
    const described = await faas(['describe', 'hello']);
    expect(described.code).toBe(0);
    expect(described.stdout).toMatch(/Name:\s+hello/);
    expect(described.stdout).toMatch(/Invocations:\s+42/);
    expect(described.stdout).toContain('uv run --script hello.py');
    const missing = await faas(['describe', 'nope']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr + missing.stdout).toContain('No such function');
  });

  it('deploys a script through --annotation, then updates it in place', async () => {
    const args = ['deploy', '--image', 'python-uv', '--name', 'greet', '--annotation', `faas.poorman.dev/source=${HELLO}`];
    const first = await faas(args);
    expect(first.stdout).toContain('Deployed. 202 Accepted');
    expect(first.code).toBe(0);
    // faas-cli trims each `key=value`, as `$(cat greet.py)` would: the final newline goes.
    expect(backend.functions().get('greet')?.source).toBe(HELLO.trimEnd());
    const second = await faas([...args.slice(0, -1), `faas.poorman.dev/source=${HELLO}# v2`]);
    expect(second.code).toBe(0);
    expect(backend.functions().get('greet')?.source).toBe(`${HELLO}# v2`);
  });

  it('shows why an image-only deploy is refused', async () => {
    const refused = await faas(['deploy', '--image', 'nginx:1.27', '--name', 'web']);
    expect(refused.code).not.toBe(0);
    expect(refused.stdout).toContain('Unexpected status: 400');
    expect(refused.stdout).toContain('faas.poorman.dev/source');
  });

  it('waits until a function is ready once it has replicas', async () => {
    await backend.scale('hello', 1);
    const ready = await faas(['ready', 'hello', '--attempts', '2', '--interval', '10ms']);
    expect(ready.code).toBe(0);
    expect(ready.stdout).toContain('hello is ready');
  });

  it('removes a function once; the second remove exits 1', async () => {
    const first = await faas(['remove', 'greet']);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Removing old function');
    const second = await faas(['remove', 'greet']);
    expect(second.code).toBe(1);
    expect(second.stderr + second.stdout).toContain('No existing function to remove');
  });

  it('lists the one namespace', async () => {
    const namespaces = await faas(['namespace', 'list']);
    expect(namespaces.code).toBe(0);
    expect(namespaces.stdout).toContain('faas');
  });
});
