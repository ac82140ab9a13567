/** Counts each call as it starts, and its status and duration once the response closes; logs failures. */
import type { Logger } from 'pino';
import type { GatewayMetrics } from '../metrics/gateway-metrics.js';
import type { CloseListener, Step } from './exchange.js';

/** nginx's code for "client closed the request before an answer": counted, never sent. */
const CLIENT_CLOSED = 499;

export interface MeasureDeps {
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  readonly recordInvocation?: (name: string, at: Date) => void;
}

export function withMetrics(next: Step, deps: MeasureDeps): Step {
  const { metrics, logger, recordInvocation } = deps;
  const debug = logger.isLevelEnabled('debug');
  // One listener for every call rather than a closure per call.
  const measure: CloseListener = {
    closed(exchange) {
      const { res, name } = exchange;
      const code = exchange.upgraded ? 101 : res.headersSent ? res.statusCode : CLIENT_CLOSED;
      const seconds = (performance.now() - exchange.startedAt) / 1000;
      metrics.invocation(name, code, seconds);
      recordInvocation?.(name, new Date());
      if (code >= 500 || debug) {
        logger[code >= 500 ? 'warn' : 'debug']({ function: name, method: exchange.req.method, path: exchange.upstreamPath, status: code, ms: Math.round(seconds * 1000) }, 'function call');
      }
    },
  };
  return (exchange) => {
    metrics.invocationStarted(exchange.name);
    exchange.onClose(measure);
    next(exchange);
  };
}
