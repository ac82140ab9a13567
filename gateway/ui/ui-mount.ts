/** Plugs the web UI into the gateway server's `ui` option. */
import type { AdminCredentials } from '../admin/credentials.js';
import type { UiMountDeps, UiMountHandler } from '../server.js';
import type { Sessions } from './sessions.js';
import type { UiAssets } from './ui-assets.js';
import { createUiHandler } from './ui-handler.js';

export interface UiMountOptions {
  readonly credentials: AdminCredentials | undefined;
  /** Shared with the admin API, which accepts a logged-in browser too. */
  readonly sessions: Sessions;
  readonly assets?: UiAssets;
}

export function uiMount(options: UiMountOptions): (deps: UiMountDeps) => UiMountHandler {
  return (deps) =>
    createUiHandler({
      backend: deps.backend,
      credentials: options.credentials,
      sessions: options.sessions,
      pathPrefix: deps.config.pathPrefix,
      recent: deps.recent,
      invocationCount: deps.invocationCount,
      startFailures: deps.startFailures,
      ...(options.assets && { assets: options.assets }),
    });
}
