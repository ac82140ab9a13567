/**
 * The async queue's admin routes and metrics, and its faults, over the real gateway: real uv
 * functions, the SQLite queue in a temp folder, real callback receivers on 127.0.0.1 (one of which
 * never answers), the admin API with Basic auth.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminMount } from '../../gateway/admin/index.js';
import type { AsyncQueue } from '../../gateway/async/queue.js';
import { openSqliteQueue } from '../../gateway/async/sqlite-queue.js';
import { LocalBackend } from '../../gateway/backends/local/index.js';
import type { RunningGateway } from '../../gateway/server.js';
import { TEST_CREDENTIALS } from '../support/admin-server.js';
import { CallbackReceiver } from '../support/callback-receiver.js';
import { fixtureDir } from '../support/local-backend-harness.js';
import { call, startTestGateway } from '../support/test-gateway.js';

const HOLD = readFileSync(new URL('../fixtures/async-deploy/hold.py', import.meta.url), 'utf8');
const auth = `Basic ${Buffer.from(`${TEST_CREDENTIALS.user}:${TEST_CREDENTIALS.password}`).toString('base64')}`;
const TIMING = { firstRetryDelayMs: 50, firstCallbackDelayMs: 50 };

const receiver = new CallbackReceiver();
const logs: { msg?: string; callId?: string; [key: string]: unknown }[] = [];
let root: string;
let gateway: RunningGateway;
let queue: AsyncQueue;

/** A callback receiver that takes each connection and never answers it. */
let silent: Server;
let silentUrl: string;
const silentRequests: string[] = [];
const silentSockets = new Set<Socket>();

beforeAll(async () => {
  await receiver.start();
  silent = createServer((req) => {
    silentRequests.push(String(req.headers['x-call-id']));
    req.resume();
  });
  silent.on('connection', (socket) => silentSockets.add(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/never`;

  root = mkdtempSync(join(tmpdir(), 'faas-async-admin-'));
  const functionsDir = join(root, 'functions');
  cpSync(fixtureDir('async-admin'), functionsDir, { recursive: true });
  queue = await openSqliteQueue({ file: join(root, 'async.sqlite'), maxQueued: 0 });
  const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  // A removed function's process gets a second to drain before it is killed (its default: its timeout).
  const backend = new LocalBackend({ functionsDir, logger, watch: false, stopGraceMs: 1000 });
  gateway = await startTestGateway(backend, { shutdownGraceMs: 1000 }, { admin: adminMount({ credentials: TEST_CREDENTIALS }), asyncQueue: queue, asyncTiming: TIMING, logger });
});

afterAll(async () => {
  await gateway?.close();
  receiver.close();
  for (const socket of silentSockets) socket.destroy();
  silent?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

const admin = (method: string, path: string, body?: unknown) =>
  call(`${gateway.url}${path}`, { method, headers: { authorization: auth }, ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }) });

const enqueue = (fn: string, id: string, body: string, callbackUrl?: string) =>
  call(`${gateway.url}/async-function/${fn}`, { method: 'POST', body, headers: { 'x-call-id': id, 'content-type': 'text/plain', ...(callbackUrl && { 'x-callback-url': callbackUrl }) } });

async function until<T>(check: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const found = await check();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const deadLetter = (id: string) => until(async () => (await queue.deadLetterOf(id)) ?? undefined);
const settled = (fn: string) =>
  until(async () => {
    const depth = (await queue.depths()).find((d) => d.function === fn);
    return !depth || depth.queued + depth.inProgress === 0 ? true : undefined;
  });

/** One sample of the scrape: `name{labels} value`, labels in the order the gateway writes them. */
async function sample(series: string): Promise<number | undefined> {
  const text = (await call(`${gateway.url}/metrics`)).text;
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('dead letters through the admin API', () => {
  let marker: string;

  it('lists a call that exhausted its attempts, with its reason and attempts, and depths per function', async () => {
    // Given a call to a function that stays busy (503) for both its attempts
    marker = join(root, 'gate-open');
    expect((await enqueue('gate', 'gate-1', marker, receiver.url)).status).toBe(202);
    await deadLetter('gate-1');

    // Then the admin API lists it
    const list = await admin('GET', '/system/dead-letters');
    expect(list.status).toBe(200);
    expect(list.headers.get('x-total-count')).toBe('1');
    expect(list.json).toEqual([
      {
        callId: 'gate-1',
        function: 'gate',
        method: 'POST',
        path: '/',
        callbackUrl: receiver.url,
        attempts: 2,
        reason: expect.stringContaining('gave up after 2 attempts; last: the function answered 503: gate closed'),
        acceptedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        deadAt: expect.stringMatching(/Z$/),
        bodyBytes: Buffer.byteLength(marker),
      },
    ]);
    expect((await admin('GET', '/system/dead-letters?function=quick')).json).toEqual([]);

    const depths = await admin('GET', '/system/async-queues');
    expect(depths.status).toBe(200);
    expect(depths.json).toContainEqual({ function: 'gate', queued: 0, inProgress: 0, deadLetters: 1, oldestAgeSeconds: 0 });
  });

  it('shows one with the stored request: headers and body', async () => {
    const shown = await admin('GET', '/system/dead-letter/gate-1');
    expect(shown.status).toBe(200);
    expect(shown.json).toMatchObject({ callId: 'gate-1', bodyEncoding: 'utf8', body: marker });
    expect(shown.json.headers).toContainEqual(['content-type', 'text/plain']);
    expect(shown.json.headers).toContainEqual(['X-Call-Id', 'gate-1']);
    const missing = await admin('GET', '/system/dead-letter/nope');
    expect(missing.status).toBe(404);
    expect(missing.json.message).toContain('no dead letter with call id "nope"');
  });

  it('answers bad replay and drop requests with 400 naming the field, 401 without credentials', async () => {
    const empty = await admin('POST', '/system/dead-letters/replay', {});
    expect(empty.status).toBe(400);
    expect(empty.json.errors).toEqual(["field 'callId': is required"]);
    const number = await admin('POST', '/system/dead-letters/replay', { callId: 5 });
    expect(number.status).toBe(400);
    expect(number.json.errors[0]).toMatch(/^field 'callId': Expected string/);
    const spaced = await admin('DELETE', '/system/dead-letters', { callId: 'bad id' });
    expect(spaced.status).toBe(400);
    expect(spaced.json.errors[0]).toMatch(/^field 'callId': /);
    const extra = await admin('DELETE', '/system/dead-letters', { callId: 'gate-1', everything: true });
    expect(extra.status).toBe(400);
    expect(extra.json.message).toContain('everything');
    const notJson = await admin('POST', '/system/dead-letters/replay', '{"callId": ');
    expect(notJson.status).toBe(400);
    expect(notJson.json.message).toContain('not valid JSON');
    const limit = await admin('GET', '/system/dead-letters?limit=0');
    expect(limit.status).toBe(400);
    expect(limit.json.message).toContain("query parameter 'limit'");
    const stranger = await call(`${gateway.url}/system/dead-letters`);
    expect(stranger.status).toBe(401);
    expect(stranger.headers.get('www-authenticate')).toContain('Basic');
    // None of them touched the dead letter
    expect(await queue.deadLetterOf('gate-1')).toBeDefined();
  });

  it('replays one with a fresh count of attempts: once its function can answer, the callback comes', async () => {
    writeFileSync(marker, 'gate open');
    const replayed = await admin('POST', '/system/dead-letters/replay', { callId: 'gate-1' });
    expect(replayed.status).toBe(202);
    expect(replayed.json).toMatchObject({ callId: 'gate-1', function: 'gate' });
    const result = await receiver.first('gate-1');
    expect(result.body).toBe('gate open');
    expect(result.headers['content-type']).toBe('text/x-gate');
    expect(await queue.deadLetterOf('gate-1')).toBeUndefined();
    expect((await admin('POST', '/system/dead-letters/replay', { callId: 'gate-1' })).status).toBe(404);
  });

  it('drops one for good; dropping it again is a 404', async () => {
    const closed = join(root, 'never-open');
    expect((await enqueue('gate', 'gate-2', closed)).status).toBe(202);
    await deadLetter('gate-2');
    const dropped = await admin('DELETE', '/system/dead-letters', { callId: 'gate-2' });
    expect(dropped.status).toBe(200);
    expect(dropped.json).toMatchObject({ callId: 'gate-2', function: 'gate' });
    expect((await admin('GET', '/system/dead-letter/gate-2')).status).toBe(404);
    expect((await admin('DELETE', '/system/dead-letters', { callId: 'gate-2' })).status).toBe(404);
  });
});

describe('faults', () => {
  it('dead-letters the queued calls of a function deleted while they wait, saying so; replaying one is refused', async () => {
    // Given a function deployed through the API whose one async slot is held, and two calls behind it
    expect((await admin('POST', '/system/functions', { service: 'hold', source: HOLD })).status).toBe(202);
    const ids = ['hold-1', 'hold-2', 'hold-3'];
    for (const id of ids) expect((await enqueue('hold', id, id, receiver.url)).status).toBe(202);
    await until(async () => ((await queue.depths()).find((d) => d.function === 'hold')?.inProgress === 1 ? true : undefined));

    // When the function is removed
    expect((await admin('DELETE', '/system/functions', { functionName: 'hold' })).status).toBe(202);

    // Then every call is a dead letter saying why, and none reached a callback
    for (const id of ids) expect((await deadLetter(id)).reason).toBe('function "hold" was removed while the call was queued');
    expect(ids.flatMap((id) => receiver.of(id))).toEqual([]);
    const replay = await admin('POST', '/system/dead-letters/replay', { callId: 'hold-2' });
    expect(replay.status).toBe(409);
    expect(replay.json.message).toContain('function "hold", which is not deployed: deploy "hold" again, or drop the dead letter');
    expect(await sample('gateway_async_dead_lettered_total{function_name="hold",reason="function_removed"}')).toBe(3);
  });

  it('gives up on a callback receiver that never answers after its attempts, and keeps the queue flowing', async () => {
    // Given a call whose receiver takes the connection and never answers
    expect((await enqueue('quick', 'mute-1', 'a', silentUrl)).status).toBe(202);
    // And a call behind it with a working receiver
    expect((await enqueue('quick', 'after-mute', 'b', receiver.url)).status).toBe(202);

    // Then the second is delivered, and the first is tried async-callback-attempts (2) times, then acknowledged
    expect((await receiver.first('after-mute')).body).toBe('quick:b');
    await settled('quick');
    const failed = logs.find((l) => l.callId === 'mute-1' && l.msg === 'async call: callback not delivered');
    expect(failed?.reason).toContain('failed 2 times; last: the receiver did not answer within 300 ms');
    expect(silentRequests.filter((id) => id === 'mute-1')).toHaveLength(2);
    expect(await queue.deadLetterOf('mute-1')).toBeUndefined();
    expect(await sample('gateway_async_callbacks_total{function_name="quick",outcome="failed"}')).toBe(1);
  });

  it('logs and counts the result of a call without X-Callback-Url', async () => {
    expect((await enqueue('quick', 'no-callback', 'c')).status).toBe(202);
    await settled('quick');
    const done = await until(async () => logs.find((l) => l.callId === 'no-callback' && l.msg === 'async call done (no callback URL)'));
    expect(done).toMatchObject({ function: 'quick', status: 200 });
    expect(await sample('gateway_async_callbacks_total{function_name="quick",outcome="none"}')).toBe(1);
  });

  it('refuses a callback URL that is not a URL, with 400 and nothing stored', async () => {
    const answer = await enqueue('quick', 'bad-callback', 'd', 'not a url');
    expect(answer.status).toBe(400);
    expect(answer.json.message).toContain('X-Callback-Url "not a url" is not a URL');
    expect(await queue.deadLetterOf('bad-callback')).toBeUndefined();
  });
});

describe('async metrics on /metrics', () => {
  it('counts accepted, completed by status, retried and dead-lettered calls, and the queue age of each start', async () => {
    expect(await sample('gateway_async_accepted_total{function_name="gate"}')).toBe(2);
    expect(await sample('gateway_async_completed_total{function_name="gate",code="200"}')).toBe(1);
    expect(await sample('gateway_async_retried_total{function_name="gate"}')).toBe(2);
    expect(await sample('gateway_async_dead_lettered_total{function_name="gate",reason="attempts_exhausted"}')).toBe(2);
    expect(await sample('gateway_async_callbacks_total{function_name="gate",outcome="delivered"}')).toBe(1);
    // gate: 2 attempts, a replay's one attempt, 2 attempts
    expect(await sample('gateway_async_queue_seconds_count{function_name="gate"}')).toBe(5);
  });

  it('reads the depths from the queue at scrape time', async () => {
    expect(await sample('gateway_async_dead_letters{function_name="hold"}')).toBe(3);
    expect(await sample('gateway_async_queued{function_name="hold"}')).toBe(0);
    expect((await admin('DELETE', '/system/dead-letters', { callId: 'hold-1' })).status).toBe(200);
    expect(await sample('gateway_async_dead_letters{function_name="hold"}')).toBe(2);
  });
});

describe('a queue that is full or unreachable', () => {
  let small: RunningGateway;
  let smallQueue: AsyncQueue;
  let smallRoot: string;

  beforeAll(async () => {
    smallRoot = mkdtempSync(join(tmpdir(), 'faas-async-full-'));
    const functionsDir = join(smallRoot, 'functions');
    cpSync(fixtureDir('async-admin'), functionsDir, { recursive: true });
    writeFileSync(join(functionsDir, 'hold.py'), HOLD);
    smallQueue = await openSqliteQueue({ file: join(smallRoot, 'async.sqlite'), maxQueued: 1 });
    const backend = new LocalBackend({ functionsDir, logger: pino({ level: 'silent' }), watch: false, stopGraceMs: 1000 });
    small = await startTestGateway(backend, { shutdownGraceMs: 1000 }, { asyncQueue: smallQueue, asyncTiming: TIMING });
  });
  afterAll(async () => {
    await small?.close().catch(() => undefined);
    if (smallRoot) rmSync(smallRoot, { recursive: true, force: true });
  });

  it('answers 503 with Retry-After past ASYNC_MAX_QUEUED, and stores nothing', async () => {
    const first = await call(`${small.url}/async-function/hold`, { method: 'POST', body: 'x', headers: { 'x-call-id': 'full-1' } });
    expect(first.status).toBe(202);
    const refused = await call(`${small.url}/async-function/quick`, { method: 'POST', body: 'y', headers: { 'x-call-id': 'full-2' } });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(refused.json.message).toContain('its limit (ASYNC_MAX_QUEUED)');
    expect(refused.headers.get('x-call-id')).toBeNull();
    expect((await smallQueue.depths()).find((d) => d.function === 'quick')).toBeUndefined();
    const text = (await call(`${small.url}/metrics`)).text;
    expect(text).toContain('gateway_async_refused_total{function_name="quick",reason="queue_full"} 1');
  });

  it('answers 503 with Retry-After when the store cannot be written, never 202', async () => {
    // The store's database goes away under the running gateway
    await smallQueue.close();
    const refused = await call(`${small.url}/async-function/quick`, { method: 'POST', body: 'z', headers: { 'x-call-id': 'lost-1' } });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(refused.json.message).toContain('the async queue could not store the call');
    const text = (await call(`${small.url}/metrics`)).text;
    expect(text).toContain('gateway_async_refused_total{function_name="quick",reason="queue_unreachable"} 1');
  });
});
