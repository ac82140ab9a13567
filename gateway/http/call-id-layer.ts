/**
 * The outermost layer: every answer to a function call, the gateway's own errors included, carries
 * `X-Call-Id` and `X-Start-Time` as OpenFaaS's gateway sets them, and the function receives both.
 */
import { callIdOf, unixNanos } from './call-id.js';
import { GatewayError, sendError } from './errors.js';
import type { Step } from './exchange.js';

export function withCallId(next: Step): Step {
  return (exchange) => {
    const { req, res } = exchange;
    const startTime = unixNanos(exchange.startedAt);
    res.setHeader('x-start-time', startTime);
    const { id, problem } = callIdOf(req);
    if (id === undefined) {
      sendError(res, new GatewayError('bad_request', problem));
      return;
    }
    res.setHeader('x-call-id', id);
    exchange.callId = id;
    exchange.startTime = startTime;
    next(exchange);
  };
}
