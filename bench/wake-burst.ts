/**
 * A burst against a sleeping function over real uv processes: how many processes started, how long
 * the first and the last answer took, and what the gateway recorded as the cold start.
 *
 *   npx tsx bench/wake-burst.ts [--calls 1000] [--rounds 3]
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { Pool } from 'undici';
import { LocalBackend } from '../gateway/backends/local/local-backend.js';
import { readConfig } from '../gateway/config.js';
import { startGateway } from '../gateway/server.js';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '1000' }, rounds: { type: 'string', default: '3' } } });
const calls = Number(values.calls);
const rounds = Number(values.rounds);
const functionsDir = fileURLToPath(new URL('../test/fixtures/gateway-local', import.meta.url));

let readyEvents = 0;
const logger = pino({ level: 'info' }, { write: (line: string) => void (JSON.parse(line).msg === 'ready' && readyEvents++) });
const backend = new LocalBackend({ functionsDir, logger, watch: false });
const gateway = await startGateway({ config: readConfig({}, { port: 0, host: '127.0.0.1', reaperPollMs: 0 }), backend, logger });
const pool = new Pool(gateway.url, { connections: calls });

try {
  for (let round = 1; round <= rounds; round++) {
    await backend.scale('hello', 0);
    const readyBefore = readyEvents;
    const started = performance.now();
    const times: number[] = [];
    let ok = 0;
    await Promise.all(
      Array.from({ length: calls }, async () => {
        const response = await pool.request({ path: '/function/hello', method: 'GET' });
        await response.body.text();
        if (response.statusCode === 200) ok++;
        times.push(performance.now() - started);
      }),
    );
    times.sort((a, b) => a - b);
    console.log(
      `round ${round}: ${calls} concurrent calls to a sleeping function → ${ok} × 200, processes started ${readyEvents - readyBefore}, ` +
        `first answer ${times[0]!.toFixed(0)} ms, last ${times.at(-1)!.toFixed(0)} ms`,
    );
  }
  const metrics = await gateway.metrics.text();
  const sum = /gateway_cold_start_seconds_sum\{function_name="hello"\} ([0-9.e-]+)/.exec(metrics)?.[1];
  const count = /gateway_cold_start_seconds_count\{function_name="hello"\} ([0-9]+)/.exec(metrics)?.[1];
  if (sum && count) console.log(`gateway_cold_start_seconds: mean ${(Number(sum) / Number(count)).toFixed(3)} s over ${count} starts`);
} finally {
  await pool.close();
  await gateway.close();
}
