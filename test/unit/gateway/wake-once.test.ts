import { afterEach, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../../gateway/server.js';
import { HttpServerBackend } from '../../support/http-server-backend.js';
import { call, startTestGateway } from '../../support/test-gateway.js';

const hello = (_req: unknown, res: import('node:http').ServerResponse): void => {
  res.end('hello');
};

describe('wake once', () => {
  let gateway: RunningGateway | undefined;
  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
  });

  it('wakes once for 1000 concurrent calls and answers all of them', async () => {
    // Given a sleeping function that takes a moment to start
    const backend = new HttpServerBackend({ hello: { handler: hello, startDelayMs: 200 }, other: { handler: hello } });
    gateway = await startTestGateway(backend);

    // When 1000 calls arrive together
    const answers = await Promise.all(Array.from({ length: 1000 }, () => call(`${gateway!.url}/function/hello`)));

    // Then one instance started, one scale-up was asked for, and every call got the function's answer
    expect(backend.starts.get('hello')).toBe(1);
    expect(backend.scaleCalls.filter((c) => c.name === 'hello')).toEqual([{ name: 'hello', replicas: 1 }]);
    expect(answers.filter((a) => a.status === 200 && a.text === 'hello')).toHaveLength(1000);
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toContain('gateway_cold_starts_total{function_name="hello"} 1');
    expect(metrics).toContain('gateway_function_invocation_total{function_name="hello",code="200"} 1000');
  });

  it('answers 503 with Retry-After to calls past the wake queue limit', async () => {
    // Given a slow-starting function and room for only 2 waiters
    const backend = new HttpServerBackend({ slow: { handler: hello, startDelayMs: 500 } });
    gateway = await startTestGateway(backend, { wakeQueueLimit: 2 });

    // When 5 calls arrive together
    const answers = await Promise.all(Array.from({ length: 5 }, () => call(`${gateway!.url}/function/slow`)));

    // Then two waited and were served, the other three were told to come back
    expect(answers.filter((a) => a.status === 200)).toHaveLength(2);
    const refused = answers.filter((a) => a.status === 503);
    expect(refused).toHaveLength(3);
    expect(refused[0]!.headers.get('retry-after')).toMatch(/^[1-9][0-9]*$/);
    expect(refused[0]!.json).toMatchObject({ error: 'queue_full', function: 'slow' });
  });

  it('answers 504 naming the function when it is not ready within the cold-start timeout', async () => {
    const backend = new HttpServerBackend({ sluggish: { handler: hello, startDelayMs: 1500 }, other: { handler: hello } });
    gateway = await startTestGateway(backend, { coldStartTimeoutMs: 200 });

    const answer = await call(`${gateway.url}/function/sluggish`);

    expect(answer.status).toBe(504);
    expect(answer.json).toMatchObject({ error: 'cold_start_timeout', function: 'sluggish' });
    expect(answer.json.message).toContain('COLD_START_TIMEOUT');
    expect((await call(`${gateway.url}/function/other`)).status).toBe(200);
  });

  it('answers every waiter of a failed start 502 with the stderr tail, then tries again after the backoff', async () => {
    // Given a function whose first start crashes
    let attempts = 0;
    const backend = new HttpServerBackend({
      flaky: { handler: hello, startDelayMs: 100, failStart: () => (++attempts === 1 ? 'Traceback...\nNameError: name "x" is not defined' : undefined) },
      other: { handler: hello },
    });
    gateway = await startTestGateway(backend, { startRetryBackoffMs: 300 });

    // When 20 calls wait on that start
    const failed = await Promise.all(Array.from({ length: 20 }, () => call(`${gateway!.url}/function/flaky`)));

    // Then all of them get 502 with the reason and the log tail, from one attempt
    expect(failed.every((a) => a.status === 502)).toBe(true);
    expect(failed[0]!.json).toMatchObject({ error: 'start_failed', function: 'flaky' });
    expect(failed[0]!.json.logTail).toContain('NameError');
    expect(backend.starts.get('flaky')).toBe(1);

    // And within the backoff a call gets the same 502 without a new start
    expect((await call(`${gateway.url}/function/flaky`)).status).toBe(502);
    expect(backend.starts.get('flaky')).toBe(1);

    // And after the backoff the next call starts it again and is served
    await new Promise((resolve) => setTimeout(resolve, 350));
    const retried = await call(`${gateway.url}/function/flaky`);
    expect(retried.status).toBe(200);
    expect(backend.starts.get('flaky')).toBe(2);
    expect((await call(`${gateway.url}/function/other`)).status).toBe(200);
  });
});
