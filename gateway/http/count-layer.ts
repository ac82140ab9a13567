/** Counts the call in flight for its function until the response closes (the reaper reads it). */
import type { Activity } from '../core/activity.js';
import type { CloseListener, Step } from './exchange.js';

export function withActivity(next: Step, activity: Activity): Step {
  // One listener for every call: the entry rides on the exchange, so no closure per call.
  const done: CloseListener = {
    closed(exchange) {
      if (exchange.inFlight !== undefined) activity.end(exchange.inFlight);
    },
  };
  return (exchange) => {
    exchange.inFlight = activity.begin(exchange.name);
    exchange.onClose(done);
    next(exchange);
  };
}
