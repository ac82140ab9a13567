/**
 * The gateway's error answers: a kind from the one status table, and always a JSON body
 * `{error, message, function}` so a person (or faas-cli) sees which function and what to do.
 */
import type { ServerResponse } from 'node:http';
import { ERROR_STATUS, type ErrorKind } from './error-status.js';

export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly functionName?: string,
    /** Seconds, for 503s: when trying again makes sense. */
    readonly retryAfterSeconds?: number,
    /** Extra fields for the body (a failed start's log tail). */
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
  }

  get status(): number {
    return ERROR_STATUS[this.kind];
  }
}

/**
 * Answers `error` as JSON unless a response is already under way, in which case the only honest
 * signal left is cutting the connection.
 */
export function sendError(res: ServerResponse, error: GatewayError, closeConnection = false): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ error: error.kind, message: error.message, function: error.functionName ?? null, ...error.details });
  const headers: Record<string, string | number> = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  };
  if (error.retryAfterSeconds !== undefined) headers['retry-after'] = Math.max(1, Math.ceil(error.retryAfterSeconds));
  if (closeConnection) headers.connection = 'close';
  res.writeHead(error.status, headers);
  res.end(body);
}

/** Turns anything thrown inside the request path into a GatewayError, keeping ours as they are. */
export function asGatewayError(error: unknown, functionName?: string): GatewayError {
  if (error instanceof GatewayError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new GatewayError('upstream_error', `function "${functionName ?? '?'}" failed: ${message}`, functionName);
}
