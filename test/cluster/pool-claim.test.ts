/**
 * Claiming a pool pod against a real API server: of two gateways racing for the last ready pool
 * pod, exactly one gets it, and the pod leaves the pool's selector. No kubelet runs here: the
 * test writes the pod's Ready status as a kubelet would, and keeps the pods off every node.
 */
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CLAIMED_BY_LABEL, POOL_LABEL, claimPoolPod } from '../../gateway/backends/kubernetes/pool-claim.js';
import { ClusterClient } from './harness.js';

const cluster = new ClusterClient(inject('cluster'));
const namespace = `pool-claim-${process.pid}`;
let core: CoreV1Api;

async function poolPod(name: string, readyStatus: boolean): Promise<void> {
  await core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name, labels: { [POOL_LABEL]: 'generic' } },
      spec: { nodeSelector: { 'poorman-faas.test/no-such-node': 'true' }, containers: [{ name: 'pool', image: 'ghcr.io/astral-sh/uv:python3.12-bookworm-slim' }] },
    },
  });
  const status = { phase: 'Running', podIP: '192.0.2.77', conditions: [{ type: 'Ready', status: readyStatus ? 'True' : 'False' }] };
  await cluster.kubectl(['patch', 'pod', name, '-n', namespace, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })]);
}

beforeAll(async () => {
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfigPath);
  core = kc.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: namespace } } });
});
afterAll(async () => {
  await core?.deleteNamespace({ name: namespace }).catch(() => undefined);
});

describe('claiming a pool pod', () => {
  it('gives the last ready pool pod to exactly one of two racing gateways, and takes it out of the pool', async () => {
    await poolPod('pool-last', true);
    await poolPod('pool-starting', false);
    const [a, b] = await Promise.all([
      claimPoolPod(core, namespace, 'generic', 'echo', 'gateway-a'),
      claimPoolPod(core, namespace, 'generic', 'echo', 'gateway-b'),
    ]);
    const winners = [a, b].filter((claim) => claim !== undefined);
    expect(winners).toEqual([{ pod: 'pool-last', podIp: '192.0.2.77', port: 8080 }]);
    const pod = await core.readNamespacedPod({ name: 'pool-last', namespace });
    expect(pod.metadata!.labels![POOL_LABEL]).toBeUndefined();
    expect(pod.metadata!.labels!['faas.poorman.dev/function']).toBe('echo');
    expect(pod.metadata!.labels![CLAIMED_BY_LABEL]).toBe(a ? 'gateway-a' : 'gateway-b');
    // Nothing is left to claim: the pod that is not Ready is never handed out.
    expect(await claimPoolPod(core, namespace, 'generic', 'echo', 'gateway-c')).toBeUndefined();
  });
});
