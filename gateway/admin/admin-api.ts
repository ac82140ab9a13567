/**
 * The admin API as one request handler: OpenFaaS's gateway shapes under `/system/`, so
 * that faas-cli can drive it, plus the seed's `POST /admin/python`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AdminApiDeps } from './admin-context.js';
import { LastStartFailures } from '../core/start-failures.js';
import { AdminError } from './admin-error.js';
import { BASIC_REALM, isAuthorized } from './basic-auth.js';
import { HOW_TO_SET_CREDENTIALS } from './credentials.js';
import { ADMIN_ROUTES, matchRoute } from './routes.js';
import { sendJson } from './send-json.js';

const ROUTE_LIST = ADMIN_ROUTES.map((route) => `${route.method} ${route.path}`).join(', ');

export type AdminApiHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function createAdminApi(given: AdminApiDeps): AdminApiHandler {
  const deps: AdminApiDeps = { ...given, startFailures: given.startFailures ?? new LastStartFailures(given.backend) };
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://gateway.invalid');
    const method = req.method ?? 'GET';
    const prefix = deps.pathPrefix ?? '';
    if (prefix !== '' && url.pathname.startsWith(`${prefix}/`)) url.pathname = url.pathname.slice(prefix.length);
    const match = matchRoute(ADMIN_ROUTES, method, url.pathname);
    let fn = match.kind === 'none' ? undefined : match.name;
    try {
      await authenticate(req, deps);
      if (match.kind === 'none') {
        throw new AdminError('not_found', `no admin route ${method} ${url.pathname}; the routes are ${ROUTE_LIST}`);
      }
      if (match.kind === 'wrong-method') {
        throw new AdminError('method_not_allowed', `${method} is not allowed on ${url.pathname}; use ${match.allowed.join(' or ')}`, {
          ...(fn !== undefined && { function: fn }),
          headers: { allow: match.allowed.join(', ') },
        });
      }
      await match.route.handler({ req, res, url, deps, ...(fn !== undefined && { name: fn }) });
    } catch (error) {
      const failure = asAdminError(error, fn);
      fn = failure.details.function ?? fn;
      const log = failure.status >= 500 ? deps.logger.error.bind(deps.logger) : deps.logger.warn.bind(deps.logger);
      log({ method, path: url.pathname, status: failure.status, function: fn, err: failure.status >= 500 ? error : undefined }, failure.message);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const body = fn !== undefined && failure.details.function === undefined ? { ...failure.toJSON(), function: fn } : failure.toJSON();
      sendJson(res, failure.status, body, failure.details.headers);
    }
  };
}

async function authenticate(req: IncomingMessage, deps: AdminApiDeps): Promise<void> {
  if (!deps.credentials) {
    const why = deps.credentialsProblem ?? `no admin password is configured; ${HOW_TO_SET_CREDENTIALS}, then restart the gateway`;
    throw new AdminError('admin_disabled', `the admin API is disabled: ${why}`);
  }
  if (isAuthorized(req.headers, deps.credentials) || deps.sessions?.authorizes(req)) return;
  // Refused before a byte of the body is read: a stranger's upload, however slow, costs nothing.
  // The connection closes after the 401 rather than drain a body nobody will read.
  throw new AdminError('unauthorized', 'missing or wrong admin credentials; run `faas-cli login` or send HTTP Basic auth with the admin user and password', {
    headers: { 'www-authenticate': BASIC_REALM, ...(!req.complete && { connection: 'close' }) },
  });
}

function asAdminError(error: unknown, fn: string | undefined): AdminError {
  if (error instanceof AdminError) return error;
  return new AdminError('internal', `the admin API failed: ${error instanceof Error ? error.message : String(error)}`, fn === undefined ? {} : { function: fn });
}
