/**
 * The local queue across a gateway killed with SIGKILL: the gateway runs as its own process over
 * real uv functions, a burst is accepted, the process is killed while it works through it, and a new
 * process on the same store delivers every accepted call (at least once; a call that was running
 * when the process died may run twice, nothing more).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallbackReceiver } from '../support/callback-receiver.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { call } from '../support/test-gateway.js';

const FUNCTIONS = fileURLToPath(new URL('../fixtures/async-restart', import.meta.url));
const receiver = new CallbackReceiver();
let store: string;
let gateway: GatewayProcess | undefined;

beforeAll(async () => {
  await receiver.start();
  store = mkdtempSync(join(tmpdir(), 'faas-async-restart-'));
});

afterAll(async () => {
  await gateway?.kill();
  receiver.close();
  if (store) rmSync(store, { recursive: true, force: true });
});

describe('async calls across a gateway killed with SIGKILL', () => {
  it('delivers every accepted call after a restart, the one running at the kill at most twice', async () => {
    const env = { FUNCTIONS_DIR: FUNCTIONS, ASYNC_STORE: join(store, 'async.sqlite') };
    gateway = await startGatewayProcess(env);

    // Given six accepted calls to a function that takes them one at a time, half a second each
    const ids = Array.from({ length: 6 }, (_, i) => `restart-${i}`);
    for (const id of ids) {
      const answer = await call(`${gateway.url}/async-function/pause`, { method: 'POST', body: id, headers: { 'x-call-id': id, 'x-callback-url': receiver.url } });
      expect(answer.status).toBe(202);
    }

    // When the gateway is killed once the first result is in, the rest still queued or running
    await receiver.first(ids[0]!);
    await gateway.kill();
    const beforeKill = receiver.received.length;
    expect(beforeKill).toBeLessThan(ids.length);

    // And a new gateway opens the same store
    gateway = await startGatewayProcess(env);

    // Then every call is delivered with its own body, and none more than twice
    await receiver.until(() => ids.every((id) => receiver.of(id).length > 0));
    for (const id of ids) {
      const results = receiver.of(id);
      expect(results[0]!.body).toBe(id);
      expect(results[0]!.headers['x-function-status']).toBe('200');
      expect(results.length).toBeLessThanOrEqual(2);
    }
    const duplicates = ids.filter((id) => receiver.of(id).length > 1);
    expect(duplicates.length).toBeLessThanOrEqual(1);
  });
});
