import { describe, expect, it, vi } from 'vitest';
import { WorkQueue } from '../../../../gateway/controller/work-queue.js';

/** A work function whose calls the test finishes by hand. */
function gate() {
  const calls: { key: string; finish: (error?: Error) => void }[] = [];
  const work = (key: string) =>
    new Promise<void>((resolve, reject) => calls.push({ key, finish: (error) => (error ? reject(error) : resolve()) }));
  return { calls, work };
}

describe('WorkQueue', () => {
  it('never runs one key twice at once, and runs it once more when it was added while running', async () => {
    const { calls, work } = gate();
    const queue = new WorkQueue(work);
    queue.add('a');
    queue.add('a');
    expect(calls.map((c) => c.key)).toEqual(['a']);
    queue.add('a');
    queue.add('a');
    calls[0]!.finish();
    await new Promise((r) => setImmediate(r));
    // Three adds while running fold into one more run.
    expect(calls.map((c) => c.key)).toEqual(['a', 'a']);
    calls[1]!.finish();
    await queue.idle();
    expect(calls).toHaveLength(2);
  });

  it('runs different keys side by side up to the concurrency', () => {
    const { calls, work } = gate();
    const queue = new WorkQueue(work, { concurrency: 2 });
    for (const key of ['a', 'b', 'c']) queue.add(key);
    expect(calls.map((c) => c.key)).toEqual(['a', 'b']);
  });

  it('retries a failed key after 100 ms, then 200 ms, and reports each failure', async () => {
    vi.useFakeTimers();
    try {
      const failures: string[] = [];
      let attempts = 0;
      const queue = new WorkQueue(
        async () => {
          if (++attempts < 3) throw new Error(`attempt ${attempts}`);
        },
        { onError: (key, e) => failures.push(`${key}: ${(e as Error).message}`) },
      );
      queue.add('a');
      await vi.advanceTimersByTimeAsync(99);
      expect(attempts).toBe(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(attempts).toBe(2);
      await vi.advanceTimersByTimeAsync(199);
      expect(attempts).toBe(2);
      await vi.advanceTimersByTimeAsync(1);
      await queue.idle();
      expect(attempts).toBe(3);
      expect(failures).toEqual(['a: attempt 1', 'a: attempt 2']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('drops queued work and pending retries once closed', async () => {
    let runs = 0;
    const queue = new WorkQueue(async () => {
      runs++;
      throw new Error('fails');
    });
    queue.add('a');
    await new Promise((r) => setImmediate(r));
    queue.close();
    queue.add('b');
    await new Promise((r) => setTimeout(r, 250));
    expect(runs).toBe(1);
  });
});
