/**
 * Async calls over the real local backend: real uv processes, the SQLite queue in a temp folder,
 * a real callback receiver on 127.0.0.1.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteQueue } from '../../gateway/async/sqlite-queue.js';
import type { AsyncQueue } from '../../gateway/async/queue.js';
import { LocalBackend } from '../../gateway/backends/local/local-backend.js';
import { readConfig } from '../../gateway/config.js';
import { startGateway, type RunningGateway } from '../../gateway/server.js';
import { CallbackReceiver } from '../support/callback-receiver.js';
import { call } from '../support/test-gateway.js';

const FUNCTIONS = fileURLToPath(new URL('../fixtures/async', import.meta.url));

const receiver = new CallbackReceiver();
let receiverUrl: string;
let store: string;
let queue: AsyncQueue;
let gateway: RunningGateway;
let url: string;

const callbackFor = (id: string) => receiver.first(id);
const received = receiver.received;

async function deadLetterFor(id: string): Promise<{ reason: string; attempts: number }> {
  for (;;) {
    const found = await queue.deadLetterOf(id);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  receiverUrl = (await receiver.start()).url;
  store = mkdtempSync(join(tmpdir(), 'faas-async-'));
  queue = await openSqliteQueue({ file: join(store, 'async.sqlite'), maxQueued: 0 });
  const logger = pino({ level: process.env.TEST_LOG ?? 'silent' });
  const backend = new LocalBackend({ functionsDir: FUNCTIONS, logger, watch: false });
  const config = readConfig({}, { port: 0, host: '127.0.0.1', reaperPollMs: 0 });
  gateway = await startGateway({ config, backend, logger, asyncQueue: queue, asyncTiming: { firstRetryDelayMs: 50, firstCallbackDelayMs: 50 } });
  url = gateway.url;
});

afterAll(async () => {
  await gateway?.close();
  receiver.close();
  if (store) rmSync(store, { recursive: true, force: true });
});

describe('async calls over uv processes', () => {
  it('answers 202 with the caller\'s X-Call-Id, wakes the function and POSTs its result to the callback', async () => {
    const answer = await call(`${url}/async-function/echo.openfaas-fn/sub?x=1`, {
      method: 'POST',
      body: 'payload',
      headers: { 'x-call-id': 'call-one', 'x-callback-url': receiverUrl },
    });
    expect(answer.status).toBe(202);
    expect(answer.headers.get('x-call-id')).toBe('call-one');

    const result = await callbackFor('call-one');
    expect(result.headers['x-function-name']).toBe('echo');
    expect(result.headers['x-function-status']).toBe('201');
    expect(result.headers['content-type']).toBe('application/json');
    expect(Number(result.headers['x-duration-seconds'])).toBeGreaterThan(0);
    expect(BigInt(result.headers['x-start-time'] as string)).toBeGreaterThan(BigInt(Date.now() - 120_000) * 1_000_000n);
    expect(JSON.parse(result.body)).toEqual({ body: 'payload', callId: 'call-one', path: '/sub', worker: null });
  });

  it('makes up an X-Call-Id when none is given', async () => {
    const answer = await call(`${url}/async-function/echo`, { method: 'POST', body: 'x', headers: { 'x-callback-url': receiverUrl } });
    expect(answer.status).toBe(202);
    const id = answer.headers.get('x-call-id')!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse((await callbackFor(id)).body).callId).toBe(id);
  });

  it('answers 404 at once for an unknown function and stores nothing', async () => {
    const answer = await call(`${url}/async-function/nope`, { method: 'POST', body: 'x' });
    expect(answer.status).toBe(404);
    expect(answer.json.message).toContain('function "nope" not found');
    expect((await queue.depths()).find((d) => d.function === 'nope')).toBeUndefined();
  });

  it('refuses a callback URL that is not http(s) or that points at the gateway, with 400', async () => {
    const ftp = await call(`${url}/async-function/echo`, { method: 'POST', headers: { 'x-callback-url': 'ftp://127.0.0.1/x' } });
    expect(ftp.status).toBe(400);
    expect(ftp.json.message).toContain('only http:// and https://');
    const self = await call(`${url}/async-function/echo`, { method: 'POST', headers: { 'x-callback-url': `${url}/function/echo` } });
    expect(self.status).toBe(400);
    expect(self.json.message).toContain('points at this gateway');
  });

  it('retries a function that is busy twice and calls back once, with its third answer', async () => {
    const answer = await call(`${url}/async-function/flaky`, { method: 'POST', headers: { 'x-call-id': 'flaky-1', 'x-callback-url': receiverUrl } });
    expect(answer.status).toBe(202);
    const result = await callbackFor('flaky-1');
    expect(result.body).toBe('done on attempt 3');
    expect(result.headers['x-function-status']).toBe('200');
    expect(result.headers['content-type']).toBe('text/x-flaky');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received.filter((r) => r.headers['x-call-id'] === 'flaky-1')).toHaveLength(1);
  });

  it('dead-letters a poisoned call after its attempts while other calls keep flowing; replay requeues it', async () => {
    expect((await call(`${url}/async-function/echo`, { method: 'POST', body: 'poison', headers: { 'x-call-id': 'poison-1' } })).status).toBe(202);
    const ids = ['after-1', 'after-2', 'after-3'];
    for (const id of ids) {
      expect((await call(`${url}/async-function/echo`, { method: 'POST', body: id, headers: { 'x-call-id': id, 'x-callback-url': receiverUrl } })).status).toBe(202);
    }
    for (const id of ids) expect(JSON.parse((await callbackFor(id)).body).body).toBe(id);
    const dead = await deadLetterFor('poison-1');
    expect(dead.attempts).toBe(3);
    expect(dead.reason).toContain('gave up after 3 attempts');

    expect(await queue.drop('poison-1')).toBe(true);
    expect(await queue.deadLetterOf('poison-1')).toBeUndefined();
  });

  it('keeps a call without a callback URL only in the log, and acknowledges it', async () => {
    expect((await call(`${url}/async-function/echo`, { method: 'POST', body: 'quiet', headers: { 'x-call-id': 'quiet-1' } })).status).toBe(202);
    for (;;) {
      const depth = (await queue.depths()).find((d) => d.function === 'echo');
      if (!depth || depth.queued + depth.inProgress === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await queue.deadLetterOf('quiet-1')).toBeUndefined();
  });

  it('bounds an async call by the function\'s async-timeout, not its sync timeout', async () => {
    // Given a function whose sync timeout is 1 s and whose async-timeout is 20 s
    expect((await call(`${url}/function/slow`, { method: 'POST', body: '1.5' })).status).toBe(504);

    // When the same 1.5 s call is made asynchronously
    const answer = await call(`${url}/async-function/slow`, { method: 'POST', body: '1.5', headers: { 'x-call-id': 'slow-1', 'x-callback-url': receiverUrl } });
    expect(answer.status).toBe(202);

    // Then it runs to its end
    const result = await callbackFor('slow-1');
    expect(result.headers['x-function-status']).toBe('200');
    expect(result.body).toBe('slept 1.5');
  });

  it('does not let a client claim the async timeout: the worker\'s header is checked and never forwarded', async () => {
    const answer = await call(`${url}/function/slow`, { method: 'POST', body: '1.5', headers: { 'x-faas-async-worker': 'guess' } });
    expect(answer.status).toBe(504);
    expect(answer.json.message).toContain('within its timeout of 1s');
    const echoed = await call(`${url}/function/echo`, { method: 'POST', body: 'h', headers: { 'x-faas-async-worker': 'guess', 'x-call-id': 'h' } });
    expect(echoed).toMatchObject({ status: 201, json: { body: 'h', worker: null } });
  });
});
