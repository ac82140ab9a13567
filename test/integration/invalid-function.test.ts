import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalBackend } from '../../gateway/backends/local/local-backend.js';
import type { RunningGateway } from '../../gateway/server.js';
import { call, startTestGateway } from '../support/test-gateway.js';

// Given a folder with one script whose metadata is invalid, and a gateway over it.
let dir: string;
let backend: LocalBackend;
let gateway: RunningGateway;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'faas-invalid-'));
  await writeFile(join(dir, 'broken_meta.py'), '# /// script\n# [tool.faas]\n# max-replicas = 0\n# ///\ndef handle(req):\n    return "never"\n');
  backend = new LocalBackend({ functionsDir: dir, logger: pino({ level: 'silent' }), watch: false });
  gateway = await startTestGateway(backend);
});
afterAll(async () => {
  await gateway?.close();
  await backend?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('a call to a function whose script is invalid', () => {
  it('answers 422 invalid_function with the file:line problems, not 404', async () => {
    const answer = await call(`${gateway.url}/function/broken-meta`);
    expect(answer.status).toBe(422);
    expect(answer.json).toMatchObject({ error: 'invalid_function', function: 'broken-meta' });
    expect(answer.json.problems).toEqual([`${join(dir, 'broken_meta.py')}:3: 'max-replicas' is 0; it must be at least 1`]);
    expect(answer.json.message).toContain('exists but its script is invalid');
  });

  it('still answers 404 for a name no script has', async () => {
    expect((await call(`${gateway.url}/function/nothing-here`)).status).toBe(404);
  });
});
