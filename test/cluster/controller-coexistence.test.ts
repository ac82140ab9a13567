/**
 * The controller never fights another writer. A function synth applied in full (`synth` mode, as
 * `kubectl apply --server-side` of its output) and then met by the controller is left as it is: the
 * Function says `Conflict`, naming the object and the field, and nothing synth wrote changes. Once
 * those objects are deleted, the controller builds its own. A Deployment of its own deleted by hand
 * is applied again.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FunctionController } from '../../gateway/controller/function-controller.js';
import { ClusterClient } from './harness.js';
import { condition, functionObjects, setUpControllerPlatform, type ControllerPlatform } from './controller-platform.js';
import { applyServerSide, functionFrom, platformFor } from './platform-objects.js';
import { waitFor } from './wait.js';

const cluster = new ClusterClient(inject('cluster'));
const namespace = `controller-coexist-${process.pid}`;
let platform: ControllerPlatform | undefined;
let controller: FunctionController | undefined;

const SCRIPT = `# /// script
# dependencies = []
# [tool.faas]
# min-replicas = 0
# ///
def handle(req):
    return req
`;

beforeAll(async () => {
  platform = await setUpControllerPlatform(cluster, namespace);
  controller = await platform.startController();
});

afterAll(async () => {
  await platform?.destroy();
});

/**
 * What a writer can change of each object: its generation (spec), labels, owners and field
 * managers. Not its resourceVersion, nor what kube-controller-manager writes (status, the revision
 * annotation), which move meanwhile.
 */
const writtenState = async () =>
  Object.fromEntries(
    (await cluster.getJson(['configmaps,deployments,services,horizontalpodautoscalers', '-n', namespace, '-l', 'faas.poorman.dev/function=clash', '--show-managed-fields'])).items.map((o: any) => [
      `${o.kind}/${o.metadata.name}`,
      {
        generation: o.metadata.generation,
        labels: o.metadata.labels,
        ownerReferences: o.metadata.ownerReferences,
        managers: o.metadata.managedFields.filter((f: any) => f.subresource !== 'status' && f.manager !== 'kube-controller-manager').map((f: any) => `${f.manager}/${f.operation}`).sort(),
        data: o.data,
      },
    ]),
  );

describe('the controller next to objects synth applied', () => {
  it('reports Conflict and changes nothing synth wrote', async () => {
    const synthesized = platformFor(namespace, [functionFrom('clash.py', SCRIPT)]).filter(
      (m) => m.metadata.labels?.['faas.poorman.dev/function'] === 'clash',
    );
    expect(synthesized.map((m) => m.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'Function', 'HorizontalPodAutoscaler', 'Service']);
    await applyServerSide(cluster, synthesized);
    const before = await writtenState();

    await waitFor('clash to be reported', async () => (await condition(cluster, namespace, 'clash', 'Reconciled'))?.reason === 'Conflict');
    const reconciled = await condition(cluster, namespace, 'clash', 'Reconciled');
    expect(reconciled.status).toBe('False');
    expect(reconciled.message).toMatch(/^ConfigMap clash-code: .*conflict.*app\.kubernetes\.io\/managed-by.*another writer owns these fields/s);
    const after = await writtenState();
    expect(after).toEqual(before);
    expect(Object.keys(after)).toHaveLength(4);
    for (const state of Object.values(after)) {
      expect(state.ownerReferences).toBeUndefined();
      expect(state.managers.filter((m: string) => m.startsWith('faas-controller'))).toEqual([]);
    }
  });

  it('builds its own objects once the other writer\'s are gone', async () => {
    await cluster.kubectl(['delete', 'configmap/clash-code', 'deployment/clash', 'service/clash', 'hpa/clash', '-n', namespace]);
    await waitFor('clash to be reconciled', async () => (await condition(cluster, namespace, 'clash', 'Reconciled'))?.status === 'True', { deadlineMs: 90_000 });
    const owned = await functionObjects(cluster, namespace, 'clash');
    expect(owned.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'Service']);
    for (const o of owned) expect(o.metadata.labels['app.kubernetes.io/managed-by']).toBe('faas-controller');
  });

  it('applies its Deployment again when someone deletes it', async () => {
    const uid = (await cluster.getJson(['deployment', 'clash', '-n', namespace])).metadata.uid;
    await cluster.kubectl(['delete', 'deployment', 'clash', '-n', namespace]);
    await waitFor('a new clash Deployment', async () => {
      const items = (await cluster.getJson(['deployments', '-n', namespace, '-l', 'faas.poorman.dev/function=clash'])).items;
      return items.length === 1 && items[0].metadata.uid !== uid;
    });
    await controller!.idle();
    expect((await condition(cluster, namespace, 'clash', 'Reconciled')).status).toBe('True');
  });
});
