/**
 * Finds a ready endpoint for the call: at once when the function is up (no promise, no timer),
 * otherwise by waiting on the function's one wake attempt until ready, failed, timed out or the
 * client leaves. A call that had to wait says so in its answer's `X-Faas-Cold-Start` header (the
 * seconds it waited), so a client can tell a wake from a warm call.
 */
import type { Waker } from '../core/wake.js';
import { asGatewayError, sendError } from './errors.js';
import type { Exchange, Step } from './exchange.js';

export const COLD_START_HEADER = 'x-faas-cold-start';

export function withWake(next: Step, waker: Waker): Step {
  const waitThenNext = async (exchange: Exchange): Promise<void> => {
    const leaving = new AbortController();
    const onClose = (): void => leaving.abort();
    const waitedFrom = performance.now();
    exchange.res.once('close', onClose);
    try {
      exchange.endpoint = await waker.wait(exchange.name, leaving.signal);
    } catch (error) {
      if (!exchange.res.destroyed) sendError(exchange.res, asGatewayError(error, exchange.name));
      return;
    } finally {
      exchange.res.off('close', onClose);
    }
    if (exchange.res.destroyed) return;
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
