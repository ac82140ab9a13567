/**
 * How hard the worker tries one function's async calls: the function's `[tool.faas]` async
 * settings, with the first delays of each backoff from the gateway (tests shorten them).
 */
import type { FunctionDefinition } from '../../constructs/spec/function-definition.js';
import type { CallbackPolicy } from './callback.js';

export interface AsyncPolicy {
  /** Deliveries at most, the first included. */
  readonly attempts: number;
  /** Delay before the second attempt; doubled for each further one. */
  readonly firstDelayMs: number;
  /** The longest delay between attempts. */
  readonly maxDelayMs: number;
  /** How long one async invocation may take; at least the sync timeout. */
  readonly timeoutMs: number;
  /** Async invocations of one function running at once. */
  readonly maxInflight: number;
  readonly callback: CallbackPolicy;
}

/** The gateway's part: where each backoff starts. */
export interface AsyncTiming {
  readonly firstRetryDelayMs: number;
  readonly firstCallbackDelayMs: number;
}

export const ASYNC_TIMING: AsyncTiming = { firstRetryDelayMs: 1000, firstCallbackDelayMs: 500 };

export function asyncPolicy(definition: FunctionDefinition, timing: AsyncTiming = ASYNC_TIMING): AsyncPolicy {
  return {
    attempts: definition.asyncAttempts,
    firstDelayMs: timing.firstRetryDelayMs,
    maxDelayMs: definition.asyncMaxDelaySeconds * 1000,
    maxInflight: definition.asyncMaxInflight,
    timeoutMs: definition.asyncTimeoutSeconds * 1000,
    callback: { attempts: definition.asyncCallbackAttempts, timeoutMs: definition.asyncCallbackTimeoutSeconds * 1000, firstDelayMs: timing.firstCallbackDelayMs },
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
