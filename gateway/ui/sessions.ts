/**
 * Browser sessions of the admin user: a login with the admin credentials gets a random token in an
 * HttpOnly, SameSite=Strict cookie, so no credential ever sits in a URL or in script-readable
 * storage. Tokens live in memory only (a restart logs everybody out), expire, and are bounded in
 * number: past the bound the oldest session ends.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const SESSION_COOKIE = 'faas_session';
/** A browser must send it on every request that changes something: forms of other sites cannot set headers. */
export const UI_REQUEST_HEADER = 'x-faas-ui';

export interface SessionOptions {
  /** @default 12 hours */
  readonly ttlMs?: number;
  /** @default 64 */
  readonly maxSessions?: number;
  readonly now?: () => number;
}

export class Sessions {
  private readonly expiries = new Map<string, number>();
  private readonly ttlMs: number;
  private readonly maxSessions: number;
  private readonly now: () => number;

  constructor(options: SessionOptions = {}) {
    this.ttlMs = options.ttlMs ?? 12 * 3600_000;
    this.maxSessions = options.maxSessions ?? 64;
    this.now = options.now ?? Date.now;
  }

  get maxAgeSeconds(): number {
    return Math.floor(this.ttlMs / 1000);
  }

  create(): string {
    const token = randomBytes(32).toString('base64url');
    while (this.expiries.size >= this.maxSessions) this.expiries.delete(this.expiries.keys().next().value!);
    this.expiries.set(token, this.now() + this.ttlMs);
    return token;
  }

  end(token: string | undefined): void {
    if (token !== undefined) this.expiries.delete(token);
  }

  valid(token: string | undefined): boolean {
    if (token === undefined) return false;
    const expiry = this.expiries.get(token);
    if (expiry === undefined) return false;
    if (expiry <= this.now()) {
      this.expiries.delete(token);
      return false;
    }
    return true;
  }

  /**
   * Whether the request comes from a logged-in browser: a live session cookie, and for anything but
   * a read the UI's own header and, when the browser names one, this gateway's origin.
   */
  authorizes(req: IncomingMessage): boolean {
    if (!this.valid(sessionToken(req))) return false;
    const method = req.method ?? 'GET';
    if (method === 'GET' || method === 'HEAD') return true;
    return req.headers[UI_REQUEST_HEADER] === '1' && sameOrigin(req);
  }
}

export function sessionToken(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** An `Origin` header, when sent, names the host the request went to. */
export function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    const host = req.headers['x-forwarded-host'] ?? req.headers.host;
    return new URL(origin).host === (Array.isArray(host) ? host[0] : host?.split(',')[0]?.trim());
  } catch {
    return false;
  }
}
