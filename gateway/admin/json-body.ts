/**
 * Reads an admin request's JSON body and checks it against a TypeBox schema, so that a
 * bad payload is answered with the field that is wrong rather than a crash further in.
 */
import type { IncomingMessage } from 'node:http';
import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ValueErrorType } from '@sinclair/typebox/errors';
import { AdminError } from './admin-error.js';

/** A script is at most 256 KiB; base64 and JSON escaping fit well within this. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export async function readBody(req: IncomingMessage, limit = DEFAULT_BODY_LIMIT): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    // Keep draining past the limit so the client reads the 413 instead of a reset.
    if (size <= limit) chunks.push(chunk);
  }
  if (size > limit) {
    throw new AdminError('payload_too_large', `request body is ${size} bytes; the admin API accepts at most ${limit}`);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** No admin payload nests more than a few levels; validators and error reports recurse. */
export const MAX_JSON_DEPTH = 64;

/** How deep arrays and objects nest in `text`, brackets inside strings left out; stops counting well past the limit. */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > deepest) deepest = depth;
      if (deepest > MAX_JSON_DEPTH * 2) return deepest;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/** Parses `text` as JSON and checks it; errors name each wrong field. */
export function parseJsonBody<S extends TSchema>(text: string, schema: S, what: string): Static<S> {
  if (text.trim() === '') {
    throw new AdminError('bad_request', `request body is empty; send ${what} as a JSON object`);
  }
  if (nestingDepth(text) > MAX_JSON_DEPTH) {
    throw new AdminError('bad_request', `request body is JSON nested more than ${MAX_JSON_DEPTH} levels deep, which no admin payload needs; send ${what}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new AdminError('bad_request', `request body is not valid JSON (${(error as Error).message}); send ${what}`, {
      ...functionNamedIn(text),
    });
  }
  const errors = fieldErrors(schema, value);
  if (errors.length > 0) {
    throw new AdminError('bad_request', `${what} has ${errors.length === 1 ? 'an invalid field' : 'invalid fields'}: ${errors.join('; ')}`, {
      errors,
      ...functionNamedIn(value),
    });
  }
  return value as Static<S>;
}

/** One line per wrong field, `field 'envVars.GREETING': Expected string (got 1)`. */
export function fieldErrors(schema: TSchema, value: unknown, prefix = ''): string[] {
  const lines = new Map<string, string>();
  for (const error of Value.Errors(schema, value)) {
    const path = prefix + error.path;
    // The first complaint about a value is the useful one ("required", then "string" is noise).
    if (lines.has(path)) continue;
    const variants = (error.schema.anyOf as TSchema[] | undefined)?.filter((variant) => variant.type !== 'null');
    if (variants?.length === 1) {
      // `X | null`: say what is wrong inside X rather than "Expected union value".
      for (const line of fieldErrors(variants[0]!, error.value, path)) lines.set(`${path}#${lines.size}`, line);
      continue;
    }
    const field = path === '' ? 'body' : `field '${path.slice(1).replaceAll('/', '.')}'`;
    const problem = error.type === ValueErrorType.ObjectRequiredProperty ? 'is required' : `${error.message}${describeValue(error.value)}`;
    lines.set(path, `${field}: ${problem}`);
  }
  return [...lines.values()];
}

function describeValue(value: unknown): string {
  if (value === undefined) return '';
  const text = JSON.stringify(value);
  return text.length > 40 ? ` (got ${typeof value})` : ` (got ${text})`;
}

/**
 * The function a payload is about, if it says so, even when the rest of it is wrong:
 * every error body names the function whenever the caller named one.
 */
export function functionNamedIn(value: unknown): { function?: string } {
  let object = value;
  if (typeof value === 'string') {
    try {
      object = JSON.parse(value);
    } catch {
      const match = /"(?:service|functionName|serviceName)"\s*:\s*"([^"\\]{1,253})"/.exec(value);
      return match ? { function: match[1]! } : {};
    }
  }
  if (typeof object !== 'object' || object === null) return {};
  const record = object as Record<string, unknown>;
  const option = record.option as Record<string, unknown> | undefined;
  for (const name of [record.service, record.functionName, record.serviceName, option?.name]) {
    if (typeof name === 'string' && name !== '') return { function: name };
  }
  return {};
}
