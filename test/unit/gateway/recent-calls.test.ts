import { describe, expect, it } from 'vitest';
import { RecentCalls, SLOT_MS, SLOTS } from '../../../gateway/core/recent-calls.js';

describe('RecentCalls', () => {
  it('gives calls, the 5xx share and p50/p99 within a tenth of the true latencies', () => {
    const now = 1_000_000_000;
    const recent = new RecentCalls(() => now);
    // 98 calls at 20 ms, 2 failing at 900 ms
    for (let i = 0; i < 98; i++) recent.call('f', 200, 0.02);
    recent.call('f', 502, 0.9);
    recent.call('f', 500, 0.9);
    const summary = recent.summary('f');
    expect(summary).toMatchObject({ calls: 100, errors: 2, errorRate: 0.02, lastStatus: 500, lastCallAt: now });
    expect(summary.p50Ms!).toBeGreaterThan(18);
    expect(summary.p50Ms!).toBeLessThan(22);
    expect(summary.p99Ms!).toBeGreaterThan(810);
    expect(summary.p99Ms!).toBeLessThan(990);
  });

  it('forgets calls older than the window and draws one point per slot, oldest first', () => {
    let now = 50 * SLOT_MS;
    const recent = new RecentCalls(() => now);
    recent.call('f', 200, 0.01);
    now += SLOT_MS;
    recent.call('f', 200, 0.01);
    recent.call('f', 200, 0.01);
    const series = recent.series('f');
    expect(series).toHaveLength(SLOTS);
    expect(series.at(-1)).toMatchObject({ at: 51 * SLOT_MS, calls: 2 });
    expect(series.at(-2)).toMatchObject({ at: 50 * SLOT_MS, calls: 1 });
    expect(recent.summary('f').calls).toBe(3);
    // A full window later the ring slots are reused: the old calls are gone, the last call is kept.
    now += SLOTS * SLOT_MS;
    recent.call('f', 200, 0.01);
    expect(recent.summary('f')).toMatchObject({ calls: 1, lastCallAt: now });
    expect(recent.series('f').reduce((sum, p) => sum + p.calls, 0)).toBe(1);
  });

  it('keeps the last ten cold starts, newest first, with their durations or failures', () => {
    let now = 0;
    const recent = new RecentCalls(() => now);
    for (let i = 0; i < 12; i++) {
      now = i * 1000;
      recent.coldStart('f');
      now += 250;
      recent.coldStartReady('f', 0.25);
    }
    now = 20_000;
    recent.coldStart('f');
    recent.coldStartFailed('f', 'exited with code 1 during start');
    const starts = recent.coldStarts('f');
    expect(starts).toHaveLength(10);
    expect(starts[0]).toEqual({ at: 20_000, failure: 'exited with code 1 during start' });
    expect(starts[1]).toEqual({ at: 11_000, seconds: 0.25 });
    expect(recent.summary('f').coldStarts).toBe(13);
    recent.forget('f');
    expect(recent.coldStarts('f')).toEqual([]);
  });
});
