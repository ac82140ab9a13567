/**
 * The admin API in Kubernetes writes Function objects and nothing else; the controller turns them
 * into workloads. A redeploy with a changed script rolls the Deployment once (one new ReplicaSet,
 * from the content hash on the pod template); a redeploy with no change writes nothing anywhere; the
 * seed's upload form is built the same way; a remove leaves the garbage collector to delete the rest.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FunctionController } from '../../gateway/controller/function-controller.js';
import { startAdminServer, type AdminServer } from '../support/admin-server.js';
import { ClusterClient } from './harness.js';
import { condition, functionObjects, setUpControllerPlatform, type ControllerPlatform } from './controller-platform.js';
import { startKubernetesGateway, type KubernetesGateway } from './kubernetes-gateway.js';
import { waitFor } from './wait.js';

const cluster = new ClusterClient(inject('cluster'));
const namespace = `controller-admin-${process.pid}`;
let platform: ControllerPlatform | undefined;
let controller: FunctionController | undefined;
let gateway: KubernetesGateway | undefined;
let api: AdminServer | undefined;

const script = (greeting: string) => `# /// script
# requires-python = ">=3.11"
# dependencies = []
#
# [tool.faas]
# min-replicas = 0
# ///
def handle(req):
    return "${greeting} " + req
`;

beforeAll(async () => {
  platform = await setUpControllerPlatform(cluster, namespace);
  controller = await platform.startController();
  gateway = await startKubernetesGateway({ kubeconfig: platform.gatewayKubeconfig, namespace, identity: 'controller-admin' });
  api = await startAdminServer(gateway.backend, { namespace });
});

afterAll(async () => {
  await api?.close();
  await gateway?.close();
  await platform?.destroy();
});

const admin = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${api!.url}${path}`, { method, headers: { authorization: api!.auth }, ...(body !== undefined && { body: JSON.stringify(body) }) });
  const text = await response.text();
  return { status: response.status, json: text === '' ? undefined : JSON.parse(text) };
};

async function reconciled(name: string): Promise<void> {
  await waitFor(`${name} to be reconciled at its generation`, async () => {
    const fn = await cluster.getJson(['functions.faas.poorman.dev', name, '-n', namespace]);
    const ok = fn.status?.conditions?.find((c: any) => c.type === 'Reconciled');
    return ok?.status === 'True' && ok.observedGeneration === fn.metadata.generation;
  });
}

const replicaSets = async () => (await functionObjects(cluster, namespace, 'greet', 'replicasets')).map((rs) => rs.metadata.name).sort();

/**
 * What a write to the function would move: the Function's generation and spec writers; the
 * resourceVersion of its ConfigMap and Service (nothing else writes them); the generation of its
 * Deployment and HPA, whose status their controllers update on their own; the set of ReplicaSets.
 */
async function versions(): Promise<Record<string, unknown>> {
  const fn = await cluster.getJson(['functions.faas.poorman.dev', 'greet', '-n', namespace, '--show-managed-fields']);
  const owned = await functionObjects(cluster, namespace, 'greet', 'configmaps,deployments,replicasets,services,horizontalpodautoscalers');
  const specWrites = fn.metadata.managedFields.filter((f: any) => f.subresource !== 'status');
  const version = (o: any) => (o.kind === 'ConfigMap' || o.kind === 'Service' ? o.metadata.resourceVersion : o.metadata.generation);
  return {
    'Function/greet': { generation: fn.metadata.generation, specWrites },
    ...Object.fromEntries(owned.map((o) => [`${o.kind}/${o.metadata.name}`, o.kind === 'ReplicaSet' ? 'exists' : version(o)])),
  };
}

describe('the admin API with the controller', () => {
  it('deploys a Function object that the controller builds, and describe reports it', async () => {
    expect((await admin('POST', '/system/functions', { service: 'greet', source: script('hello') })).status).toBe(202);
    await reconciled('greet');
    expect((await functionObjects(cluster, namespace, 'greet')).map((o) => o.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'Service']);
    const configMap = (await functionObjects(cluster, namespace, 'greet', 'configmaps'))[0];
    expect(Object.values(configMap.data)).toEqual([script('hello')]);
    await waitFor('one ReplicaSet', async () => (await replicaSets()).length === 1);
    expect((await admin('GET', '/system/function/greet')).json).toMatchObject({ name: 'greet', namespace });
    // `faas-cli describe` prints annotations: the controller's Ready condition is one of them.
    await waitFor('describe to show the Ready condition', async () =>
      (await admin('GET', '/system/function/greet')).json.annotations['faas.poorman.dev/ready'] === 'True Available: 1 of 1 replicas available');
  });

  it('rolls the Deployment once when PUT changes the script', async () => {
    const before = await replicaSets();
    const deployment = await cluster.getJson(['deployment', 'greet', '-n', namespace]);
    expect((await admin('PUT', '/system/functions', { service: 'greet', source: script('bonjour') })).status).toBe(202);
    await reconciled('greet');
    await waitFor('a second ReplicaSet', async () => (await replicaSets()).length === 2);
    await cluster.kubectl(['rollout', 'status', 'deployment/greet', '-n', namespace, '--timeout=60s']);
    await controller!.idle();
    const after = await cluster.getJson(['deployment', 'greet', '-n', namespace]);
    expect(after.metadata.generation).toBe(deployment.metadata.generation + 1);
    expect(after.spec.template.metadata.annotations['faas.poorman.dev/source-hash']).not.toBe(
      deployment.spec.template.metadata.annotations['faas.poorman.dev/source-hash'],
    );
    const now = await replicaSets();
    expect(now).toHaveLength(2);
    expect(now.filter((rs) => !before.includes(rs))).toHaveLength(1);
    const configMap = (await functionObjects(cluster, namespace, 'greet', 'configmaps'))[0];
    expect(Object.values(configMap.data)).toEqual([script('bonjour')]);
  });

  it('changes nothing when PUT sends the same script again', async () => {
    await controller!.idle();
    const before = await versions();
    const writes = { ...controller!.reconciler.writes };
    expect((await admin('PUT', '/system/functions', { service: 'greet', source: script('bonjour') })).status).toBe(202);
    // Whatever the PUT caused has had time to reach the controller's watch and be handled.
    await new Promise((r) => setTimeout(r, 1500));
    await controller!.idle();
    expect(await versions()).toEqual(before);
    expect(controller!.reconciler.writes).toEqual(writes);
    expect((await condition(cluster, namespace, 'greet', 'Reconciled')).status).toBe('True');
  });

  it('spends nothing on a status write by the gateway (no reconcile, no read, no write)', async () => {
    await controller!.idle();
    const reconciles = controller!.reconciler.reconciles;
    const writes = { ...controller!.reconciler.writes };
    const stamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    await cluster.kubectl(['patch', 'function', 'greet', '-n', namespace, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { lastInvocation: stamp } })]);
    expect((await cluster.getJson(['functions.faas.poorman.dev', 'greet', '-n', namespace])).status.lastInvocation).toBe(stamp);
    await new Promise((r) => setTimeout(r, 1000));
    await controller!.idle();
    expect(controller!.reconciler.reconciles).toBe(reconciles);
    expect(controller!.reconciler.writes).toEqual(writes);
  });

  it('builds a function uploaded in the seed\'s form (POST /admin/python) with its replica count', async () => {
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    const uploaded = await admin('POST', '/admin/python', { script: b64(script('hi')), option: { name: 'seeded', replica: 1 } });
    expect(uploaded.status).toBe(200);
    expect(uploaded.json.function).toBe('seeded');
    await reconciled('seeded');
    expect((await cluster.getJson(['hpa', 'seeded', '-n', namespace])).spec.minReplicas).toBe(1);
  });

  it('refuses a dot_file, which would land in plain text in the Function object, saying how to make a Secret', async () => {
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    const uploaded = await admin('POST', '/admin/python', { script: b64(script('hi')), dot_file: b64('DB_PASSWORD=hunter2\n'), option: { name: 'dotted' } });
    expect(uploaded.status).toBe(400);
    expect(uploaded.json).toMatchObject({ function: 'dotted', message: expect.stringContaining('kubectl create secret generic dotted-config --from-file=dot_file=') });
    const listed = await cluster.kubectl(['get', 'functions.faas.poorman.dev', '-n', namespace, '-o', 'name']);
    expect(listed).not.toContain('dotted');
    expect(await cluster.kubectl(['get', 'functions.faas.poorman.dev', '-n', namespace, '-o', 'yaml'])).not.toContain('hunter2');
  });

  it('deletes the Function on DELETE /system/functions, and the collector what it owned', async () => {
    expect((await admin('DELETE', '/system/functions', { functionName: 'greet' })).status).toBe(202);
    await waitFor('greet\'s objects to be collected', async () => (await functionObjects(cluster, namespace, 'greet', 'configmaps,deployments,services,horizontalpodautoscalers')).length === 0);
    expect((await admin('GET', '/system/function/greet')).status).toBe(404);
    expect((await functionObjects(cluster, namespace, 'seeded')).length).toBe(4);
  });
});
