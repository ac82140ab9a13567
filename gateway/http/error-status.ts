/**
 * Every error kind the gateway answers with, function calls and admin API alike, and its status:
 * one table, so the same kind never means two statuses.
 */
export const ERROR_STATUS = {
  bad_request: 400,
  invalid_script: 400,
  unauthorized: 401,
  not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  conflict: 409,
  payload_too_large: 413,
  invalid_function: 422,
  internal: 500,
  not_implemented: 501,
  backend_failed: 502,
  start_failed: 502,
  upstream_error: 502,
  admin_disabled: 503,
  queue_full: 503,
  shutting_down: 503,
  cold_start_timeout: 504,
  upstream_timeout: 504,
} as const;

export type ErrorKind = keyof typeof ERROR_STATUS;
