import { describe, expect, it } from 'vitest';
import type { LoadResult } from '../../../constructs/spec/function-definition.js';
import { formatError } from '../../../constructs/spec/format-error.js';
import { loadFunction } from '../../../constructs/spec/load-function.js';
import { fixtureLock } from '../../support/script-locks.js';

/** A script from lines, so each test shows exactly which line the error must point at. */
const script = (...lines: string[]) => `${lines.join('\n')}\n`;

function errorsOf(result: LoadResult): string[] {
  if (result.ok) throw new Error(`expected errors, got function ${result.function.name}`);
  return result.errors.map(formatError);
}
function definitionOf(result: LoadResult) {
  if (!result.ok) throw new Error(result.errors.map(formatError).join('\n'));
  return result.function;
}

describe('loadFunction: valid scripts', () => {
  it('resolves the design example with every key', () => {
    const text = script(
      '# /// script',
      '# requires-python = ">=3.11"',
      '# dependencies = ["fastapi", "uvicorn"]',
      '#',
      '# [tool.faas]',
      '# min-replicas = 0        # 0 = scale to zero when idle',
      '# max-replicas = 5',
      '# idle-timeout = "2m"',
      '# timeout = "30s"',
      '# memory = "128Mi"',
      '# cpu = "100m"',
      '# env = { GREETING = "hi" }',
      '# secrets = ["db-password"]',
      '# ///',
      'from fastapi import FastAPI',
    );
    const definition = definitionOf(loadFunction('functions/echo.py', text, fixtureLock('fastapi-uvicorn')));
    expect(definition).toMatchObject({
      name: 'echo',
      file: 'functions/echo.py',
      requiresPython: '>=3.11',
      dependencies: ['fastapi', 'uvicorn'],
      minReplicas: 0,
      maxReplicas: 5,
      idleTimeout: '2m',
      idleTimeoutSeconds: 120,
      timeout: '30s',
      timeoutSeconds: 30,
      memory: '128Mi',
      cpu: '100m',
      env: { GREETING: 'hi' },
      secrets: ['db-password'],
      source: text,
      lock: fixtureLock('fastapi-uvicorn'),
    });
    expect(definition.sourceHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses dependencies without a lock, at the dependencies line, with the fix', () => {
    const text = script('# /// script', '# requires-python = ">=3.11"', '# dependencies = ["flask"]', '# ///');
    expect(errorsOf(loadFunction('functions/web_app.py', text))).toEqual([
      'functions/web_app.py:3: the script has dependencies but no lock (functions/web_app.py.lock); run `faas lock web-app` and commit the lock beside the script (`faas dev` writes a missing one)',
    ]);
    expect(loadFunction('functions/web_app.py', text)).toMatchObject({ ok: false, errors: [{ key: 'dependencies', lock: 'missing' }] });
  });

  it('refuses a lock that no longer matches the dependencies, naming the lock and the fix', () => {
    const text = script('# /// script', '# requires-python = ">=3.11"', '# dependencies = ["flask", "httpx"]', '# ///');
    expect(errorsOf(loadFunction('functions/web.py', text, fixtureLock('flask')))).toEqual([
      "functions/web.py:3: functions/web.py.lock does not match the script's dependencies ('httpx' is not in it); run `faas lock web` to resolve them again, and commit the lock",
    ]);
  });

  it('needs no lock without dependencies, and keeps none', () => {
    const text = script('# /// script', '# requires-python = ">=3.11"', '# dependencies = []', '# ///');
    expect(definitionOf(loadFunction('functions/plain.py', text))).not.toHaveProperty('lock');
    expect(definitionOf(loadFunction('functions/plain.py', text, fixtureLock('flask')))).not.toHaveProperty('lock');
  });

  it('takes a script without a block as a no-dependency function with every default', () => {
    const definition = definitionOf(loadFunction('functions/plain.py', 'def handle(req):\n    return req\n'));
    expect(definition).toMatchObject({ name: 'plain', dependencies: [], minReplicas: 0, maxReplicas: 5, idleTimeoutSeconds: 300, timeoutSeconds: 30, memory: '128Mi', cpu: '100m', env: {}, secrets: [] });
    expect(definition.requiresPython).toBeUndefined();
  });

  it('takes an empty block as all defaults', () => {
    expect(definitionOf(loadFunction('f/empty.py', '# /// script\n# ///\n'))).toMatchObject({ dependencies: [], maxReplicas: 5 });
  });

  it('derives the name from the stem: lower-cased, `_` as `-`', () => {
    expect(definitionOf(loadFunction('functions/My_Flask_App.py', 'x = 1\n')).name).toBe('my-flask-app');
  });

  it('leaves other tools\' tables and unknown top-level fields to them', () => {
    const text = script('# /// script', '# dependencies = []', "# embedded-csharp = '''", '# /// <summary>', "# '''", '#', '# [tool.uv]', '# exclude-newer = "2024-01-01T00:00:00Z"', '# ///');
    expect(definitionOf(loadFunction('f/tools.py', text)).dependencies).toEqual([]);
  });

  it('reads settings written as dotted keys and a sub-table', () => {
    const text = script('# /// script', '# tool.faas.max-replicas = 2', '#', '# [tool.faas.env]', '# A = "1"', '# ///');
    expect(definitionOf(loadFunction('f/dotted.py', text))).toMatchObject({ maxReplicas: 2, env: { A: '1' } });
  });

  it('resolves compound and sub-second durations', () => {
    const text = script('# /// script', '# [tool.faas]', '# idle-timeout = "1h30m"', '# timeout = "1500ms"', '# ///');
    expect(definitionOf(loadFunction('f/durations.py', text))).toMatchObject({ idleTimeoutSeconds: 5400, timeoutSeconds: 1.5 });
  });

  it('hashes CRLF and LF sources differently but reads the same spec', () => {
    const lf = script('# /// script', '# [tool.faas]', '# cpu = "250m"', '# ///');
    const crlf = lf.replaceAll('\n', '\r\n');
    const [a, b] = [definitionOf(loadFunction('f/a.py', lf)), definitionOf(loadFunction('f/a.py', crlf))];
    expect(b.cpu).toBe('250m');
    expect(b.sourceHash).not.toBe(a.sourceHash);
  });
});

describe('loadFunction: each error at its file:line', () => {
  it('an unclosed block points at the opener', () => {
    expect(errorsOf(loadFunction('functions/a.py', script('import os', '# /// script', '# dependencies = []', 'print(1)')))).toEqual([
      expect.stringMatching(/^functions\/a\.py:2: the `# \/\/\/ script` block has no closing `# \/\/\/`/),
    ]);
  });

  it('two script blocks point at the second opener', () => {
    const errors = errorsOf(loadFunction('f/two.py', script('# /// script', '# dependencies = []', '# ///', '', '# /// script', '# dependencies = ["x"]', '# ///')));
    expect(errors).toEqual([expect.stringMatching(/^f\/two\.py:5: a second `# \/\/\/ script` block/)]);
  });

  it('a second block right after the first points at the tag that was meant to close', () => {
    const errors = errorsOf(loadFunction('f/glued.py', script('# /// script', '# dependencies = []', '# ///', '# /// other', '# text', '# ///')));
    expect(errors).toEqual([expect.stringMatching(/^f\/glued\.py:3: the `# \/\/\/` here does not end .* line 6/)]);
  });

  it('bad TOML maps the parser position back to the .py line', () => {
    const text = script('#!/usr/bin/env python3', '# /// script', '# dependencies = []', '#', '# [tool.faas]', '# memory = ', '# ///');
    expect(errorsOf(loadFunction('f/toml.py', text))).toEqual([expect.stringMatching(/^f\/toml\.py:6: invalid TOML in the `# \/\/\/ script` block \(column \d+\): /)]);
  });

  it('a TOML key defined twice points at the second definition', () => {
    const text = script('# /// script', '# [tool.faas]', '# cpu = "1"', '# cpu = "2"', '# ///');
    expect(errorsOf(loadFunction('f/twice.py', text))).toEqual([expect.stringMatching(/^f\/twice\.py:4: invalid TOML.*merge this one into the first$/)]);
  });

  it('an unknown key suggests the closest one', () => {
    const text = script('# /// script', '# [tool.faas]', '# max-replicas = 2', '# min-replica = 1', '# ///');
    expect(errorsOf(loadFunction('f/typo.py', text))).toEqual(["f/typo.py:4: unknown key 'min-replica' in [tool.faas]; did you mean 'min-replicas'?"]);
  });

  it('a camelCase key suggests its kebab-case form', () => {
    const text = script('# /// script', '# [tool.faas]', '# idleTimeout = "2m"', '# ///');
    expect(errorsOf(loadFunction('f/camel.py', text))).toEqual(["f/camel.py:3: unknown key 'idleTimeout' in [tool.faas]; did you mean 'idle-timeout'?"]);
  });

  it('an unknown key far from every known one lists the keys', () => {
    const text = script('# /// script', '# [tool.faas]', '# autoscale = true', '# ///');
    expect(errorsOf(loadFunction('f/gpu.py', text))[0]).toMatch(/^f\/gpu\.py:3: unknown key 'autoscale' in \[tool\.faas\]; the keys are 'min-replicas', 'max-replicas'/);
  });

  it('a misspelt top-level field is caught; an unrelated one is not', () => {
    const text = script('# /// script', '# dependences = ["rich"]', '# ///');
    expect(errorsOf(loadFunction('f/deps.py', text))).toEqual(["f/deps.py:2: unknown key 'dependences' in the `# /// script` block; did you mean 'dependencies'?"]);
  });

  it('a wrong type names the key and the fix', () => {
    const text = script('# /// script', '# [tool.faas]', '# max-replicas = "3"', '# ///');
    expect(errorsOf(loadFunction('f/type.py', text))).toEqual([`f/type.py:3: 'max-replicas' must be a whole number, not the string "3"; remove the quotes: max-replicas = 3`]);
  });

  it('a bad quantity gives the expected form with examples', () => {
    const text = script('# /// script', '# [tool.faas]', '# memory = "lots"', '# ///');
    expect(errorsOf(loadFunction('f/memory.py', text))).toEqual([`f/memory.py:3: 'memory' is "lots", which is not a Kubernetes quantity; write e.g. "128Mi" or "1Gi"`]);
  });

  it('a bad duration gives the expected form with examples', () => {
    const text = script('# /// script', '#', '# [tool.faas]', '# idle-timeout = "2 minutes"', '# ///');
    expect(errorsOf(loadFunction('f/idle.py', text))).toEqual([
      `f/idle.py:4: 'idle-timeout' is "2 minutes", which is not a duration: a number and a unit (ms, s, m, h); did you mean "2m"?`,
    ]);
  });

  it('a duration or quantity that is not even close gets the schema examples', () => {
    const text = script('# /// script', '# [tool.faas]', '# idle-timeout = "2 weeks"', '# memory = "lots"', '# ///');
    expect(errorsOf(loadFunction('f/far.py', text))).toEqual([
      `f/far.py:3: 'idle-timeout' is "2 weeks", which is not a duration: a number and a unit (ms, s, m, h); write e.g. "2m" or "90s"`,
      `f/far.py:4: 'memory' is "lots", which is not a Kubernetes quantity; write e.g. "128Mi" or "1Gi"`,
    ]);
  });

  it.each([
    ['memory', '128MB', '128Mi'],
    ['memory', '1 Gi', '1Gi'],
    ['timeout', '30', '30s'],
    ['timeout', '90 sec', '90s'],
    ['idle-timeout', '1 hour 30 minutes', '1h30m'],
  ])('%s = %j suggests %j', (key, value, suggestion) => {
    const text = script('# /// script', '# [tool.faas]', `# ${key} = ${JSON.stringify(value)}`, '# ///');
    expect(errorsOf(loadFunction('f/near.py', text))[0]).toMatch(new RegExp(`^f/near\\.py:3: '${key}' is .*; did you mean "${suggestion}"\\?$`));
  });

  it('a zero duration and a zero quantity are refused', () => {
    const text = script('# /// script', '# [tool.faas]', '# timeout = "0s"', '# cpu = "0"', '# ///');
    expect(errorsOf(loadFunction('f/zero.py', text))).toEqual([
      expect.stringMatching(/^f\/zero\.py:3: 'timeout' is "0s"; it must be longer than zero/),
      expect.stringMatching(/^f\/zero\.py:4: 'cpu' is "0"; a replica needs a positive amount/),
    ]);
  });

  it('min-replicas above max-replicas points at min-replicas', () => {
    const text = script('# /// script', '# [tool.faas]', '# max-replicas = 1', '# min-replicas = 3', '# ///');
    expect(errorsOf(loadFunction('f/range.py', text))).toEqual(["f/range.py:4: 'min-replicas' (3) must be <= 'max-replicas' (1)"]);
  });

  it('min-replicas above the default max-replicas says the max is the default', () => {
    const text = script('# /// script', '# [tool.faas]', '# min-replicas = 6', '# ///');
    expect(errorsOf(loadFunction('f/range.py', text))).toEqual(["f/range.py:3: 'min-replicas' (6) must be <= 'max-replicas' (5); that is the default, so set max-replicas = 6 or more"]);
  });

  it('out-of-range replicas name the bound', () => {
    const text = script('# /// script', '# [tool.faas]', '# max-replicas = 0', '# ///');
    expect(errorsOf(loadFunction('f/bound.py', text))).toEqual(["f/bound.py:3: 'max-replicas' is 0; it must be at least 1"]);
  });

  it('bad env and secrets entries point at their own line', () => {
    const text = script('# /// script', '# [tool.faas]', '# env = { GREETING = 1 }', '# secrets = [', '#   "db-password",', '#   "DB_Password",', '# ]', '# ///');
    expect(errorsOf(loadFunction('f/env.py', text))).toEqual([
      `f/env.py:3: 'env.GREETING' must be a string (in quotes), not 1; e.g. env = { GREETING = "hi" }`,
      expect.stringMatching(/^f\/env\.py:6: 'secrets\[1\]' is "DB_Password", which is not a DNS-1123 name/),
    ]);
  });

  it('an env name that is not a variable name is refused', () => {
    const text = script('# /// script', '# [tool.faas.env]', '# "my-var" = "x"', '# ///');
    expect(errorsOf(loadFunction('f/envname.py', text))).toEqual([expect.stringMatching(/^f\/envname\.py:3: 'env' has the key "my-var", which is not an environment variable name \(letters, digits and '_', not starting with a digit\); rename it, e\.g\. "my_var"$/)]);
  });

  it('a non-table tool.faas points at its line', () => {
    expect(errorsOf(loadFunction('f/tool.py', script('# /// script', '# tool = { faas = 3 }', '# ///')))).toEqual([expect.stringMatching(/^f\/tool\.py:2: 'tool\.faas' must be a table/)]);
  });

  it('bad dependencies and requires-python are caught before uv sees them', () => {
    const text = script('# /// script', '# requires-python = "3.11"', '# dependencies = [', '#   "rich",', '#   "git+https://example.org/x.git",', '# ]', '# ///');
    expect(errorsOf(loadFunction('f/pep508.py', text))).toEqual([
      `f/pep508.py:2: 'requires-python' is "3.11", which is not a PEP 440 version specifier; did you mean '>=3.11'?`,
      expect.stringMatching(/^f\/pep508\.py:5: dependency "git\+https:\/\/example\.org\/x\.git" is not a PEP 508 requirement; for a URL write 'name @ /),
    ]);
  });

  it('a file name that is not a DNS-1123 label fails at line 1, and the block is still checked', () => {
    const text = script('# /// script', '# [tool.faas]', '# cpu = "lots"', '# ///');
    expect(errorsOf(loadFunction('functions/hello world.py', text))).toEqual([
      expect.stringMatching(/^functions\/hello world\.py:1: the function name 'hello world' is not a DNS-1123 label/),
      expect.stringMatching(/^functions\/hello world\.py:3: 'cpu' is "lots"/),
    ]);
  });

  it('a name starting with a digit, a reserved name and a too long name are refused', () => {
    expect(errorsOf(loadFunction('f/2fa.py', '')).join()).toMatch(/must start with a letter/);
    expect(errorsOf(loadFunction('f/faas-gateway.py', '')).join()).toMatch(/reserved for the platform/);
    expect(errorsOf(loadFunction(`f/${'a'.repeat(59)}.py`, '')).join()).toMatch(/is 59 characters; .* use at most 58/);
    expect(definitionOf(loadFunction(`f/${'a'.repeat(58)}.py`, '')).name).toHaveLength(58);
  });

  it('reports every problem of a script at once, in line order', () => {
    const text = script('# /// script', '# [tool.faas]', '# memroy = "1Gi"', '# timeout = 30', '# cpu = "fast"', '# ///');
    expect(errorsOf(loadFunction('f/many.py', text)).map((line) => line.split(':').slice(0, 2).join(':'))).toEqual(['f/many.py:3', 'f/many.py:4', 'f/many.py:5']);
  });
});
