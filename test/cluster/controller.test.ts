/**
 * A Function object alone is enough: applied by hand with `kubectl apply -f`, the controller (as
 * its own ServiceAccount) builds its ConfigMap, Deployment, Service and HPA, the gateway (as its
 * own ServiceAccount) serves it from the function's real process on a test host, wakes it on a
 * call after the reaper put it to sleep, and deleting the Function deletes everything it owned.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FunctionController } from '../../gateway/controller/function-controller.js';
import { ClusterClient, type ClusterTestHost } from './harness.js';
import { condition, functionObjects, setUpControllerPlatform, type ControllerPlatform } from './controller-platform.js';
import { runPodProcesses, type PodProcesses } from './pod-processes.js';
import { startKubernetesGateway, type KubernetesGateway } from './kubernetes-gateway.js';
import { watchReplicas } from './replica-history.js';
import { watchReadyReasons, type ReadyHistory } from './ready-history.js';
import { post, tallied } from './tally-function.js';
import { waitFor } from './wait.js';

const cluster = new ClusterClient(inject('cluster'));
const namespace = `controller-${process.pid}`;
const work = mkdtempSync(join(tmpdir(), 'controller-test-'));
const tallyFile = join(work, 'tally.log');

/** What a new user writes: no settings but min-replicas 0 and a short idle timeout, the script inline. */
const HELLO_YAML = `apiVersion: faas.poorman.dev/v1alpha1
kind: Function
metadata:
  name: hello
  namespace: ${namespace}
spec:
  minReplicas: 0
  idleTimeout: 2s
  source: |
    # /// script
    # requires-python = ">=3.11"
    # dependencies = []
    # ///
    import os

    def handle(req):
        line = f"{os.environ['TALLY_HOST']} {req.strip()}\\n"
        with open(os.environ["TALLY_FILE"], "a") as tally:
            tally.write(line)
        return line
`;

let platform: ControllerPlatform | undefined;
let controller: FunctionController | undefined;
let gateway: KubernetesGateway | undefined;
let host: ClusterTestHost | undefined;
let pods: PodProcesses | undefined;
let ready: ReadyHistory | undefined;

beforeAll(async () => {
  platform = await setUpControllerPlatform(cluster, namespace);
  // Untainted, with the default node cordoned: the controller's pods land here as they are built.
  host = await cluster.createTestHost(namespace, { taint: false });
  await cluster.kubectl(['cordon', cluster.info.defaultNode]);
  // Each pod the controller's Deployment makes runs its container as written: command, env, ConfigMaps.
  pods = runPodProcesses(cluster, host, { env: { TALLY_FILE: tallyFile, TALLY_HOST: host.nodeName } });
  await pods.synced;
  controller = await platform.startController();
  ready = watchReadyReasons(cluster.kubeconfigPath, namespace, 'hello');
  gateway = await startKubernetesGateway({
    kubeconfig: platform.gatewayKubeconfig,
    namespace,
    identity: 'controller-test',
    config: { reaperPollMs: 250 },
  });
});

afterAll(async () => {
  await pods?.stop();
  ready?.stop();
  await gateway?.close();
  await cluster.kubectl(['uncordon', cluster.info.defaultNode]).catch(() => undefined);
  await host?.destroy();
  await platform?.destroy();
  rmSync(work, { recursive: true, force: true });
});

describe('a hand-written Function object, reconciled by the controller', () => {
  it('becomes a ConfigMap, Deployment, Service and HPA owned by the Function, and Reconciled', async () => {
    await cluster.kubectl(['apply', '-f', '-'], { input: HELLO_YAML });
    await waitFor('hello to be reconciled', async () => (await condition(cluster, namespace, 'hello', 'Reconciled'))?.status === 'True');

    const fnObject = await cluster.getJson(['functions.faas.poorman.dev', 'hello', '-n', namespace]);
    const owned = await functionObjects(cluster, namespace, 'hello');
    expect(owned.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ConfigMap/hello-code',
      'Deployment/hello',
      'HorizontalPodAutoscaler/hello',
      'Service/hello',
    ]);
    for (const o of owned) {
      expect(o.metadata.ownerReferences).toEqual([
        { apiVersion: 'faas.poorman.dev/v1alpha1', kind: 'Function', name: 'hello', uid: fnObject.metadata.uid, controller: true, blockOwnerDeletion: true },
      ]);
    }
    const applied = await cluster.getJson(['configmap/hello-code', 'deployment/hello', 'service/hello', 'hpa/hello', '-n', namespace, '--show-managed-fields']);
    for (const o of applied.items) {
      expect(o.metadata.managedFields.filter((f: any) => f.operation === 'Apply').map((f: any) => f.manager)).toEqual(['faas-controller']);
    }
    expect(fnObject.status.observedGeneration).toBe(fnObject.metadata.generation);
    const deployment = owned.find((o) => o.kind === 'Deployment');
    expect(deployment.spec.template.spec.containers[0].resources.requests).toEqual({ cpu: '100m', memory: '128Mi' });
    expect(owned.find((o) => o.kind === 'HorizontalPodAutoscaler').spec).toMatchObject({ minReplicas: 1, maxReplicas: 5 });
  });

  it('is served through the gateway by the real process the controller\'s objects describe', async () => {
    // The pod's container as the controller built it, its code from the ConfigMaps it applied.
    const answer = await post(`${gateway!.gateway.url}/function/hello`, 'first');
    expect(answer).toMatchObject({ status: 200, body: `${host!.nodeName} first\n` });
    expect(tallied(tallyFile)).toEqual([{ host: host!.nodeName, body: 'first' }]);
    // The reaper may put it back to sleep 2 s later; the watch has seen it Available either way.
    await waitFor('Ready=True Available', async () => ready!.reasons.includes('Available'));
    expect(ready!.reasons.slice(0, ready!.reasons.indexOf('Available') + 1)).toEqual(['Starting', 'Available']);
  });

  it('is reaped when idle, reported ScaledToZero, and woken once by the next call', async () => {
    await waitFor('the reaper to scale hello to 0', async () =>
      (await cluster.getJson(['deployment', 'hello', '-n', namespace])).spec.replicas === 0);
    await waitFor('Ready=True ScaledToZero', async () => (await condition(cluster, namespace, 'hello', 'Ready'))?.reason === 'ScaledToZero');
    const table = await cluster.kubectl(['get', 'functions', '-n', namespace]);
    expect(table).toMatch(/^NAME\s+REPLICAS\s+READY\s+STATUS\s+MIN\s+MAX\s+AGE$/m);
    // REPLICAS and READY are the gateway's to write, a flush later; STATUS, MIN and MAX are settled.
    expect(table).toMatch(/^hello\s.*\sScaledToZero\s+0\s+5\s/m);
    const described = await cluster.kubectl(['describe', 'function', 'hello', '-n', namespace]);
    expect(described).toMatch(/Type:\s+Ready/);
    expect(described).toMatch(/Reason:\s+ScaledToZero/);

    const history = watchReplicas(cluster.kubeconfigPath, namespace, 'hello');
    await history.started;
    const answers = await Promise.all(['a', 'b', 'c'].map((b) => post(`${gateway!.gateway.url}/function/hello`, b)));
    history.stop();
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers.map((a) => a.body)).toEqual(['a', 'b', 'c'].map((b) => `${host!.nodeName} ${b}\n`));
    expect(history.values).toEqual([0, 1]);
    // The gateway's Events tell the same story in `kubectl describe function`.
    await waitFor('the scale to zero and the wake as Events', async () => {
      const events = (await cluster.getJson(['events', '-n', namespace, '--field-selector', 'involvedObject.kind=Function,involvedObject.name=hello'])).items;
      const told = events.filter((e: any) => e.source?.component === 'faas-gateway').map((e: any) => `${e.reason}: ${e.message}`);
      return told.includes('ScaledDown: scaled from 1 to 0 replicas') && told.includes('ScaledUp: scaled from 0 to 1 replicas');
    });
    expect(await cluster.kubectl(['describe', 'function', 'hello', '-n', namespace])).toMatch(/Normal\s+ScaledUp\s+\S+\s+faas-gateway\s+scaled from 0 to 1 replicas/);
  });

  it('applies again the ConfigMap, Service and HPA that someone deleted, owned as before', async () => {
    const before = await functionObjects(cluster, namespace, 'hello');
    await cluster.kubectl(['delete', 'configmap/hello-code', 'service/hello', 'hpa/hello', '-n', namespace, '--wait=true']);
    await waitFor('the controller to apply them again', async () => (await functionObjects(cluster, namespace, 'hello')).length === before.length);
    const after = await functionObjects(cluster, namespace, 'hello');
    const shape = (objects: any[]) => objects.map((o) => ({ kind: o.kind, name: o.metadata.name, owners: o.metadata.ownerReferences, uid: o.metadata.uid })).sort((a, b) => a.kind.localeCompare(b.kind));
    // The same objects by kind, name and owner; new ones (new uids) but for the untouched Deployment.
    expect(shape(after).map(({ uid: _, ...rest }) => rest)).toEqual(shape(before).map(({ uid: _, ...rest }) => rest));
    const changed = shape(after).filter((o, i) => o.uid !== shape(before)[i]!.uid).map((o) => o.kind);
    expect(changed).toEqual(['ConfigMap', 'HorizontalPodAutoscaler', 'Service']);
    expect((await condition(cluster, namespace, 'hello', 'Reconciled'))?.status).toBe('True');
    const answer = await post(`${gateway!.gateway.url}/function/hello`, 'after repair');
    expect(answer).toMatchObject({ status: 200, body: `${host!.nodeName} after repair\n` });
  });

  it('leaves nothing behind once the Function is deleted, the workloads first (foreground)', async () => {
    // Foreground: the Function stays, marked deleted, until the collector has deleted what it owns;
    // Deployment events in that window must not make the controller apply them again.
    const applies = controller!.reconciler.writes.applies;
    await cluster.kubectl(['delete', 'function', 'hello', '-n', namespace, '--cascade=foreground', '--timeout=60s']);
    await controller!.idle();
    expect(controller!.reconciler.writes.applies).toBe(applies);
    await waitFor('the garbage collector to delete what hello owned', async () =>
      (await functionObjects(cluster, namespace, 'hello', 'configmaps,deployments,replicasets,services,horizontalpodautoscalers')).length === 0);
    expect(await functionObjects(cluster, namespace, 'hello', 'all,configmaps')).toEqual([]);
  });
});
