/**
 * What a function is doing, in one word a person can act on, decided from what the backend and the
 * last start say: a function whose script does not load is `invalid`, one whose last start failed
 * (and that has no ready instance since) is `failing`, one asked to run without a ready instance is
 * `starting`, then `ready` and `asleep`.
 */
import type { ReplicaCounts, StartFailure } from '../backends/backend.js';

export type FunctionState = 'ready' | 'starting' | 'failing' | 'asleep' | 'invalid';

export interface FunctionStateView {
  readonly state: FunctionState;
  /** One line: why, and what to do where there is something to do. */
  readonly message: string;
}

export function functionState(counts: ReplicaCounts, lastFailure?: StartFailure): FunctionStateView {
  if (counts.ready > 0) return { state: 'ready', message: `${counts.ready} of ${counts.desired} instances ready` };
  if (lastFailure !== undefined) {
    return { state: 'failing', message: `the last start failed at ${lastFailure.at.toISOString()}: ${lastFailure.reason}; fix the script, the next call tries again` };
  }
  if (counts.desired > 0) return { state: 'starting', message: `starting ${counts.desired} instance${counts.desired === 1 ? '' : 's'}, none ready yet` };
  return { state: 'asleep', message: 'no instance running; the next call wakes it' };
}

export function invalidState(problems: readonly string[]): FunctionStateView {
  return { state: 'invalid', message: `the script does not load: ${problems.join('; ')}` };
}
