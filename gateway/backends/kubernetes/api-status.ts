/**
 * The status of a refusal by the API server, for gateway, controller and CLI alike. Errors from
 * requests and from watches both carry it as a numeric `code`; a socket error's `code` is a
 * string and is no status.
 */
export function apiStatus(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

export function isNotFound(error: unknown): boolean {
  return apiStatus(error) === 404;
}

/** A write with a stale resourceVersion, or a create of what exists. */
export function isConflict(error: unknown): boolean {
  return apiStatus(error) === 409;
}
