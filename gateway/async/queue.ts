/**
 * The durable queue behind `/async-function/`: what the accept route stores and the worker
 * consumes. A call is leased while it runs; an unacknowledged lease (a crashed gateway) comes
 * back, so every accepted call is invoked at least once. What exhausts its attempts is kept as a
 * dead letter until an operator replays or drops it.
 */

/** One accepted call, as stored: enough to replay the request exactly. */
export interface AsyncCall {
  readonly id: string;
  readonly function: string;
  readonly method: string;
  /** Path and query the function sees, starting with `/`. */
  readonly path: string;
  /** Flat [name, value, name, value…] list, as received (hop-by-hop headers dropped). */
  readonly headers: readonly string[];
  readonly body: Buffer;
  readonly callbackUrl?: string;
  /** Date.now() at acceptance. */
  readonly acceptedAt: number;
}

export interface Delivery {
  readonly call: AsyncCall;
  /** 1 on the first delivery. */
  readonly attempt: number;
}

export interface DeadLetter {
  readonly call: AsyncCall;
  readonly attempts: number;
  readonly reason: string;
  readonly deadAt: number;
}

export interface QueueDepth {
  readonly function: string;
  /** Waiting, due or delayed. */
  readonly queued: number;
  /** Leased by a worker. */
  readonly inProgress: number;
  readonly deadLetters: number;
  /** Age in ms of the oldest waiting call; 0 when none. */
  readonly oldestAgeMs: number;
}

/** The store refused a call: full or unreachable. Never answered 202. */
export class QueueUnavailable extends Error {
  override readonly name = 'QueueUnavailable';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    /** True when the store is at its bound (a metric tells full from unreachable). */
    readonly full = false,
  ) {
    super(message);
  }
}

/** A caller reused an X-Call-Id still queued: storing it twice would merge two calls. */
export class DuplicateCallId extends Error {
  override readonly name = 'DuplicateCallId';
  constructor(readonly id: string) {
    super(`a call with X-Call-Id "${id}" is already queued: send a new id, or none to get one`);
  }
}

export interface AsyncQueue {
  /** The largest body the store takes, when it is smaller than the gateway's MAX_BODY_BYTES; a bigger one is a 413 before storing. */
  readonly maxBodyBytes?: number;
  /** Resolves once the call is durably stored; rejects with QueueUnavailable otherwise. */
  enqueue(call: AsyncCall): Promise<void>;
  /**
   * Leases due calls, at most `room(function)` per function, each for `leaseMs`, handing each to
   * `deliver` as it comes; a lease not acknowledged in time is delivered again. Resolves when this
   * round of claiming is over.
   */
  claim(room: (fn: string) => number, leaseMs: number, deliver: (delivery: Delivery) => void): Promise<void>;
  /** Done: the call leaves the queue. */
  ack(id: string): Promise<void>;
  /** Deliver again after `delayMs`. */
  retry(id: string, delayMs: number): Promise<void>;
  /** Move to the dead letters with `reason`. */
  deadLetter(id: string, reason: string): Promise<void>;
  deadLetters(): Promise<DeadLetter[]>;
  deadLetterOf(id: string): Promise<DeadLetter | undefined>;
  /** Dead letter back to the queue with a fresh count of attempts; false when there is none. */
  replay(id: string): Promise<boolean>;
  drop(id: string): Promise<boolean>;
  depths(): Promise<QueueDepth[]>;
  close(): Promise<void>;
}
