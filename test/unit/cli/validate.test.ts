import { describe, expect, it } from 'vitest';
import { runFaas } from './run-faas.js';

const fixtures = 'test/fixtures/spec';
// Each call starts Node and compiles the CLI; on two shared cores that can take seconds (the unit tier's backstop is long).

describe('faas validate (subprocess)', () => {
  it('exits 0 and lists the functions when every script is valid', async () => {
    const run = await runFaas(['validate', `${fixtures}/valid`]);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toMatch(/^NAME\s+FILE\s+DEPS/);
    expect(run.stdout).toContain(`api           ${fixtures}/valid/api.py`);
  });

  it('exits 1 with one file:line: message per error, across folders', async () => {
    const run = await runFaas(['validate', `${fixtures}/broken`, `${fixtures}/duplicates`]);
    expect(run.code).toBe(1);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.map((line) => line.slice(0, line.indexOf(': ')))).toEqual([
      `${fixtures}/broken/bad_toml.py:2`,
      `${fixtures}/broken/minmax.py:5`,
      `${fixtures}/broken/quantity.py:4`,
      `${fixtures}/broken/quantity.py:5`,
      `${fixtures}/broken/unclosed.py:1`,
      `${fixtures}/duplicates/My-Func.py:1`,
      `${fixtures}/duplicates/my_func.py:1`,
    ]);
    expect(lines[1]).toBe(`${fixtures}/broken/minmax.py:5: 'min-replicas' (3) must be <= 'max-replicas' (1)`);
    expect(run.stderr).toContain('7 errors in 6 of 8 scripts');
  });

  it('prints the resolved specs as JSON with -o json', async () => {
    const run = await runFaas(['validate', '-o', 'json', `${fixtures}/valid/api.py`, `${fixtures}/valid/plain.py`]);
    expect(run.code).toBe(0);
    const specs = JSON.parse(run.stdout) as Record<string, unknown>[];
    expect(specs).toEqual([
      expect.objectContaining({
        name: 'api',
        file: `${fixtures}/valid/api.py`,
        requiresPython: '>=3.11',
        dependencies: ['fastapi>=0.110', 'uvicorn[standard]'],
        minReplicas: 1,
        maxReplicas: 10,
        idleTimeoutSeconds: 300,
        timeoutSeconds: 90,
        memory: '256Mi',
        cpu: '250m',
        env: { LOG_LEVEL: 'debug' },
        secrets: ['api-token'],
      }),
      expect.objectContaining({ name: 'plain', requiresPython: null, dependencies: [], minReplicas: 0, maxReplicas: 5, idleTimeoutSeconds: 300, timeoutSeconds: 30, memory: '128Mi', cpu: '100m', env: {}, secrets: [] }),
    ]);
    expect(specs[0]).not.toHaveProperty('source');
  });

  it('keeps stdout clean for JSON when there are errors', async () => {
    const run = await runFaas(['validate', '-o', 'json', `${fixtures}/broken/minmax.py`]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`${fixtures}/broken/minmax.py:5: `);
  });

  it('validates the functions folder by default, and the shipped examples pass', async () => {
    const run = await runFaas(['validate', '-o', 'json']);
    expect(run.code).toBe(0);
    const specs = JSON.parse(run.stdout) as { name: string; minReplicas: number; idleTimeoutSeconds: number; dependencies: string[] }[];
    expect(specs.map((spec) => spec.name)).toEqual(expect.arrayContaining(['echo', 'greet', 'hello']));
    expect(specs.find((spec) => spec.name === 'echo')).toMatchObject({ minReplicas: 0, idleTimeoutSeconds: 120, dependencies: ['fastapi', 'uvicorn'] });
  });

  it('names a path that does not exist', async () => {
    const run = await runFaas(['validate', `${fixtures}/nowhere`]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(`${fixtures}/nowhere: no such file or folder; give a functions folder or a .py script\n`);
  });

  it('refuses an unknown output format', async () => {
    const run = await runFaas(['validate', '-o', 'xml', `${fixtures}/valid`]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("unknown output format 'xml'; use -o table, -o wide, -o json, -o yaml");
  });
});
