/**
 * `faas list` tells apart what a user must act on: a function whose script does not load
 * (invalid, with its file:line problems), one whose start failed (failing), one still starting,
 * one ready and one asleep. The real gateway over real uv processes, and the real CLI.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminMount } from '../../gateway/admin/index.js';
import type { RunningGateway } from '../../gateway/server.js';
import { TEST_CREDENTIALS } from '../support/admin-server.js';
import { nextStartFailure, readyEndpoint, startLocalBackend, type Harness } from '../support/local-backend-harness.js';
import { call, startTestGateway } from '../support/test-gateway.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function faas(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['bin/faas.js', ...args], {
    cwd: ROOT,
    env: { ...process.env, FAAS_ADMIN_PASSWORD: TEST_CREDENTIALS.password, FAAS_ADMIN_USER: TEST_CREDENTIALS.user },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

let harness: Harness;
let gateway: RunningGateway;

beforeAll(async () => {
  // A start timeout far past the test, so the one that hangs in its import stays "starting".
  harness = await startLocalBackend('functions-states', { startTimeoutMs: 3_600_000 });
  gateway = await startTestGateway(harness.backend, {}, { admin: adminMount({ credentials: TEST_CREDENTIALS }) });
  await readyEndpoint(harness.backend, 'awake');
  const crashed = nextStartFailure(harness.backend, 'crashing');
  await harness.backend.scale('crashing', 1);
  await crashed;
  await harness.backend.scale('slow-start', 1);
});
afterAll(async () => {
  await gateway?.close();
  await harness?.close();
});

describe('function states in faas list', () => {
  it('lists invalid, failing, starting, ready and asleep functions, each as what it is', async () => {
    const json = await faas(['list', '--gateway', gateway.url, '-o', 'json']);
    expect(json.code).toBe(0);
    const byName = Object.fromEntries((JSON.parse(json.stdout) as { name: string; status: string; statusMessage: string }[]).map((f) => [f.name, f]));
    expect(byName.awake).toMatchObject({ status: 'ready' });
    expect(byName.asleep).toMatchObject({ status: 'asleep' });
    expect(byName['slow-start']).toMatchObject({ status: 'starting' });
    expect(byName.crashing).toMatchObject({ status: 'failing', statusMessage: expect.stringContaining('exited with code 1 during start') });
    expect(byName.invalid).toMatchObject({ status: 'invalid', problems: [expect.stringMatching(/invalid\.py:4: .*min-replicas/)] });

    const table = await faas(['list', '--gateway', gateway.url]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/NAME\s+REPLICAS\s+INVOCATIONS\s+STATUS/);
    expect(table.stdout).toMatch(/crashing\s+0\/1\s+0\s+failing/);
    expect(table.stdout).toMatch(/slow-start\s+0\/1\s+0\s+starting/);
    expect(table.stdout).toMatch(/invalid\s+0\/0\s+0\s+invalid/);
    expect(table.stderr).toMatch(/invalid\.py:4: .*min-replicas/);
  });

  it('describes an invalid function with its problems instead of "not found"', async () => {
    const described = await call(`${gateway.url}/system/function/invalid`, {
      headers: { authorization: `Basic ${Buffer.from(`${TEST_CREDENTIALS.user}:${TEST_CREDENTIALS.password}`).toString('base64')}` },
    });
    expect(described.status).toBe(200);
    expect(described.json).toMatchObject({ name: 'invalid', status: 'invalid', annotations: { 'faas.poorman.dev/status': expect.stringMatching(/^invalid: the script does not load: .*invalid\.py:4:/) } });
  });
});
