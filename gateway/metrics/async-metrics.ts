/**
 * Metrics of the async path, on the gateway's registry: what was accepted or refused, what waits,
 * runs or is dead (read from the queue at scrape time, so every gateway replica sharing one queue
 * reports the same depths), and how each call ended. Labels are bounded: function name, status
 * code, and small fixed sets of reasons and outcomes.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { AsyncRefusal } from '../async/accept-route.js';
import type { AsyncEvents, CallbackOutcome, DeadLetterKind } from '../async/async-worker.js';
import type { QueueDepth } from '../async/queue.js';
import { CALL_SECONDS_BUCKETS } from './gateway-metrics.js';

export class AsyncMetrics implements AsyncEvents {
  private readonly acceptedTotal: Counter<'function_name'>;
  private readonly refusedTotal: Counter<'function_name' | 'reason'>;
  private readonly queueSeconds: Histogram<'function_name'>;
  private readonly completedTotal: Counter<'function_name' | 'code'>;
  private readonly retriedTotal: Counter<'function_name'>;
  private readonly deadLetteredTotal: Counter<'function_name' | 'reason'>;
  private readonly callbacksTotal: Counter<'function_name' | 'outcome'>;
  private pending: Promise<QueueDepth[]> | undefined;

  constructor(registry: Registry, depths: () => Promise<QueueDepth[]>) {
    const registers = [registry];
    // The four depth gauges are collected together in one scrape: one read of the queue for all.
    // An unreachable queue leaves them out of the scrape rather than failing it.
    const once = (): Promise<QueueDepth[]> =>
      (this.pending ??= depths()
        .catch(() => [])
        .finally(() => setImmediate(() => (this.pending = undefined))));
    const depthGauge = (name: string, help: string, value: (d: QueueDepth) => number): void => {
      new Gauge({
        name,
        help,
        labelNames: ['function_name'],
        registers,
        async collect() {
          const current = await once();
          this.reset();
          for (const d of current) this.set({ function_name: d.function }, value(d));
        },
      });
    };
    depthGauge('gateway_async_queued', 'Async calls waiting in the queue (due, or delayed for a retry)', (d) => d.queued);
    depthGauge('gateway_async_in_progress', 'Async calls taken by a worker and not yet finished', (d) => d.inProgress);
    depthGauge('gateway_async_dead_letters', 'Dead letters kept until replayed or dropped', (d) => d.deadLetters);
    depthGauge('gateway_async_oldest_age_seconds', 'Age of the oldest waiting async call; 0 when none waits', (d) => d.oldestAgeMs / 1000);
    this.acceptedTotal = new Counter({ name: 'gateway_async_accepted_total', help: 'Async calls stored and answered 202', labelNames: ['function_name'], registers });
    this.refusedTotal = new Counter({
      name: 'gateway_async_refused_total',
      help: 'Async calls answered 503 because the queue was full or unreachable (never stored)',
      labelNames: ['function_name', 'reason'],
      registers,
    });
    this.queueSeconds = new Histogram({
      name: 'gateway_async_queue_seconds',
      help: 'Time from acceptance to the start of an attempt (the call\'s age in the queue)',
      labelNames: ['function_name'],
      buckets: CALL_SECONDS_BUCKETS,
      registers,
    });
    this.completedTotal = new Counter({
      name: 'gateway_async_completed_total',
      help: 'Async calls finished with an answer of their function, by its status code',
      labelNames: ['function_name', 'code'],
      registers,
    });
    this.retriedTotal = new Counter({ name: 'gateway_async_retried_total', help: 'Async attempts that will be tried again (429, 502, 503, 504, connection error)', labelNames: ['function_name'], registers });
    this.deadLetteredTotal = new Counter({
      name: 'gateway_async_dead_lettered_total',
      help: 'Async calls moved to the dead letters: attempts_exhausted or function_removed',
      labelNames: ['function_name', 'reason'],
      registers,
    });
    this.callbacksTotal = new Counter({
      name: 'gateway_async_callbacks_total',
      help: 'Results of finished async calls: delivered to X-Callback-Url, failed after its retries, or none (no X-Callback-Url: only logged)',
      labelNames: ['function_name', 'outcome'],
      registers,
    });
  }

  accepted(fn: string): void {
    this.acceptedTotal.inc({ function_name: fn });
  }

  refused(fn: string, reason: AsyncRefusal): void {
    this.refusedTotal.inc({ function_name: fn, reason });
  }

  started(fn: string, queuedSeconds: number): void {
    this.queueSeconds.observe({ function_name: fn }, queuedSeconds);
  }

  completed(fn: string, status: number): void {
    this.completedTotal.inc({ function_name: fn, code: String(status) });
  }

  retried(fn: string): void {
    this.retriedTotal.inc({ function_name: fn });
  }

  deadLettered(fn: string, reason: DeadLetterKind): void {
    this.deadLetteredTotal.inc({ function_name: fn, reason });
  }

  callback(fn: string, outcome: CallbackOutcome): void {
    this.callbacksTotal.inc({ function_name: fn, outcome });
  }
}
