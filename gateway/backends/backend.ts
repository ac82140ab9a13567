/**
 * The narrow seam between the gateway core (routing, wake, proxy, reaper, admin API) and
 * where functions actually run. The same core runs against local uv processes and against
 * a Kubernetes API server; each backend implements exactly this.
 */
import type { FunctionDefinition, ScriptError } from '../../constructs/spec/function-definition.js';
import type { Activity, ActivityView } from '../core/activity.js';

/** Why the last start of a function failed, shown to every waiter as a 502. */
export interface StartFailure {
  readonly function: string;
  /** One line a person can act on: "exited with code 1 during start". */
  readonly reason: string;
  /** Last lines of the process's stderr (local) or of the pod's state (Kubernetes). */
  readonly logTail: string;
  readonly at: Date;
}

export interface ReplicaCounts {
  /** What was last asked for (0 when asleep). */
  readonly desired: number;
  /** Instances that accept requests now. */
  readonly ready: number;
  /** The platform's own account, where one exists: the Function's Ready condition (`True ScaledToZero: asleep; ...`). */
  readonly readiness?: string;
}

/** How a wake from zero started: handed a warm pool instance, or the usual way because none was free. */
export interface PoolWake {
  readonly function: string;
  readonly outcome: 'claimed' | 'fallback';
}

/** Events a backend emits; each listener registration returns its own unsubscribe. */
export interface BackendEvents {
  /** The set of functions or one function's definition changed (file edited, Function object updated). */
  onFunctionsChanged(listener: () => void): () => void;
  /** A function's ready endpoints changed: wake waiters and the balancer look again. */
  onEndpointsChanged(listener: (name: string) => void): () => void;
  /** A start attempt failed: every waiter of that function gets a 502 with this. */
  onStartFailed(listener: (failure: StartFailure) => void): () => void;
  /** A wake asked the warm pool for an instance (absent: the backend has no pool). */
  onPoolWake?(listener: (wake: PoolWake) => void): () => void;
}

/** Discovery: which functions exist, with their resolved spec. */
export interface FunctionCatalog {
  functions(): ReadonlyMap<string, FunctionDefinition>;
  /**
   * Functions whose source exists but cannot be served, with its problems (a script with invalid
   * metadata): calls to them are told so instead of "not found". A backend that validates before
   * anything exists (Kubernetes admission) has none.
   */
  invalidFunctions?(): ReadonlyMap<string, readonly ScriptError[]>;
}

/** What a reap came to: scaled to zero, found already at zero, or found busy on another replica. */
export type ReapOutcome = 'reaped' | 'asleep' | 'busy';

/** Scaling, through one call whatever the backend (deployments/scale or process spawn). */
export interface Scaler {
  scale(name: string, replicas: number): Promise<void>;
  replicas(name: string): ReplicaCounts;
  /**
   * Scales a function this gateway finds idle to zero, unless, read fresh from where every gateway
   * replica's calls meet, it is already asleep or was called or woken elsewhere within
   * `idleTimeoutMs`. Absent: this gateway sees every call, and `scale(name, 0)` does.
   */
  reapIfIdle?(name: string, idleTimeoutMs: number): Promise<ReapOutcome>;
}

/** Ready endpoints as base URLs (`http://10.0.0.7:8080`); never a sleep loop behind it. */
export interface Endpoints {
  readyEndpoints(name: string): readonly string[];
}

/**
 * Files that go with a script but never into it, its spec or a ConfigMap: the seed's `dot_file`,
 * which often holds credentials.
 */
export interface PrivateFiles {
  /** The text of the dot file; undefined removes one the function had. */
  readonly dotFile: string | undefined;
}

/** Writes that the admin API needs: deploy or replace a function, remove it. */
export interface FunctionStore {
  /**
   * `created` or `updated`; throws SpecError for an invalid definition. `files` absent: the
   * function keeps the private files it has.
   */
  deploy(definition: FunctionDefinition, files?: PrivateFiles): Promise<'created' | 'updated'>;
  /** Whether this backend can keep private files; one that cannot is never given any. */
  readonly keepsPrivateFiles: boolean;
  /** false when there was no such function. */
  remove(name: string): Promise<boolean>;
}

/** One line a function's instance wrote. */
export interface LogLine {
  /** ms since the epoch, when the gateway (or the kubelet) received it. */
  readonly at: number;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
  /** Which instance wrote it: a pid locally, a pod's name in Kubernetes. */
  readonly instance?: string;
}

export interface LogRequest {
  /** After the kept lines, go on with each new one until `signal` aborts. */
  readonly follow: boolean;
  readonly signal: AbortSignal;
}

/** A function's recent output: the lines kept (local) or the pods' logs (Kubernetes). */
export interface FunctionLogs {
  /** Calls `onLine` for each line, oldest first; resolves when done (at once without `follow`). */
  logs(name: string, onLine: (line: LogLine) => void, request: LogRequest): Promise<void>;
}

export interface Backend extends BackendEvents, FunctionCatalog, Scaler, Endpoints, FunctionStore {
  readonly kind: 'local' | 'kubernetes';
  /** Discover functions and start watching; resolves once the first discovery is complete. */
  start(): Promise<void>;
  /** Stop watching and stop every instance this backend started (local) — no orphans. */
  stop(): Promise<void>;
  /**
   * Where several gateway replicas serve: publishes this one's calls and answers everybody's, for
   * the reaper. Absent: this gateway's own calls are all there are.
   */
  clusterActivity?(local: Activity): ActivityView;
  /** Where the UI reads a function's logs; absent: the UI says this backend keeps none. */
  readonly functionLogs?: FunctionLogs;
  /** Record a served invocation (Kubernetes writes it to Function status; local may ignore). */
  recordInvocation?(name: string, at: Date): void;
}
