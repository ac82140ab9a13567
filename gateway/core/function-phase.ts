/**
 * Where a function is in its life, in the words the UI shows: asleep (no instance asked for),
 * waking (asked for, none ready yet), ready, or failing to start (its last start failed and none is
 * ready), with the reason.
 */
import type { ReplicaCounts } from '../backends/backend.js';

export type Phase = 'asleep' | 'waking' | 'ready' | 'failing';

export interface WakePhase {
  /** A start is under way. */
  readonly starting: boolean;
  /** The last start's failure, until an instance becomes ready. */
  readonly failure?: { readonly reason: string; readonly logTail: string; readonly at: Date };
}

export interface FunctionPhase {
  readonly phase: Phase;
  readonly reason?: string;
  readonly logTail?: string;
}

export function functionPhase(replicas: ReplicaCounts, wake: WakePhase): FunctionPhase {
  if (replicas.ready > 0) return { phase: 'ready' };
  if (wake.failure && !wake.starting) return { phase: 'failing', reason: wake.failure.reason, logTail: wake.failure.logTail };
  if (wake.starting || replicas.desired > 0) return { phase: 'waking' };
  return { phase: 'asleep' };
}
