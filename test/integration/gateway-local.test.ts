/**
 * The gateway over the real local backend: real uv, real Python functions from
 * test/fixtures/gateway-local, real HTTP on 127.0.0.1.
 */
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalBackend } from '../../gateway/backends/local/local-backend.js';
import { readConfig } from '../../gateway/config.js';
import { startGateway, type RunningGateway } from '../../gateway/server.js';
import { call } from '../support/test-gateway.js';

const FUNCTIONS = fileURLToPath(new URL('../fixtures/gateway-local', import.meta.url));
const POLL_MS = 250;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Every log line of the gateway and its backend, parsed, so tests can count real events. */
const logs: Array<Record<string, unknown>> = [];
const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
const count = (fn: string, msg: string): number => logs.filter((l) => l.function === fn && l.msg === msg).length;

let backend: LocalBackend;
let gateway: RunningGateway;
let url: string;

beforeAll(async () => {
  backend = new LocalBackend({ functionsDir: FUNCTIONS, logger, watch: false });
  const config = readConfig({}, { port: 0, host: '127.0.0.1', reaperPollMs: POLL_MS, startRetryBackoffMs: 1000, maxBodyBytes: 1024 * 1024 });
  gateway = await startGateway({ config, backend, logger });
  url = gateway.url;
});

afterAll(async () => {
  await gateway?.close();
});

async function stillServing(): Promise<void> {
  const answer = await call(`${url}/function/hello`);
  expect(answer).toMatchObject({ status: 200, text: 'hello' });
}

describe('gateway over uv processes', () => {
  it('wakes once for 1000 concurrent calls: one process started, 1000 answers of 200', async () => {
    // Given hello asleep
    expect(backend.replicas('hello').desired).toBe(0);

    // When 1000 calls arrive together
    const answers = await Promise.all(Array.from({ length: 1000 }, () => call(`${url}/function/hello`)));

    // Then one process was started and became ready once, and every call got its answer
    expect(answers.filter((a) => a.status === 200 && a.text === 'hello')).toHaveLength(1000);
    expect(count('hello', 'ready')).toBe(1);
    expect(backend.processGroups('hello')).toHaveLength(1);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('gateway_cold_starts_total{function_name="hello"} 1');
    expect(metrics).toContain('gateway_function_invocation_total{function_name="hello",code="200"} 1000');
  });

  it('answers 404 naming an unknown function', async () => {
    const answer = await call(`${url}/function/no-such-fn`);
    expect(answer.status).toBe(404);
    expect(answer.json).toMatchObject({ error: 'not_found', function: 'no-such-fn' });
    await stillServing();
  });

  it('answers 413 to a body over the limit without reading it', async () => {
    // Given a client that announces 5 GB and sends 64 KiB
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${url}/function/hello`, { method: 'POST', headers: { 'content-length': String(5 * 1024 ** 3) } }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.write(Buffer.alloc(64 * 1024));
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'payload_too_large', function: 'hello' });
    await stillServing();
  });

  it('answers 502 with the stderr tail when a function crashes at start, and tries again after the backoff', async () => {
    const first = await call(`${url}/function/crash`);
    expect(first.status).toBe(502);
    expect(first.json).toMatchObject({ error: 'start_failed', function: 'crash' });
    expect(first.json.logTail).toContain('settings file missing');
    const attemptsAfterFirst = count('crash', 'function failed to start');

    await sleep(1100);
    const second = await call(`${url}/function/crash`);
    expect(second.status).toBe(502);
    expect(count('crash', 'function failed to start')).toBe(attemptsAfterFirst + 1);
    await stillServing();
  });

  it('answers 504 naming a function slower than its timeout', async () => {
    const answer = await call(`${url}/function/slow`);
    expect(answer.status).toBe(504);
    expect(answer.json).toMatchObject({ error: 'upstream_timeout', function: 'slow' });
    expect(answer.json.message).toContain('1s');
    await stillServing();
  });

  it('puts an idle function to zero within idle-timeout plus one poll', async () => {
    // Given sleepy woken (idle timeout 1 s)
    expect((await call(`${url}/function/sleepy`)).status).toBe(200);
    const lastCall = Date.now();

    // When nobody calls it for its idle timeout plus one poll (and the process's drain)
    await sleep(lastCall + 1000 + POLL_MS + 150 - Date.now());

    // Then it has no ready instance and no desired one
    expect(backend.replicas('sleepy')).toEqual({ desired: 0, ready: 0 });
    expect(count('sleepy', 'scaled to zero after idle timeout')).toBeGreaterThanOrEqual(1);
  });

  it('does not cut a request held open past idle-timeout', async () => {
    const answer = await call(`${url}/function/held`);
    expect(answer).toMatchObject({ status: 200, text: 'held' });
    expect(count('held', 'scaled to zero after idle timeout')).toBe(0);
  });

  it('loses nothing from a burst that arrives as the reaper scales the function down', async () => {
    // Given sleepy awake and about to be reaped
    expect((await call(`${url}/function/sleepy`)).status).toBe(200);
    const reapsBefore = count('sleepy', 'scaled to zero after idle timeout');

    // When 200 calls arrive the moment its instance leaves the rotation
    const burst = await new Promise<Array<Awaited<ReturnType<typeof call>>>>((resolve) => {
      const unsubscribe = backend.onEndpointsChanged((name) => {
        if (name !== 'sleepy' || backend.readyEndpoints('sleepy').length > 0) return;
        unsubscribe();
        void Promise.all(Array.from({ length: 200 }, () => call(`${url}/function/sleepy`))).then(resolve);
      });
    });

    // Then every call was answered by the function, woken again
    expect(burst.map((a) => a.status)).toEqual(Array(200).fill(200));
    expect(burst.every((a) => a.text.startsWith('pid '))).toBe(true);
    expect(count('sleepy', 'scaled to zero after idle timeout')).toBe(reapsBefore + 1);
    await stillServing();
  });
});
