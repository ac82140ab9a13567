/**
 * The wake core says how a wait ended and builds no HTTP answer: the edge maps each outcome.
 */
import { describe, expect, it } from 'vitest';
import { Waker } from '../../../gateway/core/wake.js';
import { wakeError } from '../../../gateway/http/wake-layer.js';
import { definition, HttpServerBackend } from '../../support/http-server-backend.js';
import { MemoryBackend } from '../../support/memory-backend.js';

/** A backend whose instances never become ready (its instances are counts, not servers). */
const neverReady = () => new MemoryBackend([definition('slow')]);

describe('Waker.wait outcomes', () => {
  it('is queue_full past the queue limit, with a retry hint, while the waiter in place keeps waiting until it leaves', async () => {
    const waker = new Waker({ backend: neverReady(), coldStartTimeoutMs: 30_000, startRetryBackoffMs: 0, queueLimit: 1 });
    const leaving = new AbortController();
    const first = waker.wait('slow', leaving.signal);
    const refused = await waker.wait('slow');
    expect(refused).toEqual({ outcome: 'queue_full', waiting: 1, queueLimit: 1, retryAfterSeconds: 3 });
    leaving.abort();
    expect(await first).toEqual({ outcome: 'cancelled' });
    expect(waker.busy('slow')).toBe(true); // the start asked for is still under way
    const answer = wakeError('slow', refused as Extract<typeof refused, { outcome: 'queue_full' }>);
    expect([answer.status, answer.retryAfterSeconds, answer.message]).toEqual([503, 3, expect.stringContaining('WAKE_QUEUE_LIMIT=1')]);
    waker.close();
  });

  it('is cold_start_timeout once the deadline passes, by the clock it is given', async () => {
    let clock = 0;
    // Every reading is a cold-start timeout later than the one before, so the first sleep is past the deadline.
    const waker = new Waker({ backend: neverReady(), coldStartTimeoutMs: 5000, startRetryBackoffMs: 0, queueLimit: 0, now: () => (clock += 5000) });
    const woken = await waker.wait('slow');
    expect(woken).toEqual({ outcome: 'cold_start_timeout', timeoutMs: 5000 });
    expect(wakeError('slow', woken as Extract<typeof woken, { outcome: 'cold_start_timeout' }>).status).toBe(504);
    waker.close();
  });

  it('is start_failed with the failure for the waiter of a failed start, and for the next caller within the backoff without a new start', async () => {
    const backend = new HttpServerBackend({ flaky: { handler: () => {}, failStart: () => 'Traceback\nNameError: x' } });
    const waker = new Waker({ backend, coldStartTimeoutMs: 0, startRetryBackoffMs: 3_600_000, queueLimit: 0 });
    const woken = await waker.wait('flaky');
    expect(woken).toMatchObject({ outcome: 'start_failed', retryAfterMs: 3_600_000, failure: { function: 'flaky', logTail: 'Traceback\nNameError: x' } });
    expect(await waker.wait('flaky')).toMatchObject({ outcome: 'start_failed', failure: { logTail: 'Traceback\nNameError: x' } });
    expect(backend.starts.get('flaky')).toBe(1);
    const answer = wakeError('flaky', woken as Extract<typeof woken, { outcome: 'start_failed' }>);
    expect([answer.status, answer.details]).toEqual([502, { logTail: 'Traceback\nNameError: x' }]);
    waker.close();
    await backend.stop();
  });
});
