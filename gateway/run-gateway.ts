/**
 * One running gateway as a process runs it: backend, admin API and server wired together, and
 * SIGINT/SIGTERM draining in-flight calls before every function is stopped. `gateway/main.ts` (the
 * image) and `faas dev` both start it.
 */
import type { Logger } from 'pino';
import { dirname, join, resolve } from 'node:path';
import { openSqliteQueue } from './async/sqlite-queue.js';
import { adminMount } from './admin/admin-mount.js';
import { resolveAdminCredentials, type AdminCredentials } from './admin/index.js';
import type { Backend } from './backends/backend.js';
import type { GatewayConfig } from './config.js';
import { createBackend, type BackendOptions } from './create-backend.js';
import { startGateway, type RunningGateway } from './server.js';
import { Sessions } from './ui/sessions.js';
import { uiMount } from './ui/ui-mount.js';

export interface RunOptions extends BackendOptions {
  readonly config: GatewayConfig;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger: Logger;
  /** `faas dev` makes up an admin password when none is set; the image does not. */
  readonly generatePassword: boolean;
}

export interface RunningProcessGateway {
  readonly gateway: RunningGateway;
  readonly backend: Backend;
  /** The admin password made up for this run, to print once. */
  readonly generatedPassword?: string;
  /** The admin API's credentials, when it has any. */
  readonly credentials?: AdminCredentials;
}

async function openAsyncStore(file: string, config: GatewayConfig): ReturnType<typeof openSqliteQueue> {
  try {
    return await openSqliteQueue({ file, maxQueued: config.asyncMaxQueued });
  } catch (e) {
    throw new Error(`the async call store ${file} cannot be opened (${(e as Error).message}): set ASYNC_STORE to a file in a writable folder`);
  }
}

export async function runGateway(options: RunOptions): Promise<RunningProcessGateway> {
  const { config, env, logger } = options;
  const { credentials, generated, problem } = resolveAdminCredentials(env, { generate: options.generatePassword });
  if (!credentials) logger.warn('admin API disabled: set FAAS_ADMIN_PASSWORD or FAAS_ADMIN_PASSWORD_FILE to enable it');
  const { backend, reapPermit } = await createBackend(config, options, logger);
  // The queue in Kubernetes (NATS JetStream) is not built yet; there async calls answer 501.
  const asyncQueue = config.backend === 'local' ? await openAsyncStore(config.asyncStore || join(dirname(resolve(options.functionsDir)), '.faas', 'async.sqlite'), config) : undefined;
  const sessions = new Sessions();
  const gateway = await startGateway({
    config,
    backend,
    logger,
    reapPermit,
    ...(asyncQueue && { asyncQueue }),
    admin: adminMount({ credentials, sessions, ...(problem !== undefined && { credentialsProblem: problem }) }),
    ui: uiMount({ credentials, sessions }),
  });
  closeOnSignals(gateway, logger);
  return { gateway, backend, ...(generated !== undefined && { generatedPassword: generated }), ...(credentials && { credentials }) };
}

/** First signal: drain, stop every function, exit. A second one: exit at once. */
function closeOnSignals(gateway: RunningGateway, logger: Logger): void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) {
      logger.warn({ signal }, 'second signal: exiting without waiting for in-flight calls');
      process.exit(130);
    }
    signalled = true;
    logger.info({ signal }, 'shutting down: draining in-flight calls');
    gateway.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: Error) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
