/**
 * The result of an async call, POSTed to the caller's X-Callback-Url with OpenFaaS's headers.
 * Checked when the call is accepted (http(s) only, never the gateway itself); delivered with
 * bounded retries so a receiver that is down a moment still gets it, and one that never answers
 * costs a bounded wait.
 */
import { request } from 'undici';

export interface CallbackResult {
  readonly callId: string;
  readonly functionName: string;
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: Buffer;
  /** The function said more than the gateway keeps (MAX_BODY_BYTES): `body` is its beginning. */
  readonly truncated: boolean;
  readonly durationSeconds: number;
  /** Unix nanoseconds when the invocation started. */
  readonly startTimeNs: bigint;
}

export interface CallbackPolicy {
  readonly attempts: number;
  readonly timeoutMs: number;
  readonly firstDelayMs: number;
}

/** Why `raw` cannot be a callback URL, or undefined when it can. `gatewayHosts`: host:port forms of this gateway. */
export function callbackUrlProblem(raw: string, gatewayHosts: readonly string[]): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `X-Callback-Url ${JSON.stringify(raw)} is not a URL: give an absolute http:// or https:// URL`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `X-Callback-Url ${JSON.stringify(raw)} uses ${url.protocol.replace(':', '')}: only http:// and https:// callbacks are made`;
  }
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (gatewayHosts.some((gateway) => gateway.toLowerCase() === `${host}:${port}`)) {
    return `X-Callback-Url ${JSON.stringify(raw)} points at this gateway: a callback into the gateway would loop; give the receiver's own URL`;
  }
  return undefined;
}

export type CallbackOutcome = { readonly delivered: true; readonly status: number } | { readonly delivered: false; readonly reason: string };

export async function deliverCallback(url: string, result: CallbackResult, policy: CallbackPolicy): Promise<CallbackOutcome> {
  const headers: Record<string, string> = {
    'x-call-id': result.callId,
    'x-function-name': result.functionName,
    'x-function-status': String(result.status),
    'x-duration-seconds': result.durationSeconds.toFixed(6),
    'x-start-time': result.startTimeNs.toString(),
  };
  if (result.contentType !== undefined) headers['content-type'] = result.contentType;
  if (result.truncated) headers['x-function-body-truncated'] = 'true';
  let reason = '';
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    if (attempt > 1) await sleep(policy.firstDelayMs * 2 ** (attempt - 2));
    try {
      const response = await request(url, { method: 'POST', headers, body: result.body, headersTimeout: policy.timeoutMs, bodyTimeout: policy.timeoutMs });
      await response.body.dump();
      if (response.statusCode < 500 && response.statusCode !== 429) return { delivered: true, status: response.statusCode };
      reason = `the receiver answered ${response.statusCode}`;
    } catch (error) {
      const code = (error as { code?: string }).code;
      reason = code === 'UND_ERR_HEADERS_TIMEOUT' ? `the receiver did not answer within ${policy.timeoutMs} ms` : `${(error as Error).message}${code ? ` (${code})` : ''}`;
    }
  }
  return { delivered: false, reason: `callback to ${url} failed ${policy.attempts} times; last: ${reason}` };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
