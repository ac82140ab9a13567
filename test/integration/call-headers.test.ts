/**
 * OpenFaaS's call headers and W3C trace context, through the real gateway to a real Python
 * function run by uv: what the function receives and what the caller gets back.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalBackend } from '../../gateway/backends/local/local-backend.js';
import { readConfig } from '../../gateway/config.js';
import { startGateway, type RunningGateway } from '../../gateway/server.js';
import { fixtureDir } from '../support/local-backend-harness.js';
import { call } from '../support/test-gateway.js';

const quiet = pino({ level: 'silent' });
let gateway: RunningGateway;

beforeAll(async () => {
  const backend = new LocalBackend({ functionsDir: fixtureDir('call-headers'), logger: quiet, watch: false });
  gateway = await startGateway({ config: readConfig({}, { port: 0, host: '127.0.0.1', reaperPollMs: 0 }), backend, logger: quiet });
});

afterAll(async () => {
  await gateway?.close();
});

const nowNanos = (): bigint => BigInt(Date.now()) * 1_000_000n;

describe('X-Call-Id and X-Start-Time', () => {
  it('makes up a call id, and the function and the caller see the same id and start time', async () => {
    const before = nowNanos();
    const answer = await call(`${gateway.url}/function/headers`, { method: 'POST', body: 'x' });
    expect(answer.status).toBe(200);
    const id = answer.headers.get('x-call-id');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const start = answer.headers.get('x-start-time')!;
    expect(start).toMatch(/^[0-9]{19}$/);
    // Millisecond clock at both ends: the start lies within the call, to the millisecond.
    expect(BigInt(start)).toBeGreaterThanOrEqual(before - 1_000_000n);
    expect(BigInt(start)).toBeLessThanOrEqual(nowNanos());
    expect(answer.json).toMatchObject({ 'x-call-id': id, 'x-start-time': start });
  });

  it("keeps the caller's X-Call-Id and replaces a caller's X-Start-Time", async () => {
    const answer = await call(`${gateway.url}/function/headers`, { headers: { 'x-call-id': 'order-42', 'x-start-time': '1' } });
    expect(answer.headers.get('x-call-id')).toBe('order-42');
    expect(answer.headers.get('x-start-time')).not.toBe('1');
    expect(answer.json).toMatchObject({ 'x-call-id': 'order-42', 'x-start-time': answer.headers.get('x-start-time') });
  });

  it("gives every call its own id", async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) ids.add((await call(`${gateway.url}/function/headers`)).headers.get('x-call-id')!);
    expect(ids.size).toBe(5);
  });

  it("sets both on the gateway's own errors too: a 404 for an unknown function", async () => {
    const answer = await call(`${gateway.url}/function/nope`);
    expect(answer.status).toBe(404);
    expect(answer.headers.get('x-call-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.headers.get('x-start-time')).toMatch(/^[0-9]{19}$/);
  });

  it('refuses a malformed X-Call-Id with a 400 that says what it must look like', async () => {
    const answer = await call(`${gateway.url}/function/headers`, { headers: { 'x-call-id': 'has space' } });
    expect(answer.status).toBe(400);
    expect(answer.json.message).toContain('X-Call-Id "has space" must be 1 to 128 letters, digits or . _ : -');
  });
});

describe('W3C trace context', () => {
  it('passes traceparent and tracestate to the function unchanged', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const answer = await call(`${gateway.url}/function/headers`, { headers: { traceparent, tracestate: 'vendor=opaque' } });
    expect(answer.json).toMatchObject({ traceparent, tracestate: 'vendor=opaque' });
  });

  it('makes none up when the caller sends none: the gateway records no span a new one could point at', async () => {
    const answer = await call(`${gateway.url}/function/headers`);
    expect(answer.json).toMatchObject({ traceparent: null, tracestate: null });
  });
});

describe('/metrics', () => {
  it('counts started calls per function and exports process metrics', async () => {
    const scrape = async () => (await call(`${gateway.url}/metrics`)).text;
    const started = (text: string) => Number(/^gateway_function_invocation_started\{function_name="headers"\} ([0-9]+)$/m.exec(text)?.[1] ?? 0);
    const before = started(await scrape());
    await call(`${gateway.url}/function/headers`);
    await call(`${gateway.url}/function/headers`);
    const text = await scrape();
    expect(started(text)).toBe(before + 2);
    expect(text).toMatch(/^process_resident_memory_bytes [0-9.e+]+$/m);
    expect(text).toMatch(/^process_cpu_seconds_total [0-9.e+-]+$/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds [0-9.e+-]+$/m);
  });
});
