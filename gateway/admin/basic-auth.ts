/**
 * HTTP Basic authentication of the admin user. faas-cli sends `Basic base64(user:pass)`
 * after `login`, and `Bearer ` with an empty token before; both go through here.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { AdminCredentials } from './credentials.js';

export const BASIC_REALM = 'Basic realm="Restricted"';

export interface BasicCredentials {
  readonly user: string;
  readonly password: string;
}

/** The user and password of a `Basic` Authorization header; undefined for anything else. */
export function parseBasicAuth(header: string | undefined): BasicCredentials | undefined {
  if (header === undefined) return undefined;
  const match = /^Basic[ \t]+([A-Za-z0-9+/=_-]+)[ \t]*$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Whether the request carries the admin user's credentials. */
export function isAuthorized(headers: IncomingHttpHeaders, expected: AdminCredentials): boolean {
  const given = parseBasicAuth(headers.authorization);
  if (!given) return false;
  // Both comparisons always run, so the time taken does not tell which half was wrong.
  const userOk = equalSecrets(given.user, expected.user);
  const passwordOk = equalSecrets(given.password, expected.password);
  return userOk && passwordOk;
}

/**
 * Constant-time comparison. Hashing both sides first gives equal-length inputs, so
 * neither the content nor the length of the secret leaks through timing.
 */
export function equalSecrets(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
