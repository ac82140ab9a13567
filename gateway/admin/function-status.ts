/**
 * A function as OpenFaaS clients see it (faas-provider's `FunctionStatus`), built from
 * the resolved definition and the backend's live replica counts.
 */
import type { FunctionDefinition } from '../../constructs/spec/function-definition.js';
import type { ReplicaCounts } from '../backends/backend.js';
import type { FunctionState, FunctionStateView } from '../core/function-state.js';

export interface FunctionResources {
  readonly memory?: string;
  readonly cpu?: string;
}

export interface FunctionStatus {
  readonly name: string;
  readonly image: string;
  readonly namespace: string;
  readonly envProcess: string;
  readonly envVars: Readonly<Record<string, string>>;
  readonly constraints: readonly string[];
  readonly secrets: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly limits: FunctionResources;
  readonly requests: FunctionResources;
  readonly readOnlyRootFilesystem: boolean;
  readonly invocationCount: number;
  readonly replicas: number;
  readonly availableReplicas: number;
  /** RFC 3339, seconds precision; absent when unknown. */
  readonly createdAt?: string;
  /** This platform's: ready, starting, failing (its last start failed), asleep or invalid. */
  readonly status: FunctionState;
  readonly statusMessage: string;
  /** For an invalid script: `file:line: message`, one per problem. */
  readonly problems?: readonly string[];
}

/** Annotation keys of this platform, under its API group. */
export const SOURCE_HASH_ANNOTATION = 'faas.poorman.dev/source-hash';
export const SOURCE_ANNOTATION = 'faas.poorman.dev/source';
/** Where a faas-cli deployment can carry the script's lock (`<script>.lock`). */
export const LOCK_ANNOTATION = 'faas.poorman.dev/lock';
/** The Function's Ready condition as the controller wrote it (`faas-cli describe` prints annotations). */
export const READY_ANNOTATION = 'faas.poorman.dev/ready';
/** `status: statusMessage`, for faas-cli, which shows annotations and not this platform's fields. */
export const STATUS_ANNOTATION = 'faas.poorman.dev/status';

/**
 * OpenFaaS's own scaling labels, so that `faas-cli describe` shows the scaling policy
 * in the words OpenFaaS users know; a deploy may set them too (see deploy.ts).
 */
export const SCALE_MIN_LABEL = 'com.openfaas.scale.min';
export const SCALE_MAX_LABEL = 'com.openfaas.scale.max';
export const SCALE_ZERO_LABEL = 'com.openfaas.scale.zero';
export const SCALE_ZERO_DURATION_LABEL = 'com.openfaas.scale.zero-duration';

/**
 * No per-function image exists: every function runs a stock Python + uv image that
 * `uv run`s its script. The string says so instead of naming an image nobody built.
 */
export function runtimeDescription(def: FunctionDefinition): string {
  return `python-uv-script (requires-python ${def.requiresPython ?? 'any'})`;
}

export function functionStatus(
  def: FunctionDefinition,
  counts: ReplicaCounts,
  namespace: string,
  invocationCount: number,
  state: FunctionStateView,
  created?: string,
): FunctionStatus {
  return {
    name: def.name,
    image: runtimeDescription(def),
    namespace,
    envProcess: `uv run --script ${def.name}.py`,
    envVars: { ...def.env },
    constraints: [],
    secrets: [...def.secrets],
    labels: {
      [SCALE_MIN_LABEL]: String(def.minReplicas),
      [SCALE_MAX_LABEL]: String(def.maxReplicas),
      [SCALE_ZERO_LABEL]: String(def.minReplicas === 0),
      [SCALE_ZERO_DURATION_LABEL]: def.idleTimeout,
    },
    annotations: {
      [SOURCE_HASH_ANNOTATION]: def.sourceHash,
      [STATUS_ANNOTATION]: `${state.state}: ${state.message}`,
      ...(counts.readiness === undefined ? {} : { [READY_ANNOTATION]: counts.readiness }),
    },
    // Memory is both request and limit; CPU has a request only, so the HPA has a base.
    limits: { memory: def.memory },
    requests: { memory: def.memory, cpu: def.cpu },
    readOnlyRootFilesystem: true,
    invocationCount,
    replicas: nonNegativeInteger(counts.desired),
    availableReplicas: nonNegativeInteger(counts.ready),
    ...(created !== undefined && { createdAt: created }),
    status: state.state,
    statusMessage: state.message,
  };
}

/** A script that exists but does not load: listed, so a user sees it and why, but never served. */
export function invalidFunctionStatus(name: string, problems: readonly string[], namespace: string, state: FunctionStateView): FunctionStatus {
  return {
    name,
    image: 'invalid script',
    namespace,
    envProcess: `uv run --script ${name}.py`,
    envVars: {},
    constraints: [],
    secrets: [],
    labels: {},
    annotations: { [STATUS_ANNOTATION]: `${state.state}: ${state.message}` },
    limits: {},
    requests: {},
    readOnlyRootFilesystem: true,
    invocationCount: 0,
    replicas: 0,
    availableReplicas: 0,
    status: state.state,
    statusMessage: state.message,
    problems,
  };
}

function nonNegativeInteger(n: number): number {
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}
