/**
 * Finds a ready endpoint for the call: at once when the function is up (no promise, no timer),
 * otherwise by waiting on the function's one wake attempt until ready, failed, timed out or the
 * client leaves. A call that had to wait says so in its answer's `X-Faas-Cold-Start` header (the
 * seconds it waited), so a client can tell a wake from a warm call.
 */
import type { Waker, WakeOutcome } from '../core/wake.js';
import { asGatewayError, GatewayError, sendError } from './errors.js';
import type { Exchange, Step } from './exchange.js';

export const COLD_START_HEADER = 'x-faas-cold-start';

export function withWake(next: Step, waker: Waker): Step {
  const waitThenNext = async (exchange: Exchange): Promise<void> => {
    const leaving = new AbortController();
    const onClose = (): void => leaving.abort();
    const waitedFrom = performance.now();
    exchange.res.once('close', onClose);
    let woken: WakeOutcome;
    try {
      woken = await waker.wait(exchange.name, leaving.signal);
    } catch (error) {
      if (!exchange.res.destroyed) sendError(exchange.res, asGatewayError(error, exchange.name));
      return;
    } finally {
      exchange.res.off('close', onClose);
    }
    // A caller that went away gets nothing: nobody would read it.
    if (exchange.res.destroyed || woken.outcome === 'cancelled') return;
    if (woken.outcome !== 'ready') {
      sendError(exchange.res, wakeError(exchange.name, woken));
      return;
    }
    exchange.endpoint = woken.endpoint;
    exchange.res.setHeader(COLD_START_HEADER, ((performance.now() - waitedFrom) / 1000).toFixed(3));
    next(exchange);
  };
  return (exchange) => {
    const endpoint = waker.pick(exchange.name);
    if (endpoint !== undefined) {
      exchange.endpoint = endpoint;
      next(exchange);
      return;
    }
    void waitThenNext(exchange);
  };
}

/** The answer to a wait that found no endpoint. */
export function wakeError(name: string, woken: Exclude<WakeOutcome, { outcome: 'ready' | 'cancelled' }>): GatewayError {
  switch (woken.outcome) {
    case 'queue_full':
      return new GatewayError(
        'queue_full',
        `function "${name}" is starting and ${woken.waiting} requests already wait for it (WAKE_QUEUE_LIMIT=${woken.queueLimit}); retry shortly`,
        name,
        woken.retryAfterSeconds,
      );
    case 'start_failed':
      return new GatewayError(
        'start_failed',
        `function "${name}" could not start: ${woken.failure?.reason ?? 'the start failed'}. Fix the script (its stderr is in logTail); the next request after ${woken.retryAfterMs} ms tries again`,
        name,
        undefined,
        { logTail: woken.failure?.logTail ?? '' },
      );
    case 'cold_start_timeout':
      return new GatewayError(
        'cold_start_timeout',
        `function "${name}" was not ready within ${woken.timeoutMs} ms (COLD_START_TIMEOUT); it may still be installing dependencies — retry, or raise the timeout`,
        name,
      );
  }
}
