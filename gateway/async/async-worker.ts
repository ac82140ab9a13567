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
import { asyncPolicy, isRetryableStatus, retryDelayMs, type AsyncDefaults, ASYNC_DEFAULTS } from './async-policy.js';
import { deliverCallback, DEFAULT_CALLBACK_POLICY, type CallbackPolicy } from './callback.js';
import type { AsyncQueue, Delivery } from './queue.js';

export interface AsyncWorkerDeps {
  readonly queue: AsyncQueue;
  functions(): ReadonlyMap<string, FunctionDefinition>;
  /** This gateway's base URL (path prefix included), known once it listens. */
  readonly gatewayUrl: string;
  readonly logger: Logger;
  readonly dispatcher?: Dispatcher;
  readonly defaults?: AsyncDefaults;
  readonly callbackPolicy?: CallbackPolicy;
  /** How often the queue is looked at when nothing nudges the worker. @default 200 */
  readonly pollMs?: number;
  readonly events?: AsyncEvents;
}

/** What the worker tells metrics. */
export interface AsyncEvents {
  started?(fn: string): void;
  completed?(fn: string, status: number, seconds: number): void;
  retried?(fn: string): void;
  deadLettered?(fn: string, reason: string): void;
}

export class AsyncWorker {
  private readonly inflight = new Map<string, number>();
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

  private defaults(): AsyncDefaults {
    return this.deps.defaults ?? ASYNC_DEFAULTS;
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    this.ticking = true;
    try {
      const functions = this.deps.functions();
      const room = (fn: string): number => {
        const definition = functions.get(fn);
        // A removed function's calls are taken too, one at a time, to be dead-lettered.
        const bound = definition ? asyncPolicy(definition, this.defaults()).maxInflight : 1;
        return bound - (this.inflight.get(fn) ?? 0);
      };
      const leaseMs = (fn: string): number => {
        const definition = functions.get(fn);
        return (definition ? asyncPolicy(definition, this.defaults()).timeoutMs : 0) + (this.deps.callbackPolicy ?? DEFAULT_CALLBACK_POLICY).timeoutMs * 4 + 60_000;
      };
      // One lease length for the whole claim: the longest any due function needs.
      let longest = 60_000;
      for (const name of functions.keys()) longest = Math.max(longest, leaseMs(name));
      const deliveries = await this.deps.queue.claim(room, longest);
      for (const delivery of deliveries) this.launch(delivery);
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

  private launch(delivery: Delivery): void {
    const fn = delivery.call.function;
    this.inflight.set(fn, (this.inflight.get(fn) ?? 0) + 1);
    const run = this.run(delivery)
      .catch((error: Error) => this.deps.logger.error({ err: error, callId: delivery.call.id, function: fn }, 'async call: bookkeeping failed'))
      .finally(() => {
        this.running.delete(run);
        const left = (this.inflight.get(fn) ?? 1) - 1;
        if (left === 0) this.inflight.delete(fn);
        else this.inflight.set(fn, left);
        this.nudge();
      });
    this.running.add(run);
  }

  private async run({ call, attempt }: Delivery): Promise<void> {
    const { queue, logger } = this.deps;
    const definition = this.deps.functions().get(call.function);
    if (!definition) {
      await this.dead(call.id, call.function, `function "${call.function}" was removed while the call was queued`);
      return;
    }
    const policy = asyncPolicy(definition, this.defaults());
    this.deps.events?.started?.(call.function);
    const startNs = BigInt(Date.now()) * 1_000_000n;
    const started = performance.now();
    let status: number;
    let body: Buffer;
    let contentType: string | undefined;
    let failure: string | undefined;
    try {
      const response = await request(`${this.deps.gatewayUrl}/function/${call.function}${call.path}`, {
        method: call.method as Dispatcher.HttpMethod,
        headers: [...call.headers],
        body: call.body.length > 0 || !['GET', 'HEAD'].includes(call.method) ? call.body : null,
        headersTimeout: policy.timeoutMs,
        bodyTimeout: policy.timeoutMs,
        ...(this.deps.dispatcher && { dispatcher: this.deps.dispatcher }),
      });
      status = response.statusCode;
      body = Buffer.from(await response.body.arrayBuffer());
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
    if (failure !== undefined) {
      if (attempt < policy.attempts) {
        const wait = retryDelayMs(policy, attempt + 1);
        logger.info({ callId: call.id, function: call.function, attempt, retryInMs: wait, reason: failure }, 'async call: will retry');
        this.deps.events?.retried?.(call.function);
        await queue.retry(call.id, wait);
        return;
      }
      await this.dead(call.id, call.function, `gave up after ${attempt} attempts; last: ${failure}`);
      return;
    }
    this.deps.events?.completed?.(call.function, status, seconds);
    if (call.callbackUrl !== undefined) {
      const outcome = await deliverCallback(
        call.callbackUrl,
        { callId: call.id, functionName: call.function, status, contentType, body, durationSeconds: seconds, startTimeNs: startNs },
        this.deps.callbackPolicy,
      );
      if (!outcome.delivered) logger.warn({ callId: call.id, function: call.function, reason: outcome.reason }, 'async call: callback not delivered');
    } else {
      logger.info({ callId: call.id, function: call.function, status, seconds: Number(seconds.toFixed(3)) }, 'async call done (no callback URL)');
    }
    await queue.ack(call.id);
  }

  private async dead(id: string, fn: string, reason: string): Promise<void> {
    this.deps.logger.warn({ callId: id, function: fn, reason }, 'async call: dead-lettered');
    this.deps.events?.deadLettered?.(fn, reason);
    await this.deps.queue.deadLetter(id, reason);
  }
}
