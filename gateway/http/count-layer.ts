/** Counts the call in flight for its function until the response closes (the reaper reads it). */
import type { Activity } from '../core/activity.js';
import type { Step } from './exchange.js';

export function withActivity(next: Step, activity: Activity): Step {
  return (exchange) => {
    const entry = activity.begin(exchange.name);
    exchange.res.once('close', () => activity.end(entry));
    next(exchange);
  };
}
