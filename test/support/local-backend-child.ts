/**
 * A gateway stand-in for the orphan test: starts a LocalBackend over argv[2], wakes the
 * function argv[3], prints `pgid <n>` and stays up until it is killed.
 */
import { pino } from 'pino';
import { LocalBackend } from '../../gateway/backends/local/index.js';

const [dir, name] = process.argv.slice(2);
if (!dir || !name) throw new Error('usage: local-backend-child.ts <functions dir> <function name>');
const backend = new LocalBackend({ functionsDir: dir, logger: pino({ level: 'silent' }), watch: false });
await backend.start();
const ready = new Promise<void>((resolve) => backend.onEndpointsChanged(() => backend.readyEndpoints(name).length > 0 && resolve()));
backend.onStartFailed((failure) => {
  console.error(failure.reason, failure.logTail);
  process.exit(1);
});
await backend.scale(name, 1);
await ready;
console.log(`pgid ${backend.processGroups(name)[0]}`);
setInterval(() => undefined, 60_000);
