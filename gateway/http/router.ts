/**
 * Which function a URL calls. `/function/<name>[.<namespace>][/<path>]` is OpenFaaS's form
 * (faas-cli appends `.openfaas-fn`); `/gateway/<name>/...` and `/invoke/<name>` are the seeds' aliases.
 */
import { formatError } from '../../constructs/spec/format-error.js';
import type { FunctionCatalog } from '../backends/backend.js';
import { isServedNamespace } from '../core/served-namespace.js';
import { GatewayError, sendError } from './errors.js';
import type { Step } from './exchange.js';

const ROUTE_PREFIXES = ['/function/', '/gateway/', '/invoke/'] as const;

export interface FunctionRoute {
  readonly name: string;
  readonly namespace: string | undefined;
  /** Path and query the function sees, always starting with `/`. */
  readonly path: string;
  /** The part of the URL before `path`, e.g. `/function/echo`: what the function sits behind. */
  readonly base: string;
}

/** Parses a request target (after any path prefix); undefined when it is not a function call. */
export function parseFunctionRoute(url: string): FunctionRoute | undefined {
  let rest: string | undefined;
  for (const prefix of ROUTE_PREFIXES) {
    if (url.startsWith(prefix)) {
      rest = url.slice(prefix.length);
      break;
    }
  }
  if (rest === undefined) return undefined;
  let end = 0;
  while (end < rest.length && rest[end] !== '/' && rest[end] !== '?') end++;
  const target = rest.slice(0, end);
  const tail = rest.slice(end);
  const path = tail === '' ? '/' : tail[0] === '?' ? `/${tail}` : tail;
  const base = url.slice(0, url.length - tail.length);
  const dot = target.indexOf('.');
  if (dot === -1) return { name: target, namespace: undefined, path, base };
  return { name: target.slice(0, dot), namespace: target.slice(dot + 1), path, base };
}

export interface RouteDeps {
  readonly catalog: FunctionCatalog;
  readonly namespace: string;
  readonly pathPrefix: string;
}

/** The outermost layer: unknown paths and unknown functions end here with a 404 naming them. */
export function withRoute(next: Step, deps: RouteDeps): Step {
  const { catalog, namespace, pathPrefix } = deps;
  return (exchange) => {
    let url = exchange.req.url ?? '/';
    if (pathPrefix !== '') {
      if (!url.startsWith(pathPrefix)) {
        sendError(exchange.res, new GatewayError('not_found', `no route for ${url}: this gateway serves paths under ${pathPrefix}`));
        return;
      }
      url = url.slice(pathPrefix.length);
    }
    const route = parseFunctionRoute(url);
    if (!route) {
      sendError(exchange.res, new GatewayError('not_found', `no route for ${url}: call a function at ${pathPrefix}/function/<name>`));
      return;
    }
    if (route.name === '') {
      sendError(exchange.res, new GatewayError('not_found', `no function named in ${url}: call ${pathPrefix}/function/<name>`));
      return;
    }
    if (route.namespace !== undefined && !isServedNamespace(route.namespace, namespace)) {
      sendError(
        exchange.res,
        new GatewayError('not_found', `function "${route.name}" is not served in namespace "${route.namespace}": this gateway serves namespace "${namespace}"`, route.name),
      );
      return;
    }
    const definition = catalog.functions().get(route.name);
    const problems = definition ? undefined : catalog.invalidFunctions?.().get(route.name);
    if (problems) {
      const lines = problems.map(formatError);
      sendError(exchange.res, new GatewayError('invalid_function', `function "${route.name}" exists but its script is invalid; fix: ${lines.join('; ')}`, route.name, undefined, { problems: lines }));
      return;
    }
    if (!definition) {
      sendError(exchange.res, new GatewayError('not_found', `function "${route.name}" not found: deploy it or check the name with \`faas list\``, route.name));
      return;
    }
    exchange.name = route.name;
    exchange.definition = definition;
    exchange.upstreamPath = route.path;
    exchange.forwardedPrefix = pathPrefix + route.base;
    next(exchange);
  };
}
