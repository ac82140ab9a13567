/**
 * `ANY /async-function/<name>[.<namespace>][/<path>]`: routed like a sync call (unknown function:
 * 404 at once; body limit as for sync calls), stored durably, then 202 with X-Call-Id (the
 * caller's own when given). A queue that is full or unreachable answers 503 with Retry-After:
 * never a 202 for a call that was not stored.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FunctionDefinition } from '../../constructs/spec/function-definition.js';
import { isServedNamespace } from '../core/served-namespace.js';
import { tooLarge } from '../http/body-limit.js';
import { callIdOf } from '../http/call-id.js';
import { GatewayError, sendError } from '../http/errors.js';
import { upstreamHeaders } from '../http/proxy.js';
import { parseFunctionRoute } from '../http/router.js';
import { callbackUrlProblem } from './callback.js';
import { DuplicateCallId, QueueUnavailable, type AsyncQueue } from './queue.js';

export const ASYNC_PREFIX = '/async-function/';

/** Why a call was answered 503 and not stored. */
export type AsyncRefusal = 'queue_full' | 'queue_unreachable';

export interface AcceptDeps {
  readonly queue: AsyncQueue;
  functions(): ReadonlyMap<string, FunctionDefinition>;
  readonly namespace: string;
  /** 0: no limit. */
  readonly maxBodyBytes: number;
  /** host:port forms this gateway answers on; a callback there is refused. */
  gatewayHosts(): readonly string[];
  /** Told after each stored call. */
  accepted(fn: string): void;
  /** Told of each call the queue would not store (answered 503). */
  refused(fn: string, reason: AsyncRefusal): void;
}

/** `path` is the request target with any GATEWAY_PATH_PREFIX taken off; it starts with ASYNC_PREFIX. */
export async function acceptAsyncCall(req: IncomingMessage, res: ServerResponse, path: string, deps: AcceptDeps): Promise<void> {
  const route = parseFunctionRoute(`/function/${path.slice(ASYNC_PREFIX.length)}`);
  if (!route || route.name === '') {
    sendError(res, new GatewayError('not_found', `no function named in ${path}: call /async-function/<name>`));
    return;
  }
  if (route.namespace !== undefined && !isServedNamespace(route.namespace, deps.namespace)) {
    sendError(res, new GatewayError('not_found', `function "${route.name}" is not served in namespace "${route.namespace}": this gateway serves namespace "${deps.namespace}"`, route.name));
    return;
  }
  if (!deps.functions().has(route.name)) {
    sendError(res, new GatewayError('not_found', `function "${route.name}" not found: deploy it or check the name with \`faas list\``, route.name));
    return;
  }
  const header = (name: string): string | undefined => {
    const value = req.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const { id: callId, problem: callIdProblem } = callIdOf(req);
  if (callId === undefined) {
    sendError(res, new GatewayError('bad_request', callIdProblem, route.name));
    return;
  }
  const callbackUrl = header('x-callback-url');
  if (callbackUrl !== undefined) {
    const problem = callbackUrlProblem(callbackUrl, deps.gatewayHosts());
    if (problem !== undefined) {
      sendError(res, new GatewayError('bad_request', problem, route.name));
      return;
    }
  }
  // The store may take less than a sync call may carry (NATS's max_payload): the smaller bound holds.
  const stored = deps.queue.maxBodyBytes;
  const limit = stored !== undefined && (deps.maxBodyBytes === 0 || stored < deps.maxBodyBytes) ? stored : deps.maxBodyBytes;
  const declared = req.headers['content-length'];
  if (limit > 0 && declared !== undefined && Number(declared) > limit) {
    sendError(res, tooLarge(route.name, limit), true);
    return;
  }
  const body = await readBody(req, limit);
  if (body === undefined) {
    sendError(res, tooLarge(route.name, limit), true);
    return;
  }
  // The call's id is always forwarded, as the one given or the one made here.
  const pairs: string[] = [];
  const raw = upstreamHeaders(req);
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() !== 'x-call-id') pairs.push(raw[i]!, raw[i + 1]!);
  pairs.push('X-Call-Id', callId);
  try {
    await deps.queue.enqueue({
      id: callId,
      function: route.name,
      method: req.method ?? 'POST',
      path: route.path,
      headers: pairs,
      body,
      ...(callbackUrl !== undefined && { callbackUrl }),
      acceptedAt: Date.now(),
    });
  } catch (error) {
    if (error instanceof DuplicateCallId) sendError(res, new GatewayError('bad_request', error.message, route.name));
    else if (error instanceof QueueUnavailable) {
      deps.refused(route.name, error.full ? 'queue_full' : 'queue_unreachable');
      sendError(res, new GatewayError('queue_full', error.message, route.name, error.retryAfterSeconds));
    } else {
      deps.refused(route.name, 'queue_unreachable');
      sendError(res, new GatewayError('queue_full', `the async queue is unreachable: ${(error as Error).message}`, route.name, 5));
    }
    return;
  }
  deps.accepted(route.name);
  res.writeHead(202, { 'x-call-id': callId, 'content-length': 0 });
  res.end();
}

/** The body, or undefined once it passes `limit` (0: none). */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (limit > 0 && size > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
