/**
 * `faas invoke --async` and `faas queue` as a user runs them (bin/faas.js in its own process)
 * against a real gateway with the SQLite queue, functions served by real HTTP servers, and a real
 * callback receiver.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { adminMount } from '../../gateway/admin/index.js';
import type { AsyncQueue } from '../../gateway/async/queue.js';
import { openSqliteQueue } from '../../gateway/async/sqlite-queue.js';
import type { RunningGateway } from '../../gateway/server.js';
import { TEST_CREDENTIALS } from '../support/admin-server.js';
import { CallbackReceiver } from '../support/callback-receiver.js';
import { HttpServerBackend } from '../support/http-server-backend.js';
import { startTestGateway } from '../support/test-gateway.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const env = { FAAS_ADMIN_PASSWORD: TEST_CREDENTIALS.password };

function faas(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['bin/faas.js', ...args, '--gateway', gateway.url], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const receiver = new CallbackReceiver();
let root: string;
let queue: AsyncQueue;
let gateway: RunningGateway;

beforeAll(async () => {
  await receiver.start();
  root = mkdtempSync(join(tmpdir(), 'faas-async-cli-'));
  queue = await openSqliteQueue({ file: join(root, 'async.sqlite'), maxQueued: 0 });
  const backend = new HttpServerBackend({
    echo: {
      handler: (req, res) => {
        let body = '';
        req.on('data', (chunk) => (body += chunk));
        req.on('end', () => res.end(`${req.method} ${req.url} ${body}`));
      },
    },
    busy: { handler: (_req, res) => res.writeHead(503).end('busy') },
  });
  gateway = await startTestGateway(backend, {}, { admin: adminMount({ credentials: TEST_CREDENTIALS }), asyncQueue: queue, asyncTiming: { firstRetryDelayMs: 20, firstCallbackDelayMs: 20 } });
});

afterAll(async () => {
  await gateway?.close();
  receiver.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

async function deadLetter(id: string): Promise<void> {
  while (!(await queue.deadLetterOf(id))) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('faas invoke --async', () => {
  it('prints the call id at once; the result reaches --callback with it', async () => {
    const invoked = await faas(['invoke', 'echo', '--async', '--callback', receiver.url, '--data', 'later', '--path', '/job?n=1']);
    expect(invoked.stderr).toBe('');
    expect(invoked.code).toBe(0);
    const id = invoked.stdout.trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const result = await receiver.first(id);
    expect(result.body).toBe('POST /job?n=1 later');
    expect(result.headers['x-function-name']).toBe('echo');
  });

  it('keeps the caller\'s X-Call-Id given with -H', async () => {
    const invoked = await faas(['invoke', 'echo', '--async', '-H', 'X-Call-Id=mine-1', '--callback', receiver.url, '--data', 'x']);
    expect(invoked).toMatchObject({ code: 0, stdout: 'mine-1\n' });
    expect((await receiver.first('mine-1')).body).toBe('POST / x');
  });

  it('refuses --callback without --async, and says what the gateway refused', async () => {
    const sync = await faas(['invoke', 'echo', '--callback', receiver.url, '--data', 'x']);
    expect(sync.code).toBe(1);
    expect(sync.stderr).toContain('--callback needs --async');
    const ftp = await faas(['invoke', 'echo', '--async', '--callback', 'ftp://127.0.0.1/x', '--data', 'x']);
    expect(ftp.code).toBe(1);
    expect(ftp.stderr).toContain('only http:// and https:// callbacks are made');
    const unknown = await faas(['invoke', 'nope', '--async', '--data', 'x']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("function 'nope' answered 404");
  });
});

describe('faas queue', () => {
  it('lists depths, dead letters, and replays and drops them, as tables, JSON and YAML', async () => {
    // Given two calls to a function that is always busy, dead after their attempts
    for (const id of ['busy-1', 'busy-2']) expect((await faas(['invoke', 'busy', '--async', '-H', `X-Call-Id=${id}`, '--data', id])).stdout).toBe(`${id}\n`);
    await deadLetter('busy-1');
    await deadLetter('busy-2');

    // Then faas queue shows them per function
    const depths = await faas(['queue']);
    expect(depths.code).toBe(0);
    expect(depths.stdout).toMatch(/FUNCTION\s+QUEUED\s+IN PROGRESS\s+DEAD LETTERS\s+OLDEST/);
    expect(depths.stdout).toMatch(/busy\s+0\s+0\s+2/);
    const depthsJson = await faas(['queue', '-o', 'json']);
    expect(JSON.parse(depthsJson.stdout)).toContainEqual({ function: 'busy', queued: 0, inProgress: 0, deadLetters: 2, oldestAgeSeconds: 0 });

    const listed = await faas(['queue', 'dead-letters']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/CALL ID\s+FUNCTION\s+ATTEMPTS\s+DEAD AT\s+REASON/);
    expect(listed.stdout).toMatch(/busy-1\s+busy\s+5\s+\S+Z\s+gave up after 5 attempts; last: the function answered 503: busy/);
    const json = JSON.parse((await faas(['queue', 'dead-letters', '-o', 'json', '--function', 'busy'])).stdout);
    expect(json.map((d: { callId: string }) => d.callId)).toEqual(['busy-1', 'busy-2']);
    expect(parseYaml((await faas(['queue', 'dead-letters', '-o', 'yaml'])).stdout)).toEqual(json);
    const limited = await faas(['queue', 'dead-letters', '--limit', '1']);
    expect(limited.stderr).toContain('1 of 2 shown; pass --limit to see more');

    // When one is dropped and the other replayed
    const dropped = await faas(['queue', 'drop', 'busy-1']);
    expect(dropped).toMatchObject({ code: 0, stdout: 'dead letter busy-1 (function busy) dropped\n' });
    const replayed = await faas(['queue', 'replay', 'busy-2', '-o', 'json']);
    expect(replayed.code).toBe(0);
    expect(JSON.parse(replayed.stdout)).toMatchObject({ callId: 'busy-2', function: 'busy' });

    // Then the dropped one is gone, and the replayed one runs its attempts again
    const again = await faas(['queue', 'drop', 'busy-1']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('no dead letter with call id "busy-1"');
    await deadLetter('busy-2');
    expect((await queue.deadLetterOf('busy-2'))!.attempts).toBe(5);
  });

  it('says what is wrong with a bad call id', async () => {
    const bad = await faas(['queue', 'replay', 'not an id']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("field 'callId'");
  });
});
