/** The admin API's method + path table. */
import type { AdminHandler } from './admin-context.js';
import { adminPython } from './admin-python.js';
import { dropDeadLetter, listDeadLetters, listQueueDepths, replayDeadLetter, showDeadLetter } from './async-queue.js';
import { deployFunction } from './deploy-function.js';
import { describeFunction, listFunctions } from './list-functions.js';
import { removeFunction } from './remove-function.js';
import { scaleFunction } from './scale-function.js';
import { listNamespaces, systemInfo } from './system-info.js';

export interface AdminRoute {
  readonly method: string;
  /** A literal path, or one ending in `/:name` for a single path segment. */
  readonly path: string;
  readonly handler: AdminHandler;
}

export const ADMIN_ROUTES: readonly AdminRoute[] = [
  { method: 'GET', path: '/system/functions', handler: listFunctions },
  { method: 'POST', path: '/system/functions', handler: deployFunction('create-or-replace') },
  { method: 'PUT', path: '/system/functions', handler: deployFunction('update') },
  { method: 'DELETE', path: '/system/functions', handler: removeFunction },
  { method: 'GET', path: '/system/function/:name', handler: describeFunction },
  { method: 'POST', path: '/system/scale-function/:name', handler: scaleFunction },
  { method: 'GET', path: '/system/info', handler: systemInfo },
  { method: 'GET', path: '/system/namespaces', handler: listNamespaces },
  { method: 'GET', path: '/system/async-queues', handler: listQueueDepths },
  { method: 'GET', path: '/system/dead-letters', handler: listDeadLetters },
  { method: 'DELETE', path: '/system/dead-letters', handler: dropDeadLetter },
  { method: 'POST', path: '/system/dead-letters/replay', handler: replayDeadLetter },
  { method: 'GET', path: '/system/dead-letter/:name', handler: showDeadLetter },
  { method: 'POST', path: '/admin/python', handler: adminPython },
];

export type RouteMatch =
  | { readonly kind: 'found'; readonly route: AdminRoute; readonly name?: string }
  | { readonly kind: 'wrong-method'; readonly allowed: readonly string[]; readonly name?: string }
  | { readonly kind: 'none' };

export function matchRoute(routes: readonly AdminRoute[], method: string, pathname: string): RouteMatch {
  const allowed: string[] = [];
  let name: string | undefined;
  for (const route of routes) {
    const params = matchPath(route.path, pathname);
    if (params === undefined) continue;
    name = params.name ?? name;
    // HEAD is GET without a body; node:http drops the body for it.
    if (route.method === method || (method === 'HEAD' && route.method === 'GET')) {
      return { kind: 'found', route, ...(params.name !== undefined && { name: params.name }) };
    }
    allowed.push(route.method);
  }
  if (allowed.length > 0) return { kind: 'wrong-method', allowed, ...(name !== undefined && { name }) };
  return { kind: 'none' };
}

function matchPath(pattern: string, pathname: string): { name?: string } | undefined {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  if (!pattern.endsWith('/:name')) return pattern === path ? {} : undefined;
  const prefix = pattern.slice(0, -':name'.length);
  if (!path.startsWith(prefix)) return undefined;
  const segment = path.slice(prefix.length);
  if (segment === '' || segment.includes('/')) return undefined;
  try {
    return { name: decodeURIComponent(segment) };
  } catch {
    return { name: segment };
  }
}
