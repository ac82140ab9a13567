import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadFunction } from '../../constructs/spec/load-function.js';
import { SpecError } from '../../constructs/spec/spec-error.js';
import { FunctionConflict } from '../../gateway/backends/function-conflict.js';
import { livingGroupMembers, readyEndpoint, startLocalBackend, survivorsOf, wake, type Harness } from '../support/local-backend-harness.js';

// Given a backend over a temporary copy of fixtures/functions-lifecycle, which the tests edit.
let harness: Harness;
beforeEach(async () => {
  harness = await startLocalBackend('functions-lifecycle', {}, true);
});
afterEach(() => harness?.close());

function definition(name: string, source: string) {
  const loaded = loadFunction(join(harness.dir, `${name}.py`), source);
  if (!loaded.ok) throw new Error(loaded.errors.map((error) => error.message).join('\n'));
  return loaded.function;
}

const text = async (url: string) => (await fetch(url)).text();

describe('local backend lifecycle', () => {
  it('starts functions with min-replicas >= 1 at boot', async () => {
    const base = await readyEndpoint(harness.backend, 'always-on');
    expect(await text(base)).toBe('always on');
    expect(harness.backend.replicas('always-on')).toEqual({ desired: 1, ready: 1 });
  });

  it('starts one process for concurrent scale(1) calls', async () => {
    const ready = readyEndpoint(harness.backend, 'versioned');
    await Promise.all(Array.from({ length: 50 }, () => harness.backend.scale('versioned', 1)));
    await ready;
    expect(harness.backend.processGroups('versioned')).toHaveLength(1);
    expect(harness.backend.replicas('versioned')).toEqual({ desired: 1, ready: 1 });
  });

  it('runs n instances on n ports for scale(n)', async () => {
    await harness.backend.scale('versioned', 2);
    await new Promise<void>((resolve) => {
      const off = harness.backend.onEndpointsChanged(() => harness.backend.readyEndpoints('versioned').length === 2 && (off(), resolve()));
    });
    const endpoints = harness.backend.readyEndpoints('versioned');
    expect(new Set(endpoints).size).toBe(2);
    for (const base of endpoints) expect(await text(base)).toBe('v1');
  });

  it('kills the whole process group on scale to zero, children included', async () => {
    const base = await wake(harness.backend, 'with-child');
    const childPid = Number(await text(base));
    const [pgid] = harness.backend.processGroups('with-child');
    expect(pgid).toBeGreaterThan(0);
    expect(livingGroupMembers(pgid!)).toEqual(expect.arrayContaining([pgid, childPid]));
    await harness.backend.scale('with-child', 0);
    expect(await survivorsOf(pgid!)).toEqual([]);
    expect(harness.backend.replicas('with-child')).toEqual({ desired: 0, ready: 0 });
    expect(harness.backend.readyEndpoints('with-child')).toEqual([]);
  });

  it('lets a request in flight finish when its instance is scaled to zero', async () => {
    const base = await wake(harness.backend, 'slow');
    const handling = harness.logged((record) => record.function === 'slow' && record.msg === 'sleeping 1.5');
    const inFlight = fetch(base, { method: 'POST', body: '1.5' });
    await handling;
    await harness.backend.scale('slow', 0);
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('slept 1.5');
    expect(harness.backend.processGroups('slow')).toEqual([]);
  });

  it('swaps in the edited script without a restart: new instance ready first, old one stopped', async () => {
    const oldBase = await wake(harness.backend, 'versioned');
    const [oldPgid] = harness.backend.processGroups('versioned');
    const swapped = new Promise<string>((resolve) => {
      const off = harness.backend.onEndpointsChanged((name) => {
        const [endpoint] = harness.backend.readyEndpoints(name);
        if (name === 'versioned' && endpoint !== undefined && endpoint !== oldBase) {
          off();
          resolve(endpoint);
        }
      });
    });
    const file = join(harness.dir, 'versioned.py');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"v1"', '"v2"'));
    const newBase = await swapped;
    expect(await text(newBase)).toBe('v2');
    expect(harness.backend.functions().get('versioned')?.source).toContain('"v2"');
    expect(harness.backend.readyEndpoints('versioned')).toEqual([newBase]);
    await harness.backend.settled();
    expect(harness.backend.processGroups('versioned')).toHaveLength(1);
    expect(await survivorsOf(oldPgid!)).toEqual([]);
  });

  it('keeps serving the previous version while an edited script is invalid', async () => {
    const base = await wake(harness.backend, 'versioned');
    const changed = new Promise<void>((resolve) => harness.backend.onFunctionsChanged(resolve));
    writeFileSync(join(harness.dir, 'versioned.py'), '# /// script\n# dependencies = 3\n# ///\ndef handle(req):\n    return "broken"\n');
    const added = join(harness.dir, 'added_later.py');
    writeFileSync(added, '# /// script\n# dependencies = []\n# ///\ndef handle(req):\n    return "new"\n');
    await changed;
    expect(harness.backend.functions().has('added-later')).toBe(true);
    expect(harness.backend.functions().get('versioned')?.source).toContain('"v1"');
    expect(await text(base)).toBe('v1');
  });

  const DEPLOYED = '# /// script\n# dependencies = []\n# ///\ndef handle(req):\n    return "deployed"\n';

  it('deploy writes the script into its own folder, apart from the user\'s, and serves it', async () => {
    expect(await harness.backend.deploy(definition('fresh', DEPLOYED))).toBe('created');
    expect(harness.backend.deployedDir).toBe(join(harness.dir, '..', '.faas', 'functions'));
    expect(readFileSync(join(harness.backend.deployedDir, 'fresh.py'), 'utf8')).toBe(DEPLOYED);
    expect(existsSync(join(harness.dir, 'fresh.py'))).toBe(false);
    expect(await text(await wake(harness.backend, 'fresh'))).toBe('deployed');
    expect(await harness.backend.deploy(definition('fresh', DEPLOYED.replace('"deployed"', '"again"')))).toBe('updated');
    expect(readFileSync(join(harness.backend.deployedDir, 'fresh.py'), 'utf8')).toContain('"again"');
  });

  it('rejects a deploy whose script is invalid and leaves its folder as it was', async () => {
    await harness.backend.deploy(definition('fresh', DEPLOYED));
    const invalid = { ...definition('fresh', DEPLOYED), source: '# /// script\n# [tool.faas]\n# min-replicas = "lots"\n# ///\ndef handle(req):\n    return 1\n' };
    const deploying = harness.backend.deploy(invalid);
    await expect(deploying).rejects.toBeInstanceOf(SpecError);
    await expect(deploying).rejects.toThrow(/min-replicas/);
    expect(readFileSync(join(harness.backend.deployedDir, 'fresh.py'), 'utf8')).toBe(DEPLOYED);
    expect(harness.backend.functions().get('fresh')?.source).toBe(DEPLOYED);
  });

  it('never overwrites or deletes a script of the user\'s: both are a FunctionConflict naming the file', async () => {
    const before = readFileSync(join(harness.dir, 'versioned.py'), 'utf8');
    const overwrite = harness.backend.deploy(definition('versioned', DEPLOYED));
    await expect(overwrite).rejects.toBeInstanceOf(FunctionConflict);
    await expect(overwrite).rejects.toThrow(/versioned\.py, a script of yours, which the admin API does not overwrite; edit that file/);
    const removal = harness.backend.remove('versioned');
    await expect(removal).rejects.toBeInstanceOf(FunctionConflict);
    await expect(removal).rejects.toThrow(/versioned\.py, a script of yours, and the admin API removes only what it deployed; delete the file/);
    expect(readFileSync(join(harness.dir, 'versioned.py'), 'utf8')).toBe(before);
    expect(harness.backend.functions().get('versioned')?.source).toBe(before);
    expect(existsSync(join(harness.backend.deployedDir, 'versioned.py'))).toBe(false);
  });

  it('remove deletes a deployed script and stops its instances', async () => {
    await harness.backend.deploy(definition('fresh', DEPLOYED));
    await wake(harness.backend, 'fresh');
    const [pgid] = harness.backend.processGroups('fresh');
    expect(await harness.backend.remove('fresh')).toBe(true);
    expect(existsSync(join(harness.backend.deployedDir, 'fresh.py'))).toBe(false);
    expect(harness.backend.functions().has('fresh')).toBe(false);
    expect(harness.backend.readyEndpoints('fresh')).toEqual([]);
    expect(await survivorsOf(pgid!)).toEqual([]);
    expect(await harness.backend.remove('fresh')).toBe(false);
  });

  it('stop() leaves no process behind', async () => {
    await wake(harness.backend, 'with-child');
    await wake(harness.backend, 'versioned');
    await readyEndpoint(harness.backend, 'always-on');
    const groups = ['with-child', 'versioned', 'always-on'].flatMap((name) => harness.backend.processGroups(name));
    expect(groups).toHaveLength(3);
    await harness.backend.stop();
    for (const pgid of groups) expect(await survivorsOf(pgid)).toEqual([]);
  });
});
