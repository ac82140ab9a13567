import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../../gateway/server.js';
import { HttpServerBackend } from '../../support/http-server-backend.js';
import { call, startTestGateway } from '../../support/test-gateway.js';

const ok = (_req: unknown, res: ServerResponse): void => {
  res.end('ok');
};
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('reaper', () => {
  let gateway: RunningGateway | undefined;
  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
  });

  it('puts an idle function to zero within idle-timeout plus one poll, and leaves min-replicas 1 alone', async () => {
    // Given a woken function with a 1 s idle timeout, and one that keeps a replica
    const backend = new HttpServerBackend({ idle: { handler: ok, idleTimeoutSeconds: 1 }, warm: { handler: ok, minReplicas: 1, idleTimeoutSeconds: 1 } });
    gateway = await startTestGateway(backend, { reaperPollMs: 250 });
    expect((await call(`${gateway.url}/function/idle`)).status).toBe(200);
    const lastCall = Date.now();

    // When nothing calls it: just before its idle timeout, then one poll after it
    await sleep(lastCall + 800 - Date.now());
    const beforeTimeout = backend.replicas('idle');
    await sleep(lastCall + 1000 + 250 + 100 - Date.now());

    // Then it was up before the timeout and at zero within one poll after it
    expect(beforeTimeout.ready).toBe(1);
    expect(backend.replicas('idle')).toEqual({ desired: 0, ready: 0 });
    expect(backend.replicas('warm').ready).toBe(1);
  });

  it('does not cut a request held open past idle-timeout', async () => {
    // Given a function whose answer takes three times its idle timeout
    const backend = new HttpServerBackend({ long: { handler: (_req, res) => void setTimeout(() => res.end('done'), 3000), idleTimeoutSeconds: 1 } });
    gateway = await startTestGateway(backend, { reaperPollMs: 100 });

    // When it is called while the reaper polls
    const answer = await call(`${gateway.url}/function/long`);

    // Then the call completes and the function was not scaled down meanwhile
    expect(answer).toMatchObject({ status: 200, text: 'done' });
    expect(backend.scaleCalls.filter((c) => c.replicas === 0)).toEqual([]);
  });

  it('loses nothing from a burst that arrives while the function is being reaped', async () => {
    // Given an idle function due for reaping, whose instance takes a while to stop
    const backend = new HttpServerBackend({ busy: { handler: ok, idleTimeoutSeconds: 1, startDelayMs: 50 } });
    gateway = await startTestGateway(backend);
    expect((await call(`${gateway.url}/function/busy`)).status).toBe(200);
    await sleep(1100);

    // When the reaper acts and 200 calls arrive in the same moment
    const reaping = gateway.reaper.sweep();
    const burst = Promise.all(Array.from({ length: 200 }, () => call(`${gateway!.url}/function/busy`)));
    await reaping;
    const answers = await burst;

    // Then it was scaled down once and every call was answered by a fresh instance
    expect(backend.scaleCalls.filter((c) => c.replicas === 0)).toHaveLength(1);
    expect(answers.map((a) => a.status)).toEqual(Array(200).fill(200));
    expect(backend.starts.get('busy')).toBe(2);
  });

  it('does not reap early after a gateway restart: idleness counts from boot', async () => {
    // Given a function already running when the gateway starts (a restart), idle timeout 1 s
    const backend = new HttpServerBackend({ survivor: { handler: ok, idleTimeoutSeconds: 1 } });
    await backend.scale('survivor', 1);
    while (backend.replicas('survivor').ready === 0) await sleep(10);
    gateway = await startTestGateway(backend);

    // When the reaper polls right away, then after the timeout
    await gateway.reaper.sweep();
    const afterBoot = backend.replicas('survivor').ready;
    await sleep(1050);
    await gateway.reaper.sweep();

    // Then it survived the first poll and was reaped by the second
    expect(afterBoot).toBe(1);
    expect(backend.replicas('survivor').ready).toBe(0);
  });

  it('reaps only when the permit allows it', async () => {
    let leader = false;
    const backend = new HttpServerBackend({ f: { handler: ok, idleTimeoutSeconds: 1 } });
    gateway = await startTestGateway(backend, {}, { reapPermit: () => leader });
    await call(`${gateway.url}/function/f`);
    await sleep(1050);

    await gateway.reaper.sweep();
    expect(backend.replicas('f').ready).toBe(1);
    leader = true;
    await gateway.reaper.sweep();
    expect(backend.replicas('f').ready).toBe(0);
  });
});

describe('reaper and functions that appear later', () => {
  it('starts the idle clock of a function deployed after boot when it appears, not at boot', async () => {
    // Given a gateway up for longer than the idle timeout of a function deployed now and running
    const backend = new HttpServerBackend({});
    const gateway = await startTestGateway(backend);
    try {
      await sleep(1100);
      backend.add('late', { handler: ok, idleTimeoutSeconds: 1 });
      await backend.scale('late', 1);
      while (backend.replicas('late').ready === 0) await sleep(10);

      // When the reaper polls at once, then after the idle timeout
      await gateway.reaper.sweep();
      const rightAway = backend.replicas('late').ready;
      await sleep(1050);
      await gateway.reaper.sweep();

      // Then it was kept at first and reaped once idle for its own timeout
      expect(rightAway).toBe(1);
      expect(backend.replicas('late').ready).toBe(0);
    } finally {
      await gateway.close();
    }
  });
});
