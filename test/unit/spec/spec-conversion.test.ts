import { describe, expect, it } from 'vitest';
import { formatError } from '../../../constructs/spec/format-error.js';
import { loadFunction } from '../../../constructs/spec/load-function.js';
import { definitionFromSpec, specFromDefinition } from '../../../constructs/spec/spec-conversion.js';
import { SpecError } from '../../../constructs/spec/spec-error.js';
import { validateSettings } from '../../../constructs/spec/validate-settings.js';
import { fixtureLock } from '../../support/script-locks.js';

const source = [
  '# /// script',
  '# requires-python = ">=3.11"',
  '# dependencies = ["flask"]',
  '# [tool.faas]',
  '# max-replicas = 3',
  '# idle-timeout = "2m"',
  '# env = { A = "1" }',
  '# ///',
  'from flask import Flask',
  'app = Flask(__name__)',
  '',
].join('\n');

describe('spec conversion', () => {
  it('round-trips a loaded script through a Function spec to the same definition', () => {
    const loaded = loadFunction('functions/web.py', source, fixtureLock('flask'));
    if (!loaded.ok) throw new Error('fixture must load');
    const spec = specFromDefinition(loaded.function);
    expect(spec).toEqual({
      requiresPython: '>=3.11',
      dependencies: ['flask'],
      minReplicas: 0,
      maxReplicas: 3,
      idleTimeout: '2m',
      timeout: '30s',
      memory: '128Mi',
      cpu: '100m',
      env: { A: '1' },
      secrets: [],
      asyncTimeout: '5m',
      asyncAttempts: 5,
      asyncMaxDelay: '1m',
      asyncMaxInflight: 10,
      asyncCallbackTimeout: '10s',
      asyncCallbackAttempts: 3,
      source,
      lock: fixtureLock('flask'),
    });
    const back = definitionFromSpec('web', JSON.parse(JSON.stringify(spec)), 'functions/web.py');
    expect(back).toEqual({ ok: true, function: loaded.function });
  });

  it('fills defaults for a spec that only carries the source', () => {
    const result = definitionFromSpec('tiny', { source: 'def handle(req):\n    return req\n' });
    expect(result).toMatchObject({ ok: true, function: { name: 'tiny', file: 'Function/tiny', dependencies: [], maxReplicas: 5, idleTimeoutSeconds: 300, timeoutSeconds: 30 } });
  });

  it('names each bad field, the way the admin API reports it', () => {
    const result = definitionFromSpec('web', { source: 'x', minReplicas: 4, maxReplicas: 2, memory: 'lots', replicas: 3 });
    if (result.ok) throw new Error('expected errors');
    expect(result.errors.map((error) => [error.key, formatError(error)])).toEqual([
      ['replicas', expect.stringMatching(/^Function\/web: unknown key 'replicas' in the function spec; the keys are 'requiresPython', .*'source', 'lock'$/)],
      ['memory', `Function/web: 'memory' is "lots", which is not a Kubernetes quantity; write e.g. "128Mi" or "1Gi"`],
    ]);
  });

  it('checks replica bounds across fields once the types are right', () => {
    const result = definitionFromSpec('web', { source: 'x', minReplicas: 4, maxReplicas: 2 });
    expect(result).toEqual({ ok: false, errors: [{ file: 'Function/web', line: 0, key: 'minReplicas', message: "'minReplicas' (4) must be <= 'maxReplicas' (2)" }] });
  });

  it('suggests the schema name for a script-style key', () => {
    const result = definitionFromSpec('web', { source: 'x', 'idle-timeout': '2m' });
    expect(result).toMatchObject({ ok: false, errors: [{ key: 'idle-timeout', message: "unknown key 'idle-timeout' in the function spec; did you mean 'idleTimeout'?" }] });
  });

  it('checks requires-python and dependencies as a script would, under the spec names', () => {
    const result = definitionFromSpec('web', { source: 'x', requiresPython: '3.11', dependencies: ['rich', 'git+https://example.org/x.git'] });
    if (result.ok) throw new Error('expected errors');
    expect(result.errors.map((error) => [error.key, error.message])).toEqual([
      ['requiresPython', "'requiresPython' is \"3.11\", which is not a PEP 440 version specifier; did you mean '>=3.11'?"],
      ['dependencies', expect.stringMatching(/^dependency "git\+https:\/\/example\.org\/x\.git" is not a PEP 508 requirement/)],
    ]);
  });

  it('refuses a missing source, a bad name and a spec that is not an object', () => {
    expect(definitionFromSpec('web', {})).toMatchObject({ ok: false, errors: [{ key: 'source' }] });
    expect(definitionFromSpec('Web', { source: 'x' })).toMatchObject({ ok: false, errors: [{ key: 'name' }] });
    expect(definitionFromSpec('web', 'print(1)')).toMatchObject({ ok: false, errors: [{ message: expect.stringContaining("at least 'source'") }] });
  });

  it('carries every error in a SpecError for callers that must stop', () => {
    const result = definitionFromSpec('web', { source: 'x', timeout: 'soon' });
    if (result.ok) throw new Error('expected errors');
    const error = new SpecError(result.errors);
    expect(error.errors).toHaveLength(1);
    expect(error.message).toMatch(/^Function\/web: 'timeout' is "soon", which is not a duration/);
  });
});

describe('async settings', () => {
  it('resolves the async durations and defaults', () => {
    const result = definitionFromSpec('job', { source: 'x', asyncTimeout: '1h', asyncMaxDelay: '500ms', asyncAttempts: 2 });
    expect(result).toMatchObject({
      ok: true,
      function: { asyncTimeoutSeconds: 3600, asyncMaxDelaySeconds: 0.5, asyncAttempts: 2, asyncMaxInflight: 10, asyncCallbackTimeoutSeconds: 10, asyncCallbackAttempts: 3 },
    });
  });

  it('refuses an async-timeout shorter than the sync timeout, and says when that is the default', () => {
    const written = definitionFromSpec('job', { source: 'x', timeout: '1m', asyncTimeout: '30s' });
    expect(written).toEqual({
      ok: false,
      errors: [{ file: 'Function/job', line: 0, key: 'asyncTimeout', message: "'asyncTimeout' (30s) must be >= 'timeout' (1m): an asynchronous call may take at least as long as a synchronous one" }],
    });
    const defaulted = validateSettings({ timeout: '10m' });
    expect(defaulted.ok ? '' : defaulted.issues[0]!.message).toBe(
      `'async-timeout' (5m) must be >= 'timeout' (10m): an asynchronous call may take at least as long as a synchronous one; that is the default, so set async-timeout = "10m" or more`,
    );
  });
});
