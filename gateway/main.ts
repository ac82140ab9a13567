/**
 * The gateway process (the image's entry point): settings from the environment, the backend they
 * name, the server. A bad setting exits 2 with the message that says what to change.
 * Besides the gateway's settings: FUNCTIONS_DIR (local backend, default functions) and
 * FAAS_BOOTSTRAP (the Python bootstrap's path when running from a bundle).
 */
import { pino } from 'pino';
import { ConfigError, readConfig } from './config.js';
import { runGateway } from './run-gateway.js';

const env = process.env;
let config;
try {
  config = readConfig(env, { host: env.HOST ?? '0.0.0.0' });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`gateway: ${error.message}`);
  process.exit(2);
}
const logger = pino({ level: config.logLevel });
try {
  const { gateway } = await runGateway({ config, env, logger, generatePassword: false, functionsDir: env.FUNCTIONS_DIR ?? 'functions', bootstrapPath: env.FAAS_BOOTSTRAP });
  logger.info({ url: gateway.url, backend: config.backend, namespace: config.namespace }, 'gateway listening');
} catch (error) {
  logger.fatal({ err: error }, `gateway could not start: ${(error as Error).message}`);
  process.exit(1);
}
