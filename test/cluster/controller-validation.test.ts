/**
 * A bad Function object: what the CRD's schema and its CEL rule can say, and what the admission
 * policy says for the name and env keys, the API server refuses with a message that says how to
 * fix it; what only the spec validation knows (PEP 440 requires-python, PEP 508 requirements) is stored,
 * and the controller reports it in the Reconciled condition and builds nothing, without retrying.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FunctionController } from '../../gateway/controller/function-controller.js';
import { ClusterClient } from './harness.js';
import { condition, functionObjects, functionManifest, setUpControllerPlatform, type ControllerPlatform } from './controller-platform.js';
import { waitFor } from './wait.js';

const cluster = new ClusterClient(inject('cluster'));
const namespace = `controller-invalid-${process.pid}`;
const SOURCE = 'def handle(req):\n    return req\n';
let platform: ControllerPlatform | undefined;
let controller: FunctionController | undefined;

beforeAll(async () => {
  platform = await setUpControllerPlatform(cluster, namespace);
  controller = await platform.startController();
});

afterAll(async () => {
  await platform?.destroy();
});

async function refusal(name: string, spec: Record<string, unknown> = {}): Promise<string> {
  try {
    await cluster.kubectl(['apply', '-f', '-'], { input: functionManifest(name, namespace, SOURCE, spec) });
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`Function ${name} with ${JSON.stringify(spec)} was accepted`);
}

describe('an invalid Function object', () => {
  it('is refused by the CRD when minReplicas exceeds maxReplicas, saying which to change', async () => {
    expect(await refusal('too-many', { minReplicas: 3, maxReplicas: 1 })).toContain(
      'spec.minReplicas: Invalid value: minReplicas must be <= maxReplicas; lower minReplicas or raise maxReplicas',
    );
  });

  it('is refused by the CRD schema for a bad quantity or duration', async () => {
    expect(await refusal('bad-memory', { memory: 'lots' })).toContain('spec.memory: Invalid value: "lots"');
    expect(await refusal('bad-timeout', { timeout: '30' })).toContain('spec.timeout: Invalid value: "30"');
  });

  it('is refused by the admission policy for a name its Service or ConfigMap could not carry', async () => {
    expect(await refusal('faas-hello')).toContain("the Function name 'faas-hello' starts with 'faas-', which is kept for the platform's own objects");
    expect(await refusal('9lives')).toContain("the Function name '9lives' must be a DNS-1035 label");
    const long = `f${'x'.repeat(58)}`;
    expect(await refusal(long)).toContain(`is 59 characters; its ConfigMap '${long}-code' must fit in 63, so use at most 58`);
  });

  it('is refused by the admission policy for env keys that are not variable names', async () => {
    expect(await refusal('bad-env', { env: { GOOD: '1', 'NOT-OK': '2', '1ST': '3' } })).toMatch(/spec\.env has keys that are not environment variable names .*: (NOT-OK, 1ST|1ST, NOT-OK); rename them/);
  });

  it('is stored when only the spec validation knows better, reported InvalidSpec, and builds nothing', async () => {
    await cluster.kubectl(['apply', '-f', '-'], { input: functionManifest('bad-deps', namespace, SOURCE, { requiresPython: '>>3' }) });
    await waitFor('bad-deps to be reported', async () => (await condition(cluster, namespace, 'bad-deps', 'Reconciled'))?.status === 'False');
    const reconciled = await condition(cluster, namespace, 'bad-deps', 'Reconciled');
    expect(reconciled).toMatchObject({ reason: 'InvalidSpec', message: expect.stringContaining(`'requiresPython' is ">>3", which is not a PEP 440 version specifier`) });
    expect(await condition(cluster, namespace, 'bad-deps', 'Ready')).toMatchObject({ status: 'False', reason: 'InvalidSpec' });
    expect(await functionObjects(cluster, namespace, 'bad-deps')).toEqual([]);

    // Reported once: not retried (the first retry would come after 100 ms), nothing rewritten.
    await controller!.idle();
    const writes = { ...controller!.reconciler.writes };
    const reconciles = controller!.reconciler.reconciles;
    await new Promise((r) => setTimeout(r, 1500));
    await controller!.idle();
    expect(controller!.reconciler.writes).toEqual(writes);
    expect(controller!.reconciler.reconciles).toBe(reconciles);

    // Fixed in place: the same object becomes Reconciled.
    await cluster.kubectl(['apply', '-f', '-'], { input: functionManifest('bad-deps', namespace, SOURCE, { requiresPython: '>=3.11' }) });
    await waitFor('bad-deps to be reconciled once fixed', async () => (await condition(cluster, namespace, 'bad-deps', 'Reconciled'))?.status === 'True');
    expect((await functionObjects(cluster, namespace, 'bad-deps')).length).toBe(4);
  });
});
