/**
 * What the UI's JSON says about a function, assembled from the gateway's own state: the backend's
 * definition and replica counts, its status (core/function-state.ts), the invocation counter and the recent calls.
 */
import type { FunctionDefinition } from '../../constructs/spec/function-definition.js';
import type { Backend } from '../backends/backend.js';
import { functionState, type FunctionState } from '../core/function-state.js';
import type { LastStartFailures } from '../core/start-failures.js';
import type { CallSummary, ColdStart, RecentCalls, SeriesPoint } from '../core/recent-calls.js';

export interface FunctionViewDeps {
  readonly backend: Backend;
  readonly recent: RecentCalls;
  readonly startFailures: LastStartFailures;
  invocationCount(name: string): number;
}

export interface FunctionRow {
  readonly name: string;
  /** The admin API's `status` (core/function-state.ts), never `invalid` here: those are listed apart. */
  readonly status: FunctionState;
  /** The admin API's `statusMessage`: why, and what to do. */
  readonly statusMessage: string;
  /** Why its last start failed, while it is failing. */
  readonly reason?: string;
  readonly replicas: { readonly ready: number; readonly desired: number };
  /** Calls since the gateway started. */
  readonly invocations: number;
  /** The last 5 minutes, and the last call and cold starts since the gateway started. */
  readonly recent: CallSummary;
}

/** The settings as resolved from the script's PEP 723 block, defaults filled in. */
export type FunctionSettings = Pick<FunctionDefinition, 'dependencies' | 'minReplicas' | 'maxReplicas' | 'idleTimeout' | 'timeout' | 'memory' | 'cpu' | 'env' | 'secrets'> & {
  readonly requiresPython: string | null;
};

export interface FunctionDetail extends FunctionRow {
  readonly logTail?: string;
  readonly settings: FunctionSettings;
  readonly source: string;
  readonly sourceHash: string;
  readonly series: readonly SeriesPoint[];
  readonly coldStarts: readonly ColdStart[];
}

export function functionRow(def: FunctionDefinition, deps: FunctionViewDeps): FunctionRow {
  const counts = deps.backend.replicas(def.name);
  const failure = deps.startFailures.get(def.name);
  const state = functionState(counts, failure);
  return {
    name: def.name,
    status: state.state,
    statusMessage: state.message,
    ...(state.state === 'failing' && failure && { reason: failure.reason }),
    replicas: { ready: counts.ready, desired: counts.desired },
    invocations: deps.invocationCount(def.name),
    recent: deps.recent.summary(def.name),
  };
}

export function functionDetail(def: FunctionDefinition, deps: FunctionViewDeps): FunctionDetail {
  const row = functionRow(def, deps);
  const logTail = row.status === 'failing' ? deps.startFailures.get(def.name)?.logTail : undefined;
  return {
    ...row,
    ...(logTail !== undefined && { logTail }),
    settings: {
      requiresPython: def.requiresPython ?? null,
      dependencies: def.dependencies,
      minReplicas: def.minReplicas,
      maxReplicas: def.maxReplicas,
      idleTimeout: def.idleTimeout,
      timeout: def.timeout,
      memory: def.memory,
      cpu: def.cpu,
      env: def.env,
      secrets: def.secrets,
    },
    source: def.source,
    sourceHash: def.sourceHash,
    series: deps.recent.series(def.name),
    coldStarts: deps.recent.coldStarts(def.name),
  };
}
