/** Plugs the admin API into the gateway server's `admin` option. */
import type { AdminMountDeps } from '../server.js';
import { createAdminApi, type AdminApiHandler } from './admin-api.js';
import type { AdminApiDeps } from './admin-context.js';
import type { AdminCredentials } from './credentials.js';
import type { VersionInfo } from './gateway-info.js';

export interface AdminMountOptions {
  /** From `resolveAdminCredentials`; undefined makes every admin call a 503 that says how to set one. */
  readonly credentials: AdminCredentials | undefined;
  /** Why there are none, from `resolveAdminCredentials`. */
  readonly credentialsProblem?: string;
  readonly version?: VersionInfo;
  /** The web UI's logged-in browsers, accepted like Basic auth. */
  readonly sessions?: AdminApiDeps['sessions'];
}

export function adminMount(options: AdminMountOptions): (deps: AdminMountDeps) => AdminApiHandler {
  return (deps) =>
    createAdminApi({
      backend: deps.backend,
      credentials: options.credentials,
      namespace: deps.config.namespace,
      invocationCount: deps.invocationCount,
      startFailures: deps.startFailures,
      logger: deps.logger,
      pathPrefix: deps.config.pathPrefix,
      ...(deps.asyncQueue && { asyncQueue: deps.asyncQueue, asyncReplayed: deps.asyncReplayed }),
      ...(options.credentialsProblem !== undefined && { credentialsProblem: options.credentialsProblem }),
      ...(options.version !== undefined && { version: options.version }),
      ...(options.sessions !== undefined && { sessions: options.sessions }),
    });
}
