/**
 * Refuses a body over the limit from its Content-Length, before waking anything and without
 * reading it. Chunked bodies have no length up front; the proxy counts those while streaming.
 */
import { GatewayError, sendError } from './errors.js';
import type { Step } from './exchange.js';

export function withBodyLimit(next: Step, maxBodyBytes: number): Step {
  if (maxBodyBytes === 0) return next;
  return (exchange) => {
    const declared = exchange.req.headers['content-length'];
    if (declared !== undefined && Number(declared) > maxBodyBytes) {
      // Closing the connection is what lets us answer without draining the body first.
      sendError(exchange.res, tooLarge(exchange.name, maxBodyBytes), true);
      return;
    }
    next(exchange);
  };
}

export function tooLarge(name: string, maxBodyBytes: number): GatewayError {
  return new GatewayError(
    'payload_too_large',
    `request body for function "${name}" is larger than ${maxBodyBytes} bytes: send less, or raise MAX_BODY_BYTES on the gateway`,
    name,
  );
}
