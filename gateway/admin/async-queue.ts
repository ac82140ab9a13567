/**
 * The async queue through the admin API: depths per function, and the dead letters (what
 * exhausted its attempts, or whose function went away) to list, show, replay or drop. The JSON
 * shapes are documented in gateway/admin/README.md.
 */
import { Type } from '@sinclair/typebox';
import type { AsyncQueue, DeadLetter } from '../async/queue.js';
import { DuplicateCallId } from '../async/queue.js';
import type { AdminApiDeps, AdminHandler } from './admin-context.js';
import { AdminError } from './admin-error.js';
import { parseJsonBody, readBody } from './json-body.js';
import { sendJson } from './send-json.js';

/** A dead letter as listed: everything but the request's headers and body. */
export interface DeadLetterSummary {
  readonly callId: string;
  readonly function: string;
  readonly method: string;
  readonly path: string;
  readonly callbackUrl: string | null;
  readonly attempts: number;
  readonly reason: string;
  /** RFC 3339. */
  readonly acceptedAt: string;
  readonly deadAt: string;
  readonly bodyBytes: number;
}

/** A dead letter shown: the stored request in full. */
export interface DeadLetterDetail extends DeadLetterSummary {
  /** [name, value] pairs, in the order received. */
  readonly headers: readonly (readonly [string, string])[];
  /** `utf8` when the body is valid UTF-8 text, else `base64`. */
  readonly bodyEncoding: 'utf8' | 'base64';
  readonly body: string;
}

export interface QueueDepthView {
  readonly function: string;
  readonly queued: number;
  readonly inProgress: number;
  readonly deadLetters: number;
  readonly oldestAgeSeconds: number;
}

/** Dead letters listed at most, unless `limit` says otherwise. */
export const DEAD_LETTER_LIST_LIMIT = 100;
const LIST_LIMIT_MAX = 10_000;

/** A call id in a body: the X-Call-Id rule. */
const CallId = Type.String({ pattern: '^[A-Za-z0-9._:-]{1,128}$', description: 'The X-Call-Id of the dead letter.' });
export const DeadLetterRequestSchema = Type.Object({ callId: CallId }, { additionalProperties: false });

function queueOf(deps: AdminApiDeps): AsyncQueue {
  if (!deps.asyncQueue) throw new AdminError('not_implemented', 'asynchronous calls are not configured on this gateway, so it keeps no queue or dead letters');
  return deps.asyncQueue;
}

const rfc3339 = (ms: number): string => new Date(ms).toISOString();

function summary(dead: DeadLetter): DeadLetterSummary {
  const { call } = dead;
  return {
    callId: call.id,
    function: call.function,
    method: call.method,
    path: call.path,
    callbackUrl: call.callbackUrl ?? null,
    attempts: dead.attempts,
    reason: dead.reason,
    acceptedAt: rfc3339(call.acceptedAt),
    deadAt: rfc3339(dead.deadAt),
    bodyBytes: call.body.length,
  };
}

function detail(dead: DeadLetter): DeadLetterDetail {
  const headers: [string, string][] = [];
  for (let i = 0; i + 1 < dead.call.headers.length; i += 2) headers.push([dead.call.headers[i]!, dead.call.headers[i + 1]!]);
  const text = new TextDecoder('utf-8', { fatal: true });
  let body: { bodyEncoding: 'utf8' | 'base64'; body: string };
  try {
    body = { bodyEncoding: 'utf8', body: text.decode(dead.call.body) };
  } catch {
    body = { bodyEncoding: 'base64', body: dead.call.body.toString('base64') };
  }
  return { ...summary(dead), headers, ...body };
}

/** `GET /system/async-queues`: one entry per function with anything queued, running or dead. */
export const listQueueDepths: AdminHandler = async ({ res, deps }) => {
  const depths = await queueOf(deps).depths();
  const view: QueueDepthView[] = depths.map((d) => ({
    function: d.function,
    queued: d.queued,
    inProgress: d.inProgress,
    deadLetters: d.deadLetters,
    oldestAgeSeconds: Number((d.oldestAgeMs / 1000).toFixed(3)),
  }));
  sendJson(res, 200, view);
};

/** `GET /system/dead-letters[?function=NAME][&limit=N]`: oldest first, with `X-Total-Count`. */
export const listDeadLetters: AdminHandler = async ({ res, url, deps }) => {
  const queue = queueOf(deps);
  const fn = url.searchParams.get('function');
  const rawLimit = url.searchParams.get('limit');
  let limit = DEAD_LETTER_LIST_LIMIT;
  if (rawLimit !== null) {
    limit = Number(rawLimit);
    if (!/^\d+$/.test(rawLimit) || limit < 1 || limit > LIST_LIMIT_MAX) {
      throw new AdminError('bad_request', `query parameter 'limit' (${JSON.stringify(rawLimit)}) must be a whole number from 1 to ${LIST_LIMIT_MAX}`);
    }
  }
  const all = (await queue.deadLetters()).filter((dead) => fn === null || dead.call.function === fn);
  sendJson(res, 200, all.slice(0, limit).map(summary), { 'x-total-count': String(all.length) });
};

/** `GET /system/dead-letter/<callId>`: the stored request in full. */
export const showDeadLetter: AdminHandler = async ({ res, name, deps }) => {
  const dead = await queueOf(deps).deadLetterOf(name!);
  if (!dead) throw noDeadLetter(name!);
  sendJson(res, 200, detail(dead));
};

/** `POST /system/dead-letters/replay` with `{"callId"}`: back to the queue with a fresh count of attempts. */
export const replayDeadLetter: AdminHandler = async ({ req, res, deps }) => {
  const queue = queueOf(deps);
  const { callId } = parseJsonBody(await readBody(req, deps.bodyLimit), DeadLetterRequestSchema, 'a replay request {"callId": "<X-Call-Id>"}');
  const dead = await queue.deadLetterOf(callId);
  if (!dead) throw noDeadLetter(callId);
  const fn = dead.call.function;
  if (!deps.backend.functions().has(fn)) {
    throw new AdminError('conflict', `dead letter "${callId}" is a call to function "${fn}", which is not deployed: deploy "${fn}" again, or drop the dead letter`, { function: fn });
  }
  const replayed = await queue.replay(callId).catch((error: unknown) => {
    if (error instanceof DuplicateCallId) throw new AdminError('conflict', `${error.message}; drop the dead letter or wait until that call is done`, { function: fn });
    throw error;
  });
  if (!replayed) throw noDeadLetter(callId);
  deps.logger.info({ callId, function: fn }, 'dead letter replayed through the admin API');
  deps.asyncReplayed?.();
  sendJson(res, 202, { message: `call "${callId}" to function "${fn}" queued again`, callId, function: fn });
};

/** `DELETE /system/dead-letters` with `{"callId"}`: gone for good. */
export const dropDeadLetter: AdminHandler = async ({ req, res, deps }) => {
  const queue = queueOf(deps);
  const { callId } = parseJsonBody(await readBody(req, deps.bodyLimit), DeadLetterRequestSchema, 'a drop request {"callId": "<X-Call-Id>"}');
  const dead = await queue.deadLetterOf(callId);
  if (!dead || !(await queue.drop(callId))) throw noDeadLetter(callId);
  deps.logger.info({ callId, function: dead.call.function }, 'dead letter dropped through the admin API');
  sendJson(res, 200, { message: `dead letter "${callId}" dropped`, callId, function: dead.call.function });
};

function noDeadLetter(callId: string): AdminError {
  return new AdminError('not_found', `no dead letter with call id "${callId}"; GET /system/dead-letters lists them (\`faas queue dead-letters\`)`);
}
