/**
 * One reconcile at a time per key, as client-go's workqueue guarantees: a key added while it is
 * being processed runs once more afterwards, never concurrently; failures retry with backoff.
 */
export class WorkQueue {
  private readonly queued = new Set<string>();
  private readonly running = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private active = 0;
  private closed = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly work: (key: string) => Promise<void>,
    private readonly options: { concurrency?: number; maxBackoffMs?: number; onError?: (key: string, e: unknown) => void } = {},
  ) {}

  add(key: string): void {
    if (this.closed) return;
    if (this.running.has(key)) {
      this.dirty.add(key);
      return;
    }
    this.queued.add(key);
    this.pump();
  }

  /** Resolves when nothing is queued or running (used by tests and shutdown). */
  idle(): Promise<void> {
    if (this.active === 0 && this.queued.size === 0 && this.timers.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.queued.clear();
  }

  private pump(): void {
    const limit = this.options.concurrency ?? 4;
    for (const key of this.queued) {
      if (this.active >= limit) return;
      this.queued.delete(key);
      this.run(key);
    }
    this.notifyIdle();
  }

  private run(key: string): void {
    this.active++;
    this.running.add(key);
    this.work(key)
      .then(
        () => this.failures.delete(key),
        (e) => {
          this.options.onError?.(key, e);
          this.retryLater(key);
        },
      )
      .finally(() => {
        this.active--;
        this.running.delete(key);
        if (this.dirty.delete(key)) this.queued.add(key);
        this.pump();
      });
  }

  private retryLater(key: string): void {
    const n = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, n);
    const delay = Math.min(100 * 2 ** (n - 1), this.options.maxBackoffMs ?? 30_000);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.add(key);
    }, delay);
    timer.unref();
    this.timers.add(timer);
  }

  private notifyIdle(): void {
    if (this.active > 0 || this.queued.size > 0 || this.timers.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
