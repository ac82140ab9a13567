import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextStartFailure, startLocalBackend, type Harness } from '../support/local-backend-harness.js';

// Given scripts that cannot start, each for its own reason (fixtures/functions-broken).
let harness: Harness;
beforeAll(async () => {
  harness = await startLocalBackend('functions-broken');
});
afterAll(() => harness?.close());

describe('a start that fails', () => {
  it('reports a crash at import with the traceback in the log tail', async () => {
    const failed = nextStartFailure(harness.backend, 'crash-at-import');
    await harness.backend.scale('crash-at-import', 1);
    const failure = await failed;
    expect(failure.reason).toBe('exited with code 1 during start');
    expect(failure.logTail).toContain('Traceback (most recent call last)');
    expect(failure.logTail).toContain('ValueError: configuration missing: crash at import');
    expect(harness.backend.replicas('crash-at-import')).toEqual({ desired: 1, ready: 0 });
    expect(harness.backend.processGroups('crash-at-import')).toEqual([]);
  });

  it('starts a fresh attempt on the next scale, and fails it again', async () => {
    const firstFailure = nextStartFailure(harness.backend, 'crash-at-import');
    await harness.backend.scale('crash-at-import', 1);
    const first = await firstFailure;
    const secondFailure = nextStartFailure(harness.backend, 'crash-at-import');
    await harness.backend.scale('crash-at-import', 1);
    const second = await secondFailure;
    expect(second).not.toBe(first);
    expect(second.logTail).toContain('crash at import');
  });

  it('starts one attempt for two scale calls made while it is in flight', async () => {
    const failures: string[] = [];
    const off = harness.backend.onStartFailed((failure) => failures.push(failure.function));
    const failed = nextStartFailure(harness.backend, 'crash-at-import');
    await Promise.all([harness.backend.scale('crash-at-import', 1), harness.backend.scale('crash-at-import', 1)]);
    await failed;
    // A second attempt would have failed too, before or right after the first: wait for one more start to be sure.
    const probe = nextStartFailure(harness.backend, 'crash-at-import');
    await harness.backend.scale('crash-at-import', 1);
    await probe;
    off();
    expect(failures).toEqual(['crash-at-import', 'crash-at-import']);
  });

  it('names a dependency that cannot be locked', async () => {
    // It cannot be locked, so it never loads: its problem is uv's reason, and no lock is left behind.
    const [problem] = harness.backend.invalidFunctions().get('missing-dependency') ?? [];
    expect(problem?.message).toContain('poorman-faas-no-such-package-x7');
    expect(problem?.message).toContain('uv could not lock the dependencies of');
    expect(problem?.file).toMatch(/missing_dependency\.py$/);
    expect(existsSync(`${problem?.file}.lock`)).toBe(false);
  });

  it('tells an ASGI app without uvicorn to add it to its dependencies', async () => {
    const failed = nextStartFailure(harness.backend, 'asgi-without-uvicorn');
    await harness.backend.scale('asgi-without-uvicorn', 1);
    const failure = await failed;
    expect(failure.reason).toBe('exited with code 2 during start');
    expect(failure.logTail).toContain('add "uvicorn" to the script\'s dependencies');
  });

  it('fails at once, as a pod would never be ready, when a self-serving script listens on a port that is not $PORT', async () => {
    const failed = nextStartFailure(harness.backend, 'own-port');
    await harness.backend.scale('own-port', 1);
    const failure = await failed;
    expect(failure.reason).toBe('exited with code 2 during start');
    expect(failure.logTail).toMatch(/own_port\.py listens on port \d+, not on \$PORT \(\d+\); in a pod \$PORT is 8080 and the pod would never become ready: listen on int\(os\.environ\['PORT'\]\)/);
    expect(harness.backend.processGroups('own-port')).toEqual([]);
  });

  it('refuses to scale a function that does not exist, naming the folder', async () => {
    await expect(harness.backend.scale('nope', 1)).rejects.toThrow(/no function named 'nope' in .*functions-broken/);
  });

  it('refuses a negative replica count', async () => {
    await expect(harness.backend.scale('crash-at-import', -1)).rejects.toThrow("replicas for 'crash-at-import' must be a whole number >= 0, got -1");
  });
});
