import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SPECIALIZE_PATH, specializationHeaders } from '../../gateway/backends/kubernetes/pool-signature.js';
import { startPoolProcess } from '../support/pool-process.js';

// Given the bootstrap in pool mode as a pod runs it: no parent socket, a shared secret in a file,
// the specialization arriving over HTTP.
const bootstrap = fileURLToPath(new URL('../../gateway/bootstrap/bootstrap.py', import.meta.url));
const python = execFileSync(process.env.UV ?? 'uv', ['python', 'find'], { encoding: 'utf8' }).trim();
const secret = randomBytes(32);
let dir: string;
const running = new Set<ChildProcess>();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'faas-pool-'));
  writeFileSync(join(dir, 'secret'), secret.toString('hex'));
});
afterEach(() => {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface PoolPod {
  readonly url: string;
  readonly stderr: string[];
  readonly exited: Promise<number | null>;
}

/** A pool process as a pod runs it, once it listens. */
async function startPoolPod(pod: string): Promise<PoolPod> {
  const started = await startPoolProcess(pod, join(dir, 'secret'), dir);
  running.add(started.child);
  return { url: `http://127.0.0.1:${started.port}`, stderr: started.stderr, exited: started.exited };
}

function specialization(filename: string, source: string, env: Record<string, string> = {}): Buffer {
  return Buffer.from(JSON.stringify({ filename, source, env }));
}

const hello = `import os\nPREFIX = os.environ["PREFIX"]\n\ndef handle(req):\n    return PREFIX + req\n`;

async function specialize(pod: PoolPod, podName: string, body: Buffer, signingSecret = Buffer.from(secret.toString('hex'))): Promise<Response> {
  return fetch(`${pod.url}${SPECIALIZE_PATH}`, { method: 'POST', headers: specializationHeaders(signingSecret, podName, body), body });
}

describe('a pool pod', () => {
  it('reports healthy while it waits, and serves no call before it is specialized', async () => {
    const pod = await startPoolPod('pool-a');
    expect((await fetch(`${pod.url}/_/health`)).status).toBe(200);
    const call = await fetch(`${pod.url}/anything`, { method: 'POST', body: 'x' });
    expect(call.status).toBe(503);
    expect(((await call.json()) as { error: string }).error).toBe('not_specialized');
  });

  it('refuses a specialization signed with another secret, for another pod, or unsigned, and stays in the pool', async () => {
    const pod = await startPoolPod('pool-b');
    const body = specialization('hello.py', hello, { PREFIX: 'hi ' });
    const wrongSecret = await specialize(pod, 'pool-b', body, randomBytes(32));
    expect(wrongSecret.status).toBe(403);
    expect(((await wrongSecret.json()) as { message: string }).message).toContain("not this pool's signature");
    expect((await specialize(pod, 'pool-other', body)).status).toBe(403);
    const unsigned = await fetch(`${pod.url}${SPECIALIZE_PATH}`, { method: 'POST', body });
    expect(unsigned.status).toBe(403);
    expect(((await unsigned.json()) as { message: string }).message).toContain('X-Faas-Timestamp');
    // Still a pool pod: the one with the secret can specialize it.
    expect((await specialize(pod, 'pool-b', body)).status).toBe(200);
  });

  it('refuses a signed request replayed later than the signature window', async () => {
    const pod = await startPoolPod('pool-c');
    const body = specialization('hello.py', hello, { PREFIX: 'hi ' });
    const old = specializationHeaders(Buffer.from(secret.toString('hex')), 'pool-c', body, Math.floor(Date.now() / 1000) - 3600);
    expect((await fetch(`${pod.url}${SPECIALIZE_PATH}`, { method: 'POST', headers: old, body })).status).toBe(403);
  });

  it('becomes the function once specialized: answers when it serves, on the same port, with its settings; and accepts no second one', async () => {
    const pod = await startPoolPod('pool-d');
    const answer = await specialize(pod, 'pool-d', specialization('hello.py', hello, { PREFIX: 'hi ' }));
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ function: 'hello' });
    const call = await fetch(`${pod.url}/`, { method: 'POST', body: 'Ada' });
    expect(await call.text()).toBe('hi Ada');
    expect(readFileSync(join(dir, 'pool-d', 'hello.py'), 'utf8')).toBe(hello);
    const again = await specialize(pod, 'pool-d', specialization('other.py', 'def handle(req):\n    return "other"\n'));
    expect(again.status).toBe(409);
    expect(await (await fetch(`${pod.url}/`, { method: 'POST', body: 'Bob' })).text()).toBe('hi Bob');
  });

  it('answers a script that crashes at import with 502 and its traceback, and exits', async () => {
    const pod = await startPoolPod('pool-e');
    const answer = await specialize(pod, 'pool-e', specialization('broken.py', 'import os\nraise ValueError("no config")\n\ndef handle(req):\n    return req\n'));
    expect(answer.status).toBe(502);
    const body = (await answer.json()) as { error: string; logTail: string };
    expect(body.error).toBe('start_failed');
    expect(body.logTail).toContain('Traceback (most recent call last)');
    expect(body.logTail).toContain('broken.py", line 2');
    expect(body.logTail).toContain('ValueError: no config');
    expect(await pod.exited).not.toBe(0);
  });

  it('will not start without the pool secret', async () => {
    const child = spawn(python, [bootstrap, '--pool'], { env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: '0' }, stdio: ['ignore', 'ignore', 'pipe'] });
    running.add(child);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('FAAS_POOL_SECRET_FILE is not set');
  });
});
