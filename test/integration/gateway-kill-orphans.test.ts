/**
 * No function process outlives its gateway: the real gateway (gateway/main.ts, local backend, real
 * uv and Python) is killed with SIGKILL while a function hangs in its import.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureDir, livingGroupMembers } from '../support/local-backend-harness.js';

const MAIN = fileURLToPath(new URL('../../gateway/main.ts', import.meta.url));

/** The function's group, killed here should the test fail and leave it behind. */
let pgid = 0;
afterAll(() => {
  if (pgid > 0 && livingGroupMembers(pgid).length > 0) process.kill(-pgid, 'SIGKILL');
});

describe('kill -9 of the gateway', () => {
  it('takes down a function that hangs in import, ignores SIGTERM and started a child of its own', async () => {
    // Given a real gateway serving a function that never finishes importing
    const gateway = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', GATEWAY_BACKEND: 'local', FUNCTIONS_DIR: fixtureDir('functions-orphans'), FAAS_ADMIN_PASSWORD: 'test', LOG_LEVEL: 'info' },
    });
    const logs = createInterface({ input: gateway.stdout! });
    const url = new Promise<string>((resolve) =>
      logs.on('line', (line) => {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === 'gateway listening' && entry.url) resolve(entry.url);
      }),
    );
    const hanging = new Promise<number>((resolve) =>
      logs.on('line', (line) => {
        const match = /hanging in import: pgid (\d+)/.exec((JSON.parse(line) as { msg?: string }).msg ?? '');
        if (match) resolve(Number(match[1]));
      }),
    );
    // When a call wakes it and the gateway is killed outright while the import hangs
    const pending = fetch(`${await url}/function/hangs-in-import`).catch(() => undefined);
    pgid = await hanging;
    expect(livingGroupMembers(pgid).length).toBe(2);
    gateway.kill('SIGKILL');
    await once(gateway, 'exit');
    await pending;

    // Then the function and its child go away on their own (or the test never ends)
    while (livingGroupMembers(pgid).length > 0) await sleep(50);
  });
});
