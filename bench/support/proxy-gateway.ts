/** The gateway under benchmark: one function at min-replicas 1 whose endpoint is argv[2]. Prints its URL. */
import { pino } from 'pino';
import { readConfig } from '../../gateway/config.js';
import { startGateway } from '../../gateway/server.js';
import { definition } from '../../test/support/http-server-backend.js';
import { StaticBackend } from './static-backend.js';

const upstream = process.argv[2];
if (!upstream) throw new Error('usage: proxy-gateway.ts <upstream URL>');
const backend = new StaticBackend([definition('bench', { minReplicas: 1 })], [upstream]);
const gateway = await startGateway({
  config: readConfig({}, { port: 0, host: '127.0.0.1', reaperPollMs: 0 }),
  backend,
  logger: pino({ level: 'info' }),
});
console.log(gateway.url);
process.on('SIGTERM', () => void gateway.close().then(() => process.exit(0)));
