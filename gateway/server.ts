/**
 * The gateway process's HTTP server: health, readiness, metrics, the admin API mount and the
 * function request path, over one backend. `close()` stops accepting, drains calls in flight,
 * then stops the backend so no function process outlives the gateway.
 */
import { randomBytes } from 'node:crypto';
import { createServer, ServerResponse, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Backend } from './backends/backend.js';
import type { GatewayConfig } from './config.js';
import { acceptAsyncCall, ASYNC_PREFIX } from './async/accept-route.js';
import type { AsyncTiming } from './async/async-policy.js';
import { AsyncWorker } from './async/async-worker.js';
import type { AsyncQueue } from './async/queue.js';
import { Activity } from './core/activity.js';
import type { RecentCalls } from './core/recent-calls.js';
import { LastStartFailures } from './core/start-failures.js';
import { CatalogSnapshot } from './core/catalog-snapshot.js';
import { Reaper, type ReapPermit } from './core/reaper.js';
import { Waker } from './core/wake.js';
import { GatewayError, sendError } from './http/errors.js';
import { ASYNC_WORKER_HEADER, Exchange } from './http/exchange.js';
import { buildRequestPath } from './http/request-path.js';
import { createUpstreamAgent } from './http/upstream-agent.js';
import { AsyncMetrics } from './metrics/async-metrics.js';
import { GatewayMetrics } from './metrics/gateway-metrics.js';

export type AdminHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** What the admin API is built from, once the gateway's metrics exist. */
export interface AdminMountDeps {
  readonly backend: Backend;
  /** The last failed start of each function, shared by the admin API and the UI. */
  readonly startFailures: LastStartFailures;
  readonly config: GatewayConfig;
  readonly logger: Logger;
  invocationCount(name: string): number;
  /** The async queue, when this gateway has one. */
  readonly asyncQueue?: AsyncQueue;
  /** A dead letter was queued again: the worker looks now. */
  asyncReplayed(): void;
}

/** What the web UI is built from: the admin API's parts plus the gateway's own state. */
export interface UiMountDeps extends AdminMountDeps {
  readonly recent: RecentCalls;
}

export type UiMountHandler = (req: IncomingMessage, res: ServerResponse, path: string) => Promise<void>;

export interface GatewayOptions {
  readonly config: GatewayConfig;
  readonly backend: Backend;
  readonly logger: Logger;
  /** Builds the `/system/*` and `/admin/*` handler; without it those answer 501. */
  readonly admin?: (deps: AdminMountDeps) => AdminHandler;
  /** Builds the `/ui/` handler; without it `/ui/` answers 501. */
  readonly ui?: (deps: UiMountDeps) => UiMountHandler;
  /** Only one gateway replica reaps at a time; local: always permitted. */
  readonly reapPermit?: ReapPermit;
  /** The durable queue of `/async-function/`; without it those calls answer 501. */
  readonly asyncQueue?: AsyncQueue;
  /** Where the async backoffs start (tests shorten them). */
  readonly asyncTiming?: AsyncTiming;
}

export interface RunningGateway {
  readonly url: string;
  readonly port: number;
  readonly metrics: GatewayMetrics;
  readonly activity: Activity;
  readonly reaper: Reaper;
  /** Stop accepting, drain in-flight calls (bounded by SHUTDOWN_GRACE), stop every function. */
  close(): Promise<void>;
}

const notImplementedAdmin: AdminHandler = async (_req, res) =>
  sendError(res, new GatewayError('not_implemented', 'the admin API is not available in this build of the gateway'));

const notImplementedUi: UiMountHandler = async (_req, res) =>
  sendError(res, new GatewayError('not_implemented', 'the web UI is not available in this build of the gateway'));

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const { config, backend, logger } = options;
  const activity = new Activity();
  const catalog = new CatalogSnapshot(backend);
  const metrics = new GatewayMetrics({
    *serviceCounts() {
      for (const name of catalog.functions().keys()) yield [name, backend.replicas(name).ready] as const;
    },
  });
  const waker = new Waker({
    backend,
    coldStartTimeoutMs: config.coldStartTimeoutMs,
    startRetryBackoffMs: config.startRetryBackoffMs,
    queueLimit: config.wakeQueueLimit,
    onColdStart: (name) => {
      metrics.coldStart(name);
      logger.info({ function: name }, 'waking function');
    },
    onColdStartReady: (name, seconds) => {
      metrics.coldStartReady(name, seconds);
      logger.info({ function: name, seconds: Number(seconds.toFixed(3)) }, 'function ready');
    },
    onStartFailed: (failure) => {
      metrics.recent.coldStartFailed(failure.function, failure.reason);
      logger.warn({ function: failure.function, reason: failure.reason, logTail: failure.logTail }, 'function failed to start');
    },
  });
  const asyncQueue = options.asyncQueue;
  const asyncMetrics = asyncQueue && new AsyncMetrics(metrics.registry, () => asyncQueue.depths());
  const offPoolWakes = backend.onPoolWake?.((wake) => metrics.poolWake(wake.function, wake.outcome));
  const reaper = new Reaper({
    catalog,
    scaler: backend,
    activity: backend.clusterActivity?.(activity) ?? activity,
    waker,
    pollMs: config.reaperPollMs,
    timeToLiveMs: config.reaperTimeToLiveMs,
    logger,
    ...(options.reapPermit && { permit: options.reapPermit }),
  });
  const dispatcher = createUpstreamAgent();
  const callFunction = buildRequestPath({
    catalog,
    dispatcher,
    waker,
    activity,
    metrics,
    logger,
    namespace: config.namespace,
    pathPrefix: config.pathPrefix,
    maxBodyBytes: config.maxBodyBytes,
    ...(backend.recordInvocation && { recordInvocation: backend.recordInvocation.bind(backend) }),
  });
  let ready = false;
  // A new function starts its idle clock now; a removed function's bookkeeping goes with it.
  const stopForgetting = backend.onFunctionsChanged(() => {
    const current = catalog.functions();
    if (ready) for (const name of current.keys()) activity.appeared(name);
    for (const name of [...waker.known()]) {
      if (current.has(name)) continue;
      waker.forget(name);
      activity.forget(name);
      metrics.recent.forget(name);
    }
  });
  const startFailures = new LastStartFailures(backend);
  let asyncWorker: AsyncWorker | undefined;
  const mountDeps: AdminMountDeps = {
    backend,
    startFailures,
    config,
    logger,
    invocationCount: (name) => metrics.invocationCount(name),
    ...(options.asyncQueue && { asyncQueue: options.asyncQueue }),
    asyncReplayed: () => asyncWorker?.nudge(),
  };
  const admin = options.admin?.(mountDeps) ?? notImplementedAdmin;
  const ui = options.ui?.({ ...mountDeps, recent: metrics.recent }) ?? notImplementedUi;
  const prefix = config.pathPrefix;
  /** The request's path with GATEWAY_PATH_PREFIX taken off, for choosing its handler. */
  const pathOf = (req: IncomingMessage): string => {
    const url = req.url ?? '/';
    return prefix !== '' && url.startsWith(prefix) ? url.slice(prefix.length) : url;
  };
  // Until the first discovery is complete the catalog is empty: a call then waits for it instead
  // of getting a 404 (a restarted gateway takes traffic while it lists functions).
  let discovered = false;
  let markDiscovered: () => void = () => undefined;
  const discovery = new Promise<void>((resolve) => (markDiscovered = resolve));
  const workerToken = randomBytes(24).toString('base64url');
  const serveFunction = (req: IncomingMessage, res: ServerResponse, upgradeHead?: Buffer): void => {
    const exchange = new Exchange(req, res, performance.now());
    exchange.upgradeHead = upgradeHead;
    exchange.async = req.headers[ASYNC_WORKER_HEADER] === workerToken;
    if (discovered) callFunction(exchange);
    else void discovery.then(() => callFunction(exchange));
  };

  const serveAsync = (req: IncomingMessage, res: ServerResponse, path: string): void => {
    const queue = options.asyncQueue;
    if (!queue) {
      sendError(res, new GatewayError('not_implemented', 'asynchronous calls are not configured on this gateway'));
      return;
    }
    const accept = (): Promise<void> =>
      acceptAsyncCall(req, res, path, {
        queue,
        functions: () => catalog.functions(),
        namespace: config.namespace,
        maxBodyBytes: config.maxBodyBytes,
        gatewayHosts: () => [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `::1:${port}`, `${config.host}:${port}`],
        accepted: (fn) => {
          asyncMetrics?.accepted(fn);
          asyncWorker?.nudge();
        },
        refused: (fn, reason) => asyncMetrics?.refused(fn, reason),
      });
    (discovered ? accept() : discovery.then(accept)).catch((error: Error) => sendError(res, new GatewayError('upstream_error', `async call not accepted: ${error.message}`)));
  };

  const server = createServer((req, res) => {
    const path = pathOf(req);
    if (path.startsWith(ASYNC_PREFIX)) {
      serveAsync(req, res, path);
    } else if (path.startsWith('/function/') || path.startsWith('/gateway/') || path.startsWith('/invoke/')) {
      serveFunction(req, res);
    } else if (path === '/healthz') {
      plain(res, 200, 'OK');
    } else if (path === '/readyz') {
      plain(res, ready ? 200 : 503, ready ? 'OK' : 'discovering functions');
    } else if (path === '/metrics') {
      metrics.text().then(
        (text) => plain(res, 200, text, metrics.contentType),
        (error: Error) => plain(res, 500, `metrics failed: ${error.message}`),
      );
    } else if (path === '/ui' || path.startsWith('/ui/')) {
      ui(req, res, path).catch((error: Error) => sendError(res, new GatewayError('upstream_error', `the UI failed: ${error.message}`)));
    } else if (path.startsWith('/system/') || path === '/system' || path.startsWith('/admin/')) {
      admin(req, res).catch((error: Error) => sendError(res, new GatewayError('upstream_error', `admin API failed: ${error.message}`)));
    } else {
      serveFunction(req, res);
    }
  });
  // A protocol switch (WebSocket) to a function takes the same request path as any call, with a
  // response of its own on the socket, so every refusal is an ordinary JSON error.
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const path = pathOf(req);
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket);
    res.once('finish', () => socket.end());
    if (path.startsWith('/system/') || path.startsWith('/admin/') || path.startsWith('/ui/') || path === '/healthz' || path === '/readyz' || path === '/metrics') {
      sendError(res, new GatewayError('not_found', `${path} does not switch protocols; only function calls do`));
      return;
    }
    serveFunction(req, res, head);
  });
  // Functions set their own timeouts; the server's would cut long calls and slow uploads first.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  try {
    await backend.start();
  } catch (error) {
    server.close();
    // Calls held for the discovery that failed get their connection closed, not a hang.
    server.closeAllConnections();
    await dispatcher.close();
    throw error;
  }
  catalog.refresh();
  discovered = true;
  markDiscovered();
  ready = true;
  reaper.start();
  if (options.asyncQueue) {
    asyncWorker = new AsyncWorker({
      queue: options.asyncQueue,
      functions: () => catalog.functions(),
      gatewayUrl: `${url}${prefix}`,
      token: workerToken,
      maxResultBytes: config.maxBodyBytes,
      logger,
      ...(asyncMetrics && { events: asyncMetrics }),
      ...(options.asyncTiming && { timing: options.asyncTiming }),
    });
    asyncWorker.start();
  }

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      ready = false;
      // Before the server closes, so calls it runs finish through it; what is unfinished past the
      // grace period stays in the store and comes back on the next start.
      await asyncWorker?.stop(config.shutdownGraceMs);
      server.close();
      server.closeIdleConnections();
      await reaper.stop();
      const drained = await Promise.race([activity.idle().then(() => true), delay(config.shutdownGraceMs).then(() => false)]);
      if (!drained) logger.warn({ inFlight: activity.inFlight }, 'shutdown grace period over; stopping functions with calls still in flight');
      stopForgetting();
      waker.close();
      startFailures.close();
      offPoolWakes?.();
      catalog.close();
      await backend.stop();
      server.closeAllConnections();
      await dispatcher.close().catch(() => undefined);
      await options.asyncQueue?.close();
    })());

  return { url, port, metrics, activity, reaper, close };
}

function plain(res: ServerResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
