/**
 * An API server's refusal as one sentence a person can act on: what was refused, the server's own
 * reason, and the usual fix for the status code.
 */
import { ApiException } from '@kubernetes/client-node';

const HINTS: Readonly<Record<number, string>> = {
  401: 'the credentials of the kubeconfig context were refused; log in again or pick another context',
  403: 'the kubeconfig user may not do this; ask for a Role that allows it, or use another context',
  409: 'another field manager owns these fields; rerun with --force-conflicts to take them over',
  422: 'the object is invalid for this cluster; check the Kubernetes version and the message above',
};

export function describeApiError(what: string, error: unknown): Error {
  if (!(error instanceof ApiException)) {
    const message = error instanceof Error ? error.message : String(error);
    if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|certificate/i.test(message)) {
      return new Error(`${what}: cannot reach the API server (${message}); check the kubeconfig context and that the cluster is up`);
    }
    return new Error(`${what}: ${message}`);
  }
  const body = typeof error.body === 'string' ? safeParse(error.body) : error.body;
  const reason = (body as { message?: string } | undefined)?.message ?? error.message;
  const hint = HINTS[error.code];
  return new Error(`${what}: the API server answered ${error.code}: ${reason}${hint === undefined ? '' : `; ${hint}`}`);
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text };
  }
}
