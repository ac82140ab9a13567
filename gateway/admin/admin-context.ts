/** What every admin handler is given. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AsyncQueue } from '../async/queue.js';
import type { Backend } from '../backends/backend.js';
import type { LastStartFailures } from '../core/start-failures.js';
import type { AdminCredentials } from './credentials.js';
import type { VersionInfo } from './gateway-info.js';

/** pino-compatible: `logger.info({fields}, 'message')`. */
export interface AdminLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface AdminApiDeps {
  readonly backend: Backend;
  /** undefined: no password configured; every admin call answers 503 saying how to set one. */
  readonly credentials: AdminCredentials | undefined;
  /** Why `credentials` is undefined (`resolveAdminCredentials().problem`), for the 503's message. */
  readonly credentialsProblem?: string;
  /** The one namespace this gateway serves; `openfaas-fn` is accepted as its alias. */
  readonly namespace: string;
  /** Invocations served since the gateway started (the core counts them). */
  invocationCount(name: string): number;
  readonly logger: AdminLogger;
  readonly version?: VersionInfo;
  /** GATEWAY_PATH_PREFIX (`/faas`): stripped before routing, kept in the URLs the API hands out. @default none */
  readonly pathPrefix?: string;
  /** Logged-in browsers of the web UI, accepted like Basic auth (gateway/ui/sessions.ts). @default none */
  readonly sessions?: { authorizes(req: IncomingMessage): boolean };
  /** Largest accepted request body, bytes. @default 1 MiB */
  readonly bodyLimit?: number;
  /** What tells a failing start from a slow one in the list. @default one the API makes over `backend` */
  readonly startFailures?: LastStartFailures;
  /** The queue of `/async-function/`, for its depths and dead letters; without it those routes answer 501. @default none */
  readonly asyncQueue?: AsyncQueue;
  /** Told when a dead letter is queued again, so the worker takes it without waiting for its next look. */
  asyncReplayed?(): void;
}

export interface AdminRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  /** The `:name` of the route's path, already percent-decoded. */
  readonly name?: string;
  readonly deps: AdminApiDeps;
}

export type AdminHandler = (request: AdminRequest) => Promise<void>;
