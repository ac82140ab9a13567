/**
 * Async calls over the real local backend: real uv processes, the SQLite queue in a temp folder,
 * a real callback receiver on 127.0.0.1.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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
import { call } from '../support/test-gateway.js';

const FUNCTIONS = fileURLToPath(new URL('../fixtures/async', import.meta.url));

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

const received: Received[] = [];
const waiters: Array<() => void> = [];
let receiver: Server;
let receiverUrl: string;
let store: string;
let queue: AsyncQueue;
let gateway: RunningGateway;
let url: string;

async function callbackFor(id: string): Promise<Received> {
  for (;;) {
    const found = received.find((r) => r.headers['x-call-id'] === id);
    if (found) return found;
    await new Promise<void>((resolve) => waiters.push(resolve));
  }
}

async function deadLetterFor(id: string): Promise<{ reason: string; attempts: number }> {
  for (;;) {
    const found = await queue.deadLetterOf(id);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.end('ok');
      waiters.splice(0).forEach((wake) => wake());
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/result`;
  store = mkdtempSync(join(tmpdir(), 'faas-async-'));
  queue = await openSqliteQueue({ file: join(store, 'async.sqlite'), maxQueued: 0 });
  const logger = pino({ level: 'silent' });
  const backend = new LocalBackend({ functionsDir: FUNCTIONS, logger, watch: false });
  const config = readConfig({}, { port: 0, host: '127.0.0.1', reaperPollMs: 0 });
  gateway = await startGateway({
    config,
    backend,
    logger,
    asyncQueue: queue,
    asyncDefaults: { attempts: 3, firstDelayMs: 50, maxDelayMs: 200, maxInflight: 4, minTimeoutMs: 30_000 },
  });
  url = gateway.url;
});

afterAll(async () => {
  await gateway?.close();
  receiver?.close();
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
    expect(JSON.parse(result.body)).toEqual({ body: 'payload', callId: 'call-one', path: '/sub' });
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
});
