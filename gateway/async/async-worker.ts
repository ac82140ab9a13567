/**
 * Takes due calls off the queue and invokes each through the gateway's own request path (an
 * HTTP call to this gateway's `/function/` route), so a sleeping function is woken, counted and
 * reaped exactly as for a sync call. Per function at most `maxInflight` run at once. Busy answers
 * and connection errors are retried with backoff; what exhausts its attempts, or whose function
 * is gone, becomes a dead letter. The callback is made before the ack: a crash in between repeats
 * the call (at least once) rather than losing its result.
 */
import type { Logger } from 'pino';
import { request, type Dispatcher } from 'undici';
import type { FunctionDefinition } from '../../constructs/spec/function-definition.js';
import { ASYNC_WORKER_HEADER } from '../http/exchange.js';
import { asyncPolicy, isRetryableStatus, retryDelayMs, type AsyncPolicy, type AsyncTiming } from './async-policy.js';
import { deliverCallback } from './callback.js';
import type { AsyncQueue, Delivery } from './queue.js';

export interface AsyncWorkerDeps {
  readonly queue: AsyncQueue;
  functions(): ReadonlyMap<string, FunctionDefinition>;
  /** This gateway's base URL (path prefix included), known once it listens. */
  readonly gatewayUrl: string;
  readonly logger: Logger;
  /** Sent in ASYNC_WORKER_HEADER so the gateway applies the function's async timeout. */
  readonly token: string;
  /** Most bytes of a function's answer kept for the callback; the rest is cut. 0: no limit. */
  readonly maxResultBytes: number;
  readonly dispatcher?: Dispatcher;
  readonly timing?: AsyncTiming;
  /** How often the queue is looked at when nothing nudges the worker. @default 200 */
  readonly pollMs?: number;
  readonly events?: AsyncEvents;
}

export type DeadLetterKind = 'attempts_exhausted' | 'function_removed';
/** What became of a finished call's result: `none` when it had no X-Callback-Url (only logged). */
export type CallbackOutcome = 'delivered' | 'failed' | 'none';

/** What the worker tells metrics. */
export interface AsyncEvents {
  /** An attempt starts, `queuedSeconds` after the call was accepted. */
  started(fn: string, queuedSeconds: number): void;
  completed(fn: string, status: number): void;
  retried(fn: string): void;
  deadLettered(fn: string, kind: DeadLetterKind): void;
  callback(fn: string, outcome: CallbackOutcome): void;
}

export class AsyncWorker {
  private readonly inflight = new Map<string, number>();
  /**
   * Retries waiting to run alone, per function. A call that crashes its function process takes the
   * calls running beside it down too; run alone, a retry fails only for itself, so a poisoned call
   * exhausts its own attempts and the others it took down succeed on their next one.
   */
  private readonly alone = new Map<string, Delivery[]>();
  private readonly running = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private again = false;
  private stopped = false;

  constructor(private readonly deps: AsyncWorkerDeps) {}

  start(): void {
    this.schedule(0);
  }

  /** A call was enqueued or finished: look again now rather than at the next poll. */
  nudge(): void {
    if (this.stopped) return;
    if (this.ticking) this.again = true;
    else this.schedule(0);
  }

  /** Stops taking calls and waits for those running. Unacknowledged ones come back on the next start. */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([Promise.allSettled([...this.running]), grace]);
    clearTimeout(timer);
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref();
  }

  private policy(definition: FunctionDefinition): AsyncPolicy {
    return asyncPolicy(definition, this.deps.timing);
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    this.ticking = true;
    try {
      const functions = this.deps.functions();
      const room = (fn: string): number => {
        const definition = functions.get(fn);
        // A removed function's calls are taken too, one at a time, to be dead-lettered.
        const bound = definition ? this.policy(definition).maxInflight : 1;
        if (this.alone.has(fn)) return 0;
        return bound - (this.inflight.get(fn) ?? 0);
      };
      // One lease length for the whole claim: the longest any function needs for its invocation
      // and every callback attempt, with a minute to spare.
      let longest = 60_000;
      for (const definition of functions.values()) {
        const { timeoutMs, callback } = this.policy(definition);
        longest = Math.max(longest, timeoutMs + callback.attempts * (callback.timeoutMs + callback.firstDelayMs * 2 ** callback.attempts) + 60_000);
      }
      await this.deps.queue.claim(room, longest, (delivery) => {
        const fn = delivery.call.function;
        if (delivery.attempt > 1 || this.alone.has(fn)) {
          // One list per function, added to in place: a run under way holds it and empties it.
          const waiting = this.alone.get(fn) ?? [];
          waiting.push(delivery);
          this.alone.set(fn, waiting);
          this.launchAlone(fn);
        } else {
          this.launch(delivery);
        }
      });
    } catch (error) {
      this.deps.logger.error({ err: error }, 'async queue: claim failed');
    } finally {
      this.ticking = false;
    }
    if (this.stopped) return;
    if (this.again) {
      this.again = false;
      this.schedule(0);
    } else {
      this.schedule(this.deps.pollMs ?? 200);
    }
  }

  /** The next retry of `fn`, once nothing else of `fn` runs; nothing new starts for `fn` until the list is empty. */
  private launchAlone(fn: string): void {
    if ((this.inflight.get(fn) ?? 0) > 0 || this.stopped) return;
    const waiting = this.alone.get(fn);
    const next = waiting?.shift();
    if (!next) return;
    this.launch(next, () => {
      if (this.alone.get(fn)?.length === 0) this.alone.delete(fn);
    });
  }

  private launch(delivery: Delivery, done?: () => void): void {
    const fn = delivery.call.function;
    this.inflight.set(fn, (this.inflight.get(fn) ?? 0) + 1);
    const run = this.run(delivery)
      .catch((error: Error) => this.deps.logger.error({ err: error, callId: delivery.call.id, function: fn }, 'async call: bookkeeping failed'))
      .finally(() => {
        this.running.delete(run);
        const left = (this.inflight.get(fn) ?? 1) - 1;
        if (left === 0) this.inflight.delete(fn);
        else this.inflight.set(fn, left);
        done?.();
        if (left === 0 && this.alone.has(fn)) this.launchAlone(fn);
        this.nudge();
      });
    this.running.add(run);
  }

  private async run({ call, attempt }: Delivery): Promise<void> {
    const { queue, logger } = this.deps;
    const definition = this.deps.functions().get(call.function);
    if (!definition) {
      await this.dead(call.id, call.function, 'function_removed', `function "${call.function}" was removed while the call was queued`);
      return;
    }
    const policy = this.policy(definition);
    this.deps.events?.started(call.function, Math.max(0, Date.now() - call.acceptedAt) / 1000);
    const startNs = BigInt(Date.now()) * 1_000_000n;
    const started = performance.now();
    let status: number;
    let body: Buffer;
    let contentType: string | undefined;
    let truncated = false;
    let failure: string | undefined;
    try {
      const response = await request(`${this.deps.gatewayUrl}/function/${call.function}${call.path}`, {
        method: call.method as Dispatcher.HttpMethod,
        headers: [...call.headers, ASYNC_WORKER_HEADER, this.deps.token],
        body: call.body.length > 0 || !['GET', 'HEAD'].includes(call.method) ? call.body : null,
        // The gateway bounds the call by the async timeout (504); this only guards against a gateway that never answers.
        headersTimeout: policy.timeoutMs + 30_000,
        bodyTimeout: policy.timeoutMs + 30_000,
        ...(this.deps.dispatcher && { dispatcher: this.deps.dispatcher }),
      });
      status = response.statusCode;
      ({ body, truncated } = await readBounded(response.body, this.deps.maxResultBytes));
      const type = response.headers['content-type'];
      contentType = Array.isArray(type) ? type[0] : type;
      if (isRetryableStatus(status)) failure = `the function answered ${status}: ${body.toString('utf8', 0, Math.min(body.length, 300))}`;
    } catch (error) {
      status = 0;
      body = Buffer.alloc(0);
      const code = (error as { code?: string }).code;
      failure = `${(error as Error).message}${code ? ` (${code})` : ''}`;
    }
    const seconds = (performance.now() - started) / 1000;
    // Removed while this attempt ran: its failure, or a 404, is the gateway's, not the function's answer.
    if ((failure !== undefined || status === 404) && !this.deps.functions().has(call.function)) {
      await this.dead(call.id, call.function, 'function_removed', `function "${call.function}" was removed while the call was queued`);
      return;
    }
    if (failure !== undefined) {
      if (attempt < policy.attempts) {
        const wait = retryDelayMs(policy, attempt + 1);
        logger.info({ callId: call.id, function: call.function, attempt, retryInMs: wait, reason: failure }, 'async call: will retry');
        this.deps.events?.retried(call.function);
        await queue.retry(call.id, wait);
        return;
      }
      await this.dead(call.id, call.function, 'attempts_exhausted', `gave up after ${attempt} attempts; last: ${failure}`);
      return;
    }
    this.deps.events?.completed(call.function, status);
    if (call.callbackUrl !== undefined) {
      const outcome = await deliverCallback(
        call.callbackUrl,
        { callId: call.id, functionName: call.function, status, contentType, body, truncated, durationSeconds: seconds, startTimeNs: startNs },
        policy.callback,
      );
      if (!outcome.delivered) logger.warn({ callId: call.id, function: call.function, reason: outcome.reason }, 'async call: callback not delivered');
      this.deps.events?.callback(call.function, outcome.delivered ? 'delivered' : 'failed');
    } else {
      this.deps.events?.callback(call.function, 'none');
      logger.info({ callId: call.id, function: call.function, status, seconds: Number(seconds.toFixed(3)) }, 'async call done (no callback URL)');
    }
    await queue.ack(call.id);
  }

  private async dead(id: string, fn: string, kind: DeadLetterKind, reason: string): Promise<void> {
    this.deps.logger.warn({ callId: id, function: fn, reason }, 'async call: dead-lettered');
    this.deps.events?.deadLettered(fn, kind);
    await this.deps.queue.deadLetter(id, reason);
  }
}

/** The whole body, or its first `limit` bytes (0: no limit) with the rest discarded unread. */
async function readBounded(body: AsyncIterable<Buffer> & { destroy(): unknown }, limit: number): Promise<{ body: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (limit > 0 && size + chunk.length > limit) {
      chunks.push(chunk.subarray(0, limit - size));
      body.destroy();
      return { body: Buffer.concat(chunks), truncated: true };
    }
    size += chunk.length;
    chunks.push(chunk);
  }
  return { body: Buffer.concat(chunks), truncated: false };
}
