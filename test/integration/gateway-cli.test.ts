import { spawn } from 'node:child_process';
import type { ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createAdminApi } from '../../gateway/admin/index.js';
import type { RunningGateway } from '../../gateway/server.js';
import { HttpServerBackend } from '../support/http-server-backend.js';
import { call, startTestGateway } from '../support/test-gateway.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Runs the CLI as a user would, stdin from /dev/null. */
function faas(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['bin/faas.js', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

function reply(req: import('node:http').IncomingMessage, res: ServerResponse): void {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => res.end(`${req.method} ${req.url} ${body}`));
}

describe('gateway admin mount and the faas CLI against it', () => {
  let gateway: RunningGateway | undefined;
  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
  });

  it('answers /system/* with 501 JSON when no admin API is mounted', async () => {
    gateway = await startTestGateway(new HttpServerBackend({ f: { handler: reply } }));
    const answer = await call(`${gateway.url}/system/functions`);
    expect(answer.status).toBe(501);
    expect(answer.json).toMatchObject({ error: 'not_implemented' });
  });

  it('serves the admin API with the gateway invocation counts; faas list and faas invoke use them', async () => {
    // Given a gateway with the admin API and one awake function
    const backend = new HttpServerBackend({ hello: { handler: reply, minReplicas: 1 }, idle: { handler: reply } });
    gateway = await startTestGateway(backend, {}, {
      admin: (deps) =>
        createAdminApi({ backend: deps.backend, credentials: { user: 'admin', password: 'pw' }, namespace: 'faas', invocationCount: deps.invocationCount, logger: deps.logger }),
    });
    const env = { FAAS_ADMIN_PASSWORD: 'pw' };

    // When the CLI invokes it twice and lists
    const invoked = await faas(['invoke', 'hello', '--gateway', gateway.url, '--data', 'ping', '--path', '/x?y=1'], env);
    await faas(['invoke', 'hello', '--gateway', gateway.url], env);
    const listed = await faas(['list', '--gateway', gateway.url], env);
    const json = await faas(['list', '--gateway', gateway.url, '-o', 'json'], env);
    const yaml = await faas(['list', '--gateway', gateway.url, '-o', 'yaml'], env);
    const version = await faas(['version', '--gateway', gateway.url, '-o', 'json'], env);

    // Then the function saw the call, and the list shows replicas and invocations
    expect(invoked).toMatchObject({ code: 0, stdout: 'POST /x?y=1 ping' });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/NAME\s+REPLICAS\s+INVOCATIONS/);
    expect(listed.stdout).toMatch(/hello\s+1\/1\s+2/);
    expect(listed.stdout).toMatch(/idle\s+0\/0\s+0/);
    expect(JSON.parse(json.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'hello', invocationCount: 2 })]));
    expect(parseYaml(yaml.stdout)).toEqual(JSON.parse(json.stdout));
    expect(JSON.parse(version.stdout)).toMatchObject({ gateway: { provider: { provider: 'poorman-faas' } } });
  }, 60_000);

  it('faas ready waits for a function that takes calls and exits 1 for one that cannot, saying why', async () => {
    const backend = new HttpServerBackend({
      hello: { handler: reply, minReplicas: 1 },
      idle: { handler: reply },
      broken: { handler: reply, failStart: () => 'ImportError: no module named nope' },
    });
    gateway = await startTestGateway(backend, {}, {
      admin: (deps) =>
        createAdminApi({ backend: deps.backend, credentials: { user: 'admin', password: 'pw' }, namespace: 'faas', invocationCount: deps.invocationCount, logger: deps.logger }),
    });
    const env = { FAAS_ADMIN_PASSWORD: 'pw' };
    expect(await faas(['ready', 'hello', '--gateway', gateway.url], env)).toMatchObject({ code: 0, stdout: 'hello is ready\n' });
    expect(await faas(['ready', 'idle', '--gateway', gateway.url], env)).toMatchObject({ code: 0, stdout: 'idle is asleep\n' });
    // A call that fails to start it leaves it failing, which no wait changes.
    expect((await call(`${gateway.url}/function/broken`)).status).toBeGreaterThanOrEqual(500);
    const broken = await faas(['ready', 'broken', '--gateway', gateway.url, '--timeout', '10m'], env);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^faas: broken is failing: .*exited with code 1/m);
    const unknown = await faas(['ready', 'nope', '--gateway', gateway.url, '--timeout', '1s'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('faas: nope was not ready within 1s (last: not known to the gateway); wait longer with --timeout');
    const typo = await faas(['ready', 'hello', '--gateway', gateway.url, '--timeout', 'soon'], env);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain("--timeout 'soon' is not a duration");
    const wrong = await faas(['ready', 'hello', '--gateway', gateway.url], { FAAS_ADMIN_PASSWORD: 'nope' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('wrong password');
  }, 60_000);

  it('tells the user what went wrong: unknown function, no password, no gateway', async () => {
    const backend = new HttpServerBackend({ hello: { handler: reply, minReplicas: 1 } });
    gateway = await startTestGateway(backend, {}, {
      admin: (deps) =>
        createAdminApi({ backend: deps.backend, credentials: { user: 'admin', password: 'pw' }, namespace: 'faas', invocationCount: deps.invocationCount, logger: deps.logger }),
    });

    const unknown = await faas(['invoke', 'nope', '--gateway', gateway.url]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('function \\"nope\\" not found');
    expect(unknown.stderr).toContain("function 'nope' answered 404");

    const noPassword = await faas(['list', '--gateway', gateway.url], { FAAS_ADMIN_PASSWORD: '' });
    expect(noPassword.code).toBe(1);
    expect(noPassword.stderr).toContain('FAAS_ADMIN_PASSWORD');
    expect(noPassword.stderr).toContain('no `faas dev` serving it left its credentials in');

    const nowhere = await faas(['list', '--gateway', 'http://127.0.0.1:1']);
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toContain('cannot reach the gateway at http://127.0.0.1:1');
  }, 60_000);
});
