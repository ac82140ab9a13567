/**
 * Two gateway replicas over one function, against a real API server: only the holder of the
 * reaper Lease reaps, and it must count the calls the other replica serves. All traffic goes
 * through the replica that does not hold the Lease.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Manifest } from '../../constructs/synthesize-manifests.js';
import { ClusterClient, type ClusterTestHost } from './harness.js';
import { placeOn } from './function-host.js';
import { runPodProcesses, type PodProcesses } from './pod-processes.js';
import { startKubernetesGateway, type KubernetesGateway } from './kubernetes-gateway.js';
import { applyServerSide, ensureCrd, functionFrom, platformFor } from './platform-objects.js';
import { watchReplicas, type ReplicaHistory } from './replica-history.js';
import { post } from './tally-function.js';
import { waitFor } from './wait.js';

const cluster = new ClusterClient(inject('cluster'));
const namespace = `k8s-replicas-${process.pid}`;
const IDLE_TIMEOUT_SECONDS = 3;
const gateways: KubernetesGateway[] = [];
let host: ClusterTestHost | undefined;
let pods: PodProcesses | undefined;
let holder: KubernetesGateway;
let other: KubernetesGateway;
let history: ReplicaHistory;

/** Answers after the number of seconds in its body: a call held open as long as the test wants. */
const SLOW_SCRIPT = `# /// script
# requires-python = ">=3.11"
# dependencies = []
#
# [tool.faas]
# min-replicas = 0
# idle-timeout = "${IDLE_TIMEOUT_SECONDS}s"
# timeout = "60s"
# ///
import time


def handle(req):
    seconds = float(req or 0)
    time.sleep(seconds)
    return f"slept {seconds:g}"
`;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** spec.replicas values recorded since `from` (an index into the history). */
const since = (from: number): number[] => history.values.slice(from);

describe('the reaper with two gateway replicas', () => {
  beforeAll(async () => {
    // Given a function with a short idle timeout, its pods on a test host that runs their real processes
    await ensureCrd(cluster);
    host = await cluster.createTestHost(`replicas-${process.pid}`);
    const manifests: Manifest[] = placeOn(
      platformFor(namespace, [functionFrom('slow.py', SLOW_SCRIPT)]).filter((m) => m.kind !== 'CustomResourceDefinition'),
      'slow',
      host.placement,
    );
    await applyServerSide(cluster, manifests);
    pods = runPodProcesses(cluster, host);
    await pods.synced;
    // and two gateways reaping every 200 ms, of which the first one holds the Lease
    const start = (identity: string) => startKubernetesGateway({ kubeconfig: cluster.kubeconfigPath, namespace, identity, config: { reaperPollMs: 200 } });
    holder = await start('gateway-holder');
    gateways.push(holder);
    await waitFor('the first gateway to hold the reaper Lease', async () => holder.reapPermit());
    other = await start('gateway-other');
    gateways.push(other);
    history = watchReplicas(cluster.kubeconfigPath, namespace, 'slow');
    await history.started;
    // With no traffic at all, the holder puts the function to sleep.
    await waitFor('the function asleep', async () => history.values.at(-1) === 0);
  });

  afterAll(async () => {
    history?.stop();
    await Promise.all(gateways.map((g) => g.close()));
    await pods?.stop();
    await host?.destroy();
    await cluster.kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
  });

  it('never reaps a function while the other replica holds a call to it open past idle-timeout', async () => {
    expect(await other.reapPermit()).toBe(false);
    const from = history.values.length;
    // When a call through the replica without the Lease wakes the function and lasts three idle timeouts
    const answer = await post(`${other.gateway.url}/function/slow`, String(3 * IDLE_TIMEOUT_SECONDS));
    // Then it is answered, and the function went from 0 to 1 and stayed there
    expect(answer).toEqual({ status: 200, body: `slept ${3 * IDLE_TIMEOUT_SECONDS}` });
    expect(since(from)).toEqual([1]);
  });

  it("counts the other replica's traffic as the holder's own: short calls less than idle-timeout apart keep it awake", async () => {
    const from = history.values.length;
    // When calls arrive through the replica without the Lease, one a second, for three idle timeouts
    for (let i = 0; i < 3 * IDLE_TIMEOUT_SECONDS; i++) {
      expect(await post(`${other.gateway.url}/function/slow`, '0')).toEqual({ status: 200, body: 'slept 0' });
      await sleep(1000);
    }
    // Then the function was never put to sleep between them
    expect(since(from)).toEqual([]);
  });

  it('does not reap a function another replica just woke before that replica publishes the call', async () => {
    // Given the function asleep, and a third replica that publishes its calls only every 2.5 s
    const late = await startKubernetesGateway({ kubeconfig: cluster.kubeconfigPath, namespace, identity: 'gateway-late', activityPublishMs: 2500 });
    gateways.push(late);
    await waitFor('the function asleep', async () => history.values.at(-1) === 0);
    // Asleep as that replica sees it too: with its pod still listed, its call would not wake anything.
    await waitFor('the third replica to see no ready pod', async () => late.backend.readyEndpoints('slow').length === 0);
    const from = history.values.length;
    // When a call through it wakes the function and lasts three idle timeouts: its pod is Ready
    // for the holder long before the holder hears of the call
    const answer = await post(`${late.gateway.url}/function/slow`, String(3 * IDLE_TIMEOUT_SECONDS));
    // Then the holder waited for the call instead of reaping the pod the moment it was Ready
    expect(answer).toEqual({ status: 200, body: `slept ${3 * IDLE_TIMEOUT_SECONDS}` });
    expect(since(from)).toEqual([1]);
  });

  it('reaps the function once it is idle on every replica', async () => {
    // When nothing calls it any more, through either gateway
    await waitFor('the holder to reap the function', async () => history.values.at(-1) === 0);
    // Then nothing was in flight anywhere when it was
    for (const g of gateways) expect(g.gateway.activity.get('slow').inFlight).toBe(0);
  });
});
