/**
 * Everything under `[GATEWAY_PATH_PREFIX]/ui/`: the login form, the app's shell and files, and the
 * small read-only JSON the app (and any script) reads:
 *
 *   GET  /ui/api/functions               every function: status, replicas, calls, errors, p50/p99, cold starts
 *   GET  /ui/api/functions/<name>        one function: that, its settings, script, time series, cold starts
 *   GET  /ui/api/functions/<name>/logs   its recent output; `?follow=1` as server-sent events
 *   POST /ui/api/validate                a script's problems by line, before any deploy
 *
 * A browser logs in once (POST /ui/login sets a session cookie); scripts send HTTP Basic auth as
 * to the admin API. Everything but the login form and the stylesheet is refused without either.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { isAuthorized } from '../admin/basic-auth.js';
import type { AdminCredentials } from '../admin/credentials.js';
import { HOW_TO_SET_CREDENTIALS } from '../admin/credentials.js';
import { AdminError } from '../admin/admin-error.js';
import { parseJsonBody, readBody } from '../admin/json-body.js';
import type { Backend } from '../backends/backend.js';
import { functionDetail, functionRow, type FunctionViewDeps } from './function-view.js';
import { appShell, loginPage } from './html-pages.js';
import { LoginThrottle } from './login-throttle.js';
import { LogFollowers, sendLogs } from './log-stream.js';
import { SESSION_COOKIE, sessionToken, type Sessions } from './sessions.js';
import { UiAssets } from './ui-assets.js';
import { UI_HEADERS } from './ui-headers.js';
import { ValidateRequestSchema, validateScript } from './validate-script.js';
import { SLOT_MS, SLOTS } from '../core/recent-calls.js';
import { formatError } from '../../constructs/spec/format-error.js';

export interface UiDeps extends FunctionViewDeps {
  readonly backend: Backend;
  /** undefined: no admin password, so no login; the UI says how to set one. */
  readonly credentials: AdminCredentials | undefined;
  readonly sessions: Sessions;
  readonly pathPrefix: string;
  /** The built files; by default found beside the gateway (ui-assets.ts). */
  readonly assets?: UiAssets;
}

export type UiHandler = (req: IncomingMessage, res: ServerResponse, path: string) => Promise<void>;

/** The only files a browser needs before it has logged in. */
const PUBLIC_ASSETS = new Set(['app.css']);
const LOGIN_BODY_LIMIT = 8 * 1024;
const SCRIPT_BODY_LIMIT = 1024 * 1024;

export function createUiHandler(deps: UiDeps): UiHandler {
  const assets = deps.assets ?? new UiAssets();
  const prefix = deps.pathPrefix;
  const throttle = new LoginThrottle();
  const followers = new LogFollowers();
  return async (req, res, fullPath) => {
    const url = new URL(fullPath, 'http://gateway.invalid');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    try {
      if (path === '/ui') return redirect(res, `${prefix}/ui/`);
      if (path === '/ui/login') return await login(req, res, method);
      if (path === '/ui/logout' && method === 'POST') {
        deps.sessions.end(sessionToken(req));
        res.setHeader('set-cookie', cookie(req, prefix, '', 0));
        return redirect(res, `${prefix}/ui/login`);
      }
      const asset = /^\/ui\/assets\/([a-z0-9-]+\.(?:js|css))$/.exec(path)?.[1];
      if (asset !== undefined && PUBLIC_ASSETS.has(asset)) return await serveAsset(req, res, asset);

      const signedIn = deps.sessions.authorizes(req) || (deps.credentials !== undefined && isAuthorized(req.headers, deps.credentials));
      if (!signedIn) {
        if (path === '/ui/' && (method === 'GET' || method === 'HEAD')) return redirect(res, `${prefix}/ui/login`);
        throw new AdminError('unauthorized', deps.credentials ? 'log in at /ui/login, or send HTTP Basic auth with the admin user and password' : `the UI is disabled: ${HOW_TO_SET_CREDENTIALS}`);
      }
      if (path === '/ui/' && (method === 'GET' || method === 'HEAD')) return html(res, 200, appShell(prefix));
      if (asset !== undefined) return await serveAsset(req, res, asset);
      if (path.startsWith('/ui/api/')) return await api(req, res, method, path.slice('/ui/api'.length), url);
      throw new AdminError('not_found', `no UI page ${path}; the UI lives at ${prefix}/ui/`);
    } catch (error) {
      const failure = error instanceof AdminError ? error : new AdminError('internal', `the UI failed: ${(error as Error).message}`);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      json(res, failure.status, failure.toJSON(), { ...failure.details.headers, ...(!req.complete && { connection: 'close' }) });
    }
  };

  async function login(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    if (!deps.credentials) return html(res, 503, loginPage({ pathPrefix: prefix, problem: `Logging in is disabled: ${HOW_TO_SET_CREDENTIALS}, then restart the gateway.` }));
    if (method === 'GET' || method === 'HEAD') return html(res, 200, loginPage({ pathPrefix: prefix }));
    if (method !== 'POST') throw new AdminError('method_not_allowed', `${method} is not allowed on /ui/login; use GET or POST`, { headers: { allow: 'GET, POST' } });
    const address = req.socket.remoteAddress ?? '';
    const wait = throttle.retryAfter(address);
    if (wait > 0) {
      res.setHeader('retry-after', String(wait));
      return html(res, 429, loginPage({ pathPrefix: prefix, problem: `Too many wrong passwords from this address; try again in ${wait} s.` }));
    }
    const form = new URLSearchParams(await readBody(req, LOGIN_BODY_LIMIT));
    const user = form.get('user') ?? '';
    const authorization = `Basic ${Buffer.from(`${user}:${form.get('password') ?? ''}`).toString('base64')}`;
    if (!isAuthorized({ authorization }, deps.credentials)) {
      throttle.failed(address);
      return html(res, 401, loginPage({ pathPrefix: prefix, user, problem: 'Wrong user or password. Try again.' }));
    }
    throttle.succeeded(address);
    res.setHeader('set-cookie', cookie(req, prefix, deps.sessions.create(), deps.sessions.maxAgeSeconds));
    redirect(res, `${prefix}/ui/`);
  }

  async function serveAsset(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    const file = await assets.get(name);
    if (!file) throw new AdminError('not_found', `no UI file ${name}`);
    const headers = { ...UI_HEADERS, 'content-type': file.contentType, etag: file.etag, 'cache-control': 'no-cache', vary: 'accept-encoding' };
    if (req.headers['if-none-match'] === file.etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gzip ? file.gzip : file.body;
    res.writeHead(200, { ...headers, 'content-length': body.length, ...(gzip && { 'content-encoding': 'gzip' }) });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  async function api(req: IncomingMessage, res: ServerResponse, method: string, path: string, url: URL): Promise<void> {
    if (path === '/validate') {
      if (method !== 'POST') throw new AdminError('method_not_allowed', 'use POST on /ui/api/validate', { headers: { allow: 'POST' } });
      const body = parseJsonBody(await readBody(req, SCRIPT_BODY_LIMIT), ValidateRequestSchema, 'a script to check {"name": "echo", "source": "<the script>"}');
      return json(res, 200, await validateScript(body.name, body.source));
    }
    if (method !== 'GET' && method !== 'HEAD') throw new AdminError('method_not_allowed', `${method} is not allowed on /ui/api${path}; it is read-only`, { headers: { allow: 'GET' } });
    if (path === '/functions') {
      const functions = [...deps.backend.functions().values()].sort((a, b) => a.name.localeCompare(b.name)).map((def) => functionRow(def, deps));
      const invalid = [...(deps.backend.invalidFunctions?.() ?? new Map())].map(([name, problems]) => ({ name, problems: problems.map(formatError) }));
      return json(res, 200, { backend: deps.backend.kind, windowSeconds: (SLOTS * SLOT_MS) / 1000, slotSeconds: SLOT_MS / 1000, now: Date.now(), functions, invalid });
    }
    const match = /^\/functions\/([^/]+)(\/logs)?$/.exec(path);
    if (match) {
      const name = decodeURIComponent(match[1]!);
      const def = deps.backend.functions().get(name);
      if (!def) throw new AdminError('not_found', `function "${name}" not found: deploy it or check the name in the list`, { function: name });
      if (!match[2]) return json(res, 200, { ...functionDetail(def, deps), logs: deps.backend.functionLogs !== undefined });
      if (!deps.backend.functionLogs) throw new AdminError('not_found', `the ${deps.backend.kind} backend keeps no logs the UI can read`, { function: name });
      return sendLogs(req, res, deps.backend.functionLogs, name, url.searchParams.get('follow') === '1', followers);
    }
    throw new AdminError('not_found', `no UI API route ${path}; the routes are /ui/api/functions, /ui/api/functions/<name>, /ui/api/functions/<name>/logs, /ui/api/validate`);
  }
}

/** HttpOnly and SameSite=Strict always; Secure when the browser reached the gateway over TLS. */
function cookie(req: IncomingMessage, prefix: string, token: string, maxAge: number): string {
  const tls = (req.socket as TLSSocket).encrypted === true || String(req.headers['x-forwarded-proto'] ?? '').split(',')[0]?.trim() === 'https';
  return [`${SESSION_COOKIE}=${token}`, `Path=${prefix || '/'}`, 'HttpOnly', 'SameSite=Strict', `Max-Age=${maxAge}`, ...(tls ? ['Secure'] : [])].join('; ');
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(303, { ...UI_HEADERS, location, 'cache-control': 'no-store', 'content-length': 0 });
  res.end();
}

function html(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { ...UI_HEADERS, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function json(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...UI_HEADERS, ...headers, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
