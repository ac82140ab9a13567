/**
 * Warm, pre-imported interpreters, per pool key (an environment): a wake takes one and hands it the
 * script (`claim`), instead of starting Python and importing the dependencies on the wake's clock.
 * A claimed process never comes back; the pool starts a replacement at once. A pool that stayed
 * unclaimed for `retentionMs` since it was last claimed from or got a ready process stops its
 * processes (scales to zero) until a wake offers it again.
 */
import type { BackendLogger } from './backend-logger.js';
import type { FunctionProcess } from './function-process.js';

export interface WarmPoolOptions {
  /** Ready processes each pool keeps; 0 turns pools off. */
  readonly size: number;
  /** An unclaimed pool stops after this long; 0: never. */
  readonly retentionMs: number;
  /** Starts one pool process of `environment`, loading ahead what `scripts` import and `learned`. */
  spawn(environment: PoolEnvironment, learned: readonly string[]): FunctionProcess;
  readonly logger: BackendLogger;
  readonly now?: () => number;
}

/** What a pool's processes are started with; processes of another `signature` are replaced. */
export interface PoolEnvironment {
  readonly key: string;
  readonly python: string;
  readonly scripts: readonly string[];
  /** Changes when what the scripts import may have changed (their sources). */
  readonly signature: string;
}

export interface PoolCounts {
  readonly claims: number;
  /** Wakes that found no ready pool process and started the usual way. */
  readonly misses: number;
}

interface Pool {
  environment: PoolEnvironment;
  /** Finished their imports, waiting for a specialization. */
  readonly idle: FunctionProcess[];
  readonly starting: Set<FunctionProcess>;
  lastUsedAt: number;
  /** A pool process died before it was ready: no refill until the environment changes. */
  broken: boolean;
  /** Modules specialized processes loaded beyond the pool's: later pool processes import them ahead. */
  readonly learned: Set<string>;
  retention?: NodeJS.Timeout;
}

const POOL_STOP_GRACE_MS = 2_000;
/** Bound on what a pool learns, so no function can grow it without end. */
const MAX_LEARNED = 2_000;

export class WarmPool {
  private readonly pools = new Map<string, Pool>();
  private readonly stops = new Set<Promise<void>>();
  /** Processes this pool stopped itself: their end is no failure. */
  private readonly stopped = new WeakSet<FunctionProcess>();
  private readonly now: () => number;
  private closed = false;
  /** Woken whenever a pool process becomes idle or a pool gives up: `filled` looks again. */
  private changed = new Set<() => void>();
  private claims = 0;
  private misses = 0;

  constructor(private readonly options: WarmPoolOptions) {
    this.now = options.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.options.size > 0 && !this.closed;
  }

  counts(): PoolCounts {
    return { claims: this.claims, misses: this.misses };
  }

  /** Keeps `environment`'s pool filled; counts as use, so it restarts a pool that had scaled to zero. */
  offer(environment: PoolEnvironment): void {
    if (!this.enabled) return;
    let pool = this.pools.get(environment.key);
    if (pool && pool.environment.signature !== environment.signature) {
      // The scripts changed, and with them maybe what to import: start over with the new list.
      this.retire(pool);
      pool = undefined;
    }
    if (!pool) {
      pool = { environment, idle: [], starting: new Set(), lastUsedAt: this.now(), broken: false, learned: new Set() };
      this.pools.set(environment.key, pool);
    }
    pool.lastUsedAt = this.now();
    this.scheduleRetention(pool);
    this.fill(pool);
  }

  /**
   * A ready pool process of `key`, now out of the pool for good; undefined when none is ready.
   * The pool is not refilled here: the caller offers the environment again once the wake is
   * served, so that a replacement importing its packages does not take the CPU the wake needs.
   */
  claim(key: string): FunctionProcess | undefined {
    const pool = this.pools.get(key);
    const process = pool?.idle.shift();
    if (!pool || !process) {
      this.misses++;
      return undefined;
    }
    this.claims++;
    pool.lastUsedAt = this.now();
    return process;
  }

  /** Resolves once every pool holds its full count of ready processes (or has given up on them). */
  async filled(): Promise<void> {
    const full = (): boolean => [...this.pools.values()].every((pool) => pool.broken || pool.idle.length >= this.options.size);
    while (!this.closed && !full()) {
      await new Promise<void>((resolve) => this.changed.add(resolve));
    }
  }

  /** Resolves once no pool is left (each scaled to zero) and their processes have stopped. */
  async emptied(): Promise<void> {
    while (this.pools.size > 0) await new Promise<void>((resolve) => this.changed.add(resolve));
    while (this.stops.size > 0) await Promise.all(this.stops);
  }

  /** Process ids of the processes in the pools, starting or idle. */
  pids(): number[] {
    return [...this.pools.values()].flatMap((pool) => [...pool.idle, ...pool.starting].map((process) => process.pid));
  }

  /**
   * What a process claimed from `key`'s pool imported once specialized: a library's lazy imports,
   * which no reading of the script finds. New ones make the pool's idle processes stale: they are
   * replaced by processes that import these too.
   */
  learn(key: string, modules: readonly string[]): void {
    const pool = this.pools.get(key);
    if (!pool || this.closed) return;
    const fresh = modules.filter((name) => !pool.learned.has(name));
    if (fresh.length === 0 || pool.learned.size + fresh.length > MAX_LEARNED) return;
    for (const name of fresh) pool.learned.add(name);
    this.options.logger.info({ pool: key, modules: fresh }, 'a woken function imported modules its pool had not; pool processes import them ahead from now on');
    for (const process of [...pool.idle, ...pool.starting]) void this.stop(process);
    pool.idle.length = 0;
    pool.starting.clear();
    this.fill(pool);
  }

  /** Stops every pool process; later offers do nothing. */
  async close(): Promise<void> {
    this.closed = true;
    this.notify();
    for (const pool of this.pools.values()) this.retire(pool);
    while (this.stops.size > 0) await Promise.all(this.stops);
  }

  private fill(pool: Pool): void {
    if (pool.broken || this.closed || this.pools.get(pool.environment.key) !== pool) return;
    for (let n = pool.idle.length + pool.starting.size; n < this.options.size; n++) this.startOne(pool);
  }

  private startOne(pool: Pool): void {
    const process = this.options.spawn(pool.environment, [...pool.learned]);
    pool.starting.add(process);
    void process.poolReady!.then(
      () => {
        pool.starting.delete(process);
        if (this.stopped.has(process)) return;
        if (this.pools.get(pool.environment.key) !== pool || this.closed) return this.stop(process);
        pool.idle.push(process);
        // Retention counts from when the pool could last have served a wake: a slow import does not eat it.
        pool.lastUsedAt = this.now();
        this.notify();
        // A pool process that dies while idle is dropped, and replaced.
        void process.exited.then(() => {
          const at = pool.idle.indexOf(process);
          if (at < 0) return;
          pool.idle.splice(at, 1);
          this.options.logger.warn({ pool: pool.environment.key, pid: process.pid }, 'a warm pool process exited while idle; starting another');
          this.fill(pool);
        });
      },
      (error: Error & { logTail?: string }) => {
        pool.starting.delete(process);
        if (this.closed || this.stopped.has(process) || this.pools.get(pool.environment.key) !== pool) return;
        pool.broken = true;
        this.notify();
        this.options.logger.warn(
          { pool: pool.environment.key, reason: error.message, logTail: error.logTail },
          'a warm pool process failed before it was ready; wakes of this environment start the usual way until its scripts change',
        );
      },
    );
  }

  private notify(): void {
    const waiting = this.changed;
    this.changed = new Set();
    for (const wake of waiting) wake();
  }

  private scheduleRetention(pool: Pool): void {
    clearTimeout(pool.retention);
    if (this.options.retentionMs <= 0) return;
    const check = (): void => {
      const idleFor = this.now() - pool.lastUsedAt;
      // A process still importing has not yet had its chance to serve a wake: retention counts from its ready.
      if (idleFor < this.options.retentionMs || pool.starting.size > 0) {
        pool.retention = setTimeout(check, pool.starting.size > 0 ? this.options.retentionMs : this.options.retentionMs - idleFor);
        pool.retention.unref();
        return;
      }
      this.options.logger.info({ pool: pool.environment.key }, 'warm pool unused for its retention time; stopping its processes');
      this.retire(pool);
    };
    pool.retention = setTimeout(check, this.options.retentionMs);
    pool.retention.unref();
  }

  private retire(pool: Pool): void {
    clearTimeout(pool.retention);
    if (this.pools.get(pool.environment.key) === pool) this.pools.delete(pool.environment.key);
    this.notify();
    for (const process of [...pool.idle, ...pool.starting]) void this.stop(process);
    pool.idle.length = 0;
    pool.starting.clear();
  }

  private stop(process: FunctionProcess): Promise<void> {
    this.stopped.add(process);
    // Nothing to drain: a pool process serves nobody, and SIGTERM ends it at once.
    const stopping = process.stop(POOL_STOP_GRACE_MS);
    this.stops.add(stopping);
    return stopping.finally(() => this.stops.delete(stopping));
  }
}
