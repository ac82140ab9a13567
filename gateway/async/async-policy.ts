/**
 * How hard the worker tries one function's async calls. Defaults here until the per-function
 * `[tool.faas]` keys carry them.
 */
import type { FunctionDefinition } from '../../constructs/spec/function-definition.js';

export interface AsyncPolicy {
  /** Deliveries at most, the first included. */
  readonly attempts: number;
  /** Delay before the second attempt; doubled for each further one. */
  readonly firstDelayMs: number;
  /** The longest delay between attempts. */
  readonly maxDelayMs: number;
  /** How long one async invocation may take; longer than the sync timeout. */
  readonly timeoutMs: number;
  /** Async invocations of one function running at once. */
  readonly maxInflight: number;
}

export interface AsyncDefaults {
  readonly attempts: number;
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxInflight: number;
  /** The async timeout is at least this, and never shorter than the function's own timeout. */
  readonly minTimeoutMs: number;
}

export const ASYNC_DEFAULTS: AsyncDefaults = { attempts: 5, firstDelayMs: 1000, maxDelayMs: 60_000, maxInflight: 10, minTimeoutMs: 5 * 60_000 };

export function asyncPolicy(definition: FunctionDefinition, defaults: AsyncDefaults = ASYNC_DEFAULTS): AsyncPolicy {
  return {
    attempts: defaults.attempts,
    firstDelayMs: defaults.firstDelayMs,
    maxDelayMs: defaults.maxDelayMs,
    maxInflight: defaults.maxInflight,
    timeoutMs: Math.max(defaults.minTimeoutMs, definition.timeoutSeconds * 1000),
  };
}

/** Delay before attempt `next` (2, 3, …): exponential, bounded. */
export function retryDelayMs(policy: AsyncPolicy, next: number): number {
  return Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (next - 2));
}

/** 429, 502, 503, 504: the function or the gateway is busy or waking; another try may work. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}
