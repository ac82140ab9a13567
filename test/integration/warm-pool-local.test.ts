import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { PoolWake } from '../../gateway/backends/backend.js';
import { readConfig } from '../../gateway/config.js';
import { startGateway } from '../../gateway/server.js';
import { livingGroupMembers, nextStartFailure, startLocalBackend, wake, type Harness } from '../support/local-backend-harness.js';

// Given the scripts of fixtures/functions-pool served with a warm pool of one process per environment.
let harness: Harness;
const wakes: PoolWake[] = [];
beforeAll(async () => {
  harness = await startLocalBackend('functions-pool', { warmPool: { size: 1, retentionMs: 0 } });
  harness.backend.onPoolWake((wake) => wakes.push(wake));
  await harness.backend.warmPoolFilled();
});
afterAll(() => harness?.close());

/** The pool process that a wake of `name` will be handed: the one pool process not yet in another's group. */
function poolPids(): Set<number> {
  return new Set(harness.backend.poolProcesses());
}

describe('a warm pool (local)', () => {
  it('hands a wake to a process that imported the script’s dependencies ahead, and replaces it in the pool', async () => {
    const imported = harness.logged((record) => /bootstrap: pool: imported .*fastapi.*pydantic/.test(record.msg ?? ''));
    // The replacement also serves one call of a stand-in FastAPI app, so the woken app's first call finds the framework warm.
    const warmedUp = harness.logged((record) => /^bootstrap: pool: served one call of a stand-in handle\(req\), FastAPI in \d+ ms$/.test(record.msg ?? ''));
    // The pool may have logged already; a fresh pool process logs again when this one is claimed.
    const before = poolPids();
    const base = await wake(harness.backend, 'pool-echo');
    const [served] = harness.backend.processGroups('pool-echo');
    expect(before.has(served!)).toBe(true);
    expect(wakes.at(-1)).toEqual({ function: 'pool-echo', outcome: 'claimed' });

    const response = await fetch(`${base}/echo/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"message":"warm"}' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received_message: 'warm' });

    await imported;
    await warmedUp;
    await harness.backend.warmPoolFilled();
    expect(poolPids().has(served!)).toBe(false);
    expect(harness.backend.poolProcesses().length).toBe(before.size);
    await harness.backend.scale('pool-echo', 0);
  });

  it('starts the replacement pool process only once the woken one is ready, so it does not compete with the wake', async () => {
    await harness.backend.warmPoolFilled();
    const before = poolPids();
    let startedAtClaim: number[] | undefined;
    const off = harness.backend.onPoolWake((w) => {
      if (w.function === 'pool-settings') startedAtClaim = harness.backend.poolProcesses().filter((pid) => !before.has(pid));
    });
    try {
      const base = await wake(harness.backend, 'pool-settings');
      expect(wakes.at(-1)).toEqual({ function: 'pool-settings', outcome: 'claimed' });
      expect(startedAtClaim).toEqual([]);
      await harness.backend.warmPoolFilled();
      expect(harness.backend.poolProcesses().filter((pid) => !before.has(pid))).toHaveLength(1);
      expect(await (await fetch(base, { method: 'POST', body: 'Ada' })).text()).toMatch(/^hello from the pool, Ada/);
    } finally {
      off();
      await harness.backend.scale('pool-settings', 0);
    }
  });

  it('gives the script its settings before it is imported', async () => {
    await harness.backend.warmPoolFilled();
    const before = poolPids();
    const base = await wake(harness.backend, 'pool-settings');
    const text = await (await fetch(base, { method: 'POST', body: 'Ada' })).text();
    const pid = Number(/pid (\d+)/.exec(text)?.[1]);
    expect(text).toMatch(/^hello from the pool, Ada \(pid \d+\)$/);
    expect(before.has(pid)).toBe(true);
    await harness.backend.scale('pool-settings', 0);
  });

  it('never returns a process to the pool: the next wake gets another one', async () => {
    await harness.backend.warmPoolFilled();
    const first = await wake(harness.backend, 'pool-settings');
    const firstPid = /pid (\d+)/.exec(await (await fetch(first, { method: 'POST', body: 'x' })).text())?.[1];
    await harness.backend.scale('pool-settings', 0);
    await harness.backend.warmPoolFilled();
    const second = await wake(harness.backend, 'pool-settings');
    const secondPid = /pid (\d+)/.exec(await (await fetch(second, { method: 'POST', body: 'x' })).text())?.[1];
    expect(secondPid).not.toBe(firstPid);
    expect(livingGroupMembers(Number(firstPid))).toEqual([]);
    await harness.backend.scale('pool-settings', 0);
  });

  it('answers a crash at import after specialization with a 502 carrying the traceback, and does not reuse the process', async () => {
    await harness.backend.warmPoolFilled();
    const before = poolPids();
    const gateway = await startGateway({
      config: readConfig({}, { port: 0, host: '127.0.0.1', reaperPollMs: 0, startRetryBackoffMs: 0 }),
      backend: harness.backend,
      logger: pino({ level: 'silent' }),
    });
    try {
      const failed = nextStartFailure(harness.backend, 'pool-crash');
      const response = await fetch(`${gateway.url}/function/pool-crash`, { method: 'POST', body: 'x' });
      const failure = await failed;
      expect(wakes.filter((w) => w.function === 'pool-crash').at(-1)?.outcome).toBe('claimed');
      expect(response.status).toBe(502);
      const body = (await response.json()) as { error: string; logTail: string };
      expect(body.error).toBe('start_failed');
      expect(body.logTail).toContain('Traceback (most recent call last)');
      expect(body.logTail).toContain('RuntimeError: crash at import, after specialization');
      expect(failure.logTail).toContain('pool_crash.py');
      const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
      expect(metrics).toContain('gateway_warm_pool_wakes_total{function_name="pool-crash",outcome="claimed"} 1');
      const claimed = [...before].filter((pid) => !poolPids().has(pid));
      expect(claimed).toHaveLength(1);
      expect(livingGroupMembers(claimed[0]!)).toEqual([]);
    } finally {
      await gateway.close();
    }
  });
});

describe('a warm pool nobody takes from', () => {
  it('scales to zero after its retention time, and a later wake starts the usual way and refills it', async () => {
    const idle = await startLocalBackend('functions-pool', { warmPool: { size: 1, retentionMs: 300 } });
    try {
      const seen: PoolWake[] = [];
      idle.backend.onPoolWake((w) => seen.push(w));
      const retired = idle.logged((record) => record.msg === 'warm pool unused for its retention time; stopping its processes');
      await idle.backend.warmPoolFilled();
      const pooled = idle.backend.poolProcesses();
      expect(pooled.length).toBeGreaterThan(0);
      await retired;
      await idle.backend.warmPoolEmptied();
      expect(idle.backend.poolProcesses()).toEqual([]);
      for (const pid of pooled) expect(livingGroupMembers(pid)).toEqual([]);

      // Scripts without dependencies share the interpreter's pool, whose processes import no FastAPI.
      const refilled = idle.logged((record) => (record.msg ?? '').startsWith('bootstrap: pool: imported') && !(record.msg ?? '').includes('fastapi'));
      const base = await wake(idle.backend, 'pool-settings');
      expect(await (await fetch(base, { method: 'POST', body: 'again' })).text()).toMatch(/^hello from the pool, again/);
      expect(seen).toEqual([{ function: 'pool-settings', outcome: 'fallback' }]);
      await refilled;
    } finally {
      await idle.close();
    }
  });
});
