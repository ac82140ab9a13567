/**
 * Wake once. The first request for a function with no ready endpoint starts exactly one attempt;
 * every request that arrives meanwhile waits on that same attempt. Readiness comes from the
 * backend's endpoints-changed events: a waiter checks, takes the current "changed" signal, checks
 * again for readiness and failure (so a flip between the two is never missed), then sleeps on the
 * signal, its deadline or its client leaving. The signal is replaced at each flip, waking every
 * waiter at once.
 */
import type { BackendEvents, Endpoints, Scaler, StartFailure } from '../backends/backend.js';
import { RoundRobin } from './balancer.js';

/**
 * How a wait ended. The core says what happened; the HTTP edge decides the answer. A wait that
 * ends without an endpoint leaves the function as it was for the next caller.
 */
export type WakeOutcome =
  | { readonly outcome: 'ready'; readonly endpoint: string }
  /** `waiting` callers already wait on the start, the `queueLimit`; a tenth of the cold-start timeout is a fair wait before retrying. */
  | { readonly outcome: 'queue_full'; readonly waiting: number; readonly queueLimit: number; readonly retryAfterSeconds: number }
  /** The start this caller waited on failed (`failure` undefined: no reason was given); the next try is after `retryAfterMs`. */
  | { readonly outcome: 'start_failed'; readonly failure: StartFailure | undefined; readonly retryAfterMs: number }
  | { readonly outcome: 'cold_start_timeout'; readonly timeoutMs: number }
  /** The caller went away first. */
  | { readonly outcome: 'cancelled' };

export interface WakeDeps {
  readonly backend: Scaler & Endpoints & BackendEvents;
  /** 0: wait without bound. */
  readonly coldStartTimeoutMs: number;
  /** 0: retry a failed start with the very next request. */
  readonly startRetryBackoffMs: number;
  /** 0: no bound on waiters per function. */
  readonly queueLimit: number;
  readonly onColdStart?: (name: string) => void;
  readonly onColdStartReady?: (name: string, seconds: number) => void;
  readonly onStartFailed?: (failure: StartFailure) => void;
  readonly now?: () => number;
}

interface Signal {
  readonly promise: Promise<void>;
  readonly fire: () => void;
}

class WakeState {
  waiters = 0;
  /** performance-style ms when the start in progress was asked for; undefined when none is. */
  startingSince: number | undefined = undefined;
  signal: Signal | undefined = undefined;
  /** Bumped at each failed start, so a waiter knows the attempt it waited on is over. */
  failures = 0;
  failure: StartFailure | undefined = undefined;
  failedAt = 0;
  reaping: Promise<void> | undefined = undefined;
}

function newSignal(): Signal {
  let fire!: () => void;
  const promise = new Promise<void>((resolve) => (fire = resolve));
  return { promise, fire };
}

type SleepOutcome = 'changed' | 'timeout' | 'cancelled';

export class Waker {
  private readonly states = new Map<string, WakeState>();
  private readonly balancer = new RoundRobin();
  private readonly now: () => number;
  private readonly unsubscribe: Array<() => void>;

  constructor(private readonly deps: WakeDeps) {
    this.now = deps.now ?? Date.now;
    this.unsubscribe = [
      deps.backend.onEndpointsChanged((name) => this.endpointsChanged(name)),
      deps.backend.onStartFailed((failure) => this.startFailed(failure)),
    ];
  }

  /** The fast path: a ready endpoint now, or undefined when the caller must `wait`. */
  pick(name: string): string | undefined {
    const state = this.states.get(name);
    if (state !== undefined && state.reaping !== undefined) return undefined;
    return this.balancer.pick(name, this.deps.backend.readyEndpoints(name));
  }

  /** Waits until `name` has a ready endpoint, starting it if nobody has, or says why it could not. */
  async wait(name: string, cancel?: AbortSignal): Promise<WakeOutcome> {
    const state = this.state(name);
    const { queueLimit, coldStartTimeoutMs } = this.deps;
    if (queueLimit > 0 && state.waiters >= queueLimit) {
      return { outcome: 'queue_full', waiting: state.waiters, queueLimit, retryAfterSeconds: Math.max(1, Math.ceil(coldStartTimeoutMs / 10_000)) };
    }
    state.waiters++;
    const deadline = coldStartTimeoutMs > 0 ? this.now() + coldStartTimeoutMs : Infinity;
    const failuresAtArrival = state.failures;
    try {
      for (;;) {
        if (state.reaping !== undefined) {
          const slept = await this.sleep(state.reaping, deadline, cancel);
          if (slept !== 'changed') return this.gaveUp(slept);
          continue;
        }
        const ready = this.balancer.pick(name, this.deps.backend.readyEndpoints(name));
        if (ready !== undefined) return { outcome: 'ready', endpoint: ready };
        if (state.failures !== failuresAtArrival || !this.ensureStarting(name, state)) return this.failed(state);
        const signal = (state.signal ??= newSignal());
        const readyNow = this.balancer.pick(name, this.deps.backend.readyEndpoints(name));
        if (readyNow !== undefined) return { outcome: 'ready', endpoint: readyNow };
        // A start can fail before the signal existed (a backend that fails at once): not missed either.
        if (state.failures !== failuresAtArrival) return this.failed(state);
        const slept = await this.sleep(signal.promise, deadline, cancel);
        if (slept !== 'changed') return this.gaveUp(slept);
      }
    } finally {
      state.waiters--;
    }
  }

  /**
   * Runs `scaleDown` with the function marked as reaping: requests arriving meanwhile wait for it
   * to finish and then wake the function again, rather than reaching an instance being stopped.
   */
  async reap(name: string, scaleDown: () => Promise<void>): Promise<void> {
    const state = this.state(name);
    if (state.reaping !== undefined) return state.reaping;
    const done = scaleDown().finally(() => {
      state.reaping = undefined;
      this.flip(state);
    });
    state.reaping = done;
    return done;
  }

  /** Whether a start is under way or requests wait: the reaper leaves such a function alone. */
  busy(name: string): boolean {
    const state = this.states.get(name);
    return state !== undefined && (state.waiters > 0 || state.startingSince !== undefined);
  }

  /** Functions this waker holds state for. */
  known(): IterableIterator<string> {
    return this.states.keys();
  }

  forget(name: string): void {
    const state = this.states.get(name);
    if (state && state.waiters === 0) this.states.delete(name);
    this.balancer.forget(name);
  }

  close(): void {
    for (const unsubscribe of this.unsubscribe) unsubscribe();
  }

  private state(name: string): WakeState {
    let state = this.states.get(name);
    if (state === undefined) {
      state = new WakeState();
      this.states.set(name, state);
    }
    return state;
  }

  /** false while a failed start's backoff lasts: the caller gets that failure. */
  private ensureStarting(name: string, state: WakeState): boolean {
    if (state.startingSince !== undefined) return true;
    if (state.failure !== undefined && this.now() - state.failedAt < this.deps.startRetryBackoffMs) return false;
    state.startingSince = this.now();
    this.deps.onColdStart?.(name);
    const desired = this.deps.backend.replicas(name).desired;
    this.deps.backend.scale(name, Math.max(1, desired)).catch((error: unknown) => {
      this.startFailed({ function: name, reason: `scale-up failed: ${(error as Error).message}`, logTail: '', at: new Date() });
    });
    return true;
  }

  private endpointsChanged(name: string): void {
    const state = this.states.get(name);
    if (state === undefined) return;
    if (state.startingSince !== undefined && this.deps.backend.readyEndpoints(name).length > 0) {
      this.deps.onColdStartReady?.(name, (this.now() - state.startingSince) / 1000);
      state.startingSince = undefined;
      state.failure = undefined;
    }
    this.flip(state);
  }

  private startFailed(failure: StartFailure): void {
    const state = this.state(failure.function);
    state.failure = failure;
    state.failedAt = this.now();
    state.failures++;
    state.startingSince = undefined;
    this.deps.onStartFailed?.(failure);
    this.flip(state);
  }

  private flip(state: WakeState): void {
    const signal = state.signal;
    state.signal = undefined;
    signal?.fire();
  }

  private failed(state: WakeState): WakeOutcome {
    return { outcome: 'start_failed', failure: state.failure, retryAfterMs: this.deps.startRetryBackoffMs };
  }

  private gaveUp(slept: 'timeout' | 'cancelled'): WakeOutcome {
    return slept === 'cancelled' ? { outcome: 'cancelled' } : { outcome: 'cold_start_timeout', timeoutMs: this.deps.coldStartTimeoutMs };
  }

  private sleep(until: Promise<unknown>, deadline: number, cancel: AbortSignal | undefined): Promise<SleepOutcome> {
    if (cancel?.aborted) return Promise.resolve('cancelled');
    const remaining = deadline - this.now();
    if (remaining <= 0) return Promise.resolve('timeout');
    return new Promise<SleepOutcome>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (outcome: SleepOutcome): void => {
        if (timer !== undefined) clearTimeout(timer);
        cancel?.removeEventListener('abort', onAbort);
        resolve(outcome);
      };
      const onAbort = (): void => finish('cancelled');
      if (remaining !== Infinity) timer = setTimeout(finish, remaining, 'timeout');
      cancel?.addEventListener('abort', onAbort, { once: true });
      until.then(
        () => finish('changed'),
        () => finish('changed'),
      );
    });
  }
}
