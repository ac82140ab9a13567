/**
 * Per function: requests in flight and when one was last seen. The reaper reads it; the count
 * layer writes it. A function never seen since boot counts as seen at boot, so a gateway restart
 * never reaps early; one that appears later counts as seen when it appeared.
 */

export interface FunctionActivity {
  inFlight: number;
  /** Date.now() of the last request start or end. */
  lastSeen: number;
}

/** What the reaper reads: one function's calls, wherever they are counted. */
export interface ActivityView {
  get(name: string): Readonly<FunctionActivity>;
}

export class Activity implements ActivityView {
  private readonly byName = new Map<string, FunctionActivity>();
  private total = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly now: () => number = Date.now,
    private readonly bootedAt: number = now(),
  ) {}

  begin(name: string): FunctionActivity {
    let entry = this.byName.get(name);
    if (entry === undefined) {
      entry = { inFlight: 0, lastSeen: 0 };
      this.byName.set(name, entry);
    }
    entry.inFlight++;
    entry.lastSeen = this.now();
    this.total++;
    return entry;
  }

  end(entry: FunctionActivity): void {
    entry.inFlight--;
    entry.lastSeen = this.now();
    this.total--;
    if (this.total === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const wake of waiters) wake();
    }
  }

  /** A function that just appeared (deployed, applied) counts as seen now, so it is not reaped at once. */
  appeared(name: string): void {
    if (!this.byName.has(name)) this.byName.set(name, { inFlight: 0, lastSeen: this.now() });
  }

  get(name: string): Readonly<FunctionActivity> {
    return this.byName.get(name) ?? { inFlight: 0, lastSeen: this.bootedAt };
  }

  /** Every function this gateway has counted, for publishing to the other replicas. */
  entries(): IterableIterator<[string, Readonly<FunctionActivity>]> {
    return this.byName.entries();
  }

  get inFlight(): number {
    return this.total;
  }

  /** Resolves when no request is in flight anywhere (shutdown drains on it). */
  idle(): Promise<void> {
    if (this.total === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  forget(name: string): void {
    const entry = this.byName.get(name);
    if (entry && entry.inFlight === 0) this.byName.delete(name);
  }
}
