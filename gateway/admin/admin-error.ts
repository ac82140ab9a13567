/**
 * An admin request that cannot be served, with what the caller should change. Handlers
 * throw it; the router turns it into one JSON body.
 */
import { FunctionConflict } from '../backends/function-conflict.js';
import { ERROR_STATUS, type ErrorKind } from '../http/error-status.js';

/** The kinds the admin API answers with; their statuses are the gateway's one table. */
export type AdminErrorCode = Extract<
  ErrorKind,
  'bad_request' | 'invalid_script' | 'unauthorized' | 'not_found' | 'method_not_allowed' | 'conflict' | 'payload_too_large' | 'backend_failed' | 'admin_disabled' | 'not_implemented' | 'internal'
>;

export interface AdminErrorDetails {
  /** The function the request was about, when it names one. */
  readonly function?: string;
  /** One line per problem: `echo.py:4: ...` for a script, `field 'replicas': ...` for a body. */
  readonly errors?: readonly string[];
  readonly headers?: Readonly<Record<string, string>>;
}

export class AdminError extends Error {
  readonly status: number;

  constructor(
    readonly code: AdminErrorCode,
    message: string,
    readonly details: AdminErrorDetails = {},
  ) {
    super(message);
    this.name = 'AdminError';
    this.status = ERROR_STATUS[code];
  }

  /** The gateway's error body, `{error, message, function, errors?}`; `function` is null when none was named. */
  toJSON(): Record<string, unknown> {
    return {
      error: this.code,
      message: this.message,
      function: this.details.function ?? null,
      ...(this.details.errors !== undefined && { errors: this.details.errors }),
    };
  }
}

export function notFound(name: string): AdminError {
  return new AdminError('not_found', `no function named "${name}"; GET /system/functions lists the deployed ones`, {
    function: name,
  });
}

/** A backend call that failed for its own reasons (API server down, Deployment missing): 502, naming both. */
export function backendFailed(kind: string, action: string, name: string, error: unknown): AdminError {
  if (error instanceof AdminError) return error;
  if (error instanceof FunctionConflict) return new AdminError('conflict', error.message, { function: name });
  const reason = error instanceof Error ? error.message : String(error);
  return new AdminError('backend_failed', `the ${kind} backend could not ${action} function "${name}": ${reason}`, { function: name });
}
