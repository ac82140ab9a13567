/**
 * The gateway as synth writes it, as a real pod: its image built from this checkout (under the
 * reference synth writes, so the Deployment runs unchanged), its ServiceAccount token mounted,
 * the Kubernetes backend in-cluster. It is called at its pod IP, as a Service would route to it
 * (no kube-proxy here), and wakes, serves and reaps a function in another real pod by itself.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { gatewaySelector } from '../../constructs/labels.js';
import type { Manifest } from '../../constructs/synthesize-manifests.js';
import { ClusterClient } from '../cluster/harness.js';
import { functionFrom } from '../cluster/platform-objects.js';
import { waitFor } from '../cluster/wait.js';
import { applyOnRealNode, isReady, podsOf } from './real-platform.js';

const cluster = new ClusterClient(inject('cluster'));
const node = inject('node');
const namespace = `gateway-pod-${process.pid}`;
let manifests: Manifest[];

const HELLO = `# /// script
# dependencies = []
#
# [tool.faas]
# idle-timeout = "2s"
# ///
def handle(req):
    return f"hello {req or 'world'}"
`;

const selector = Object.entries(gatewaySelector())
  .map(([k, v]) => `${k}=${v}`)
  .join(',');

async function gatewayPod(): Promise<any> {
  let ready: any;
  await waitFor('a Ready gateway pod', async () => {
    ready = (await cluster.getJson(['pods', '-n', namespace, '-l', selector])).items.find(isReady);
    return ready !== undefined;
  }, { deadlineMs: 180_000 });
  return ready;
}

async function desiredReplicas(fn: string): Promise<number> {
  return (await cluster.getJson(['deployment', fn, '-n', namespace])).spec.replicas ?? 1;
}

beforeAll(async () => {
  manifests = await applyOnRealNode(cluster, namespace, [functionFrom('hello.py', HELLO)], node.runtimeImage, { gateway: true });
});

afterAll(async () => {
  await cluster.kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
});

describe('the gateway as a real pod', () => {
  it('runs the synthesized Deployment unchanged and turns Ready through its probes, in-cluster with its ServiceAccount', async () => {
    const deployment = manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === 'faas-gateway') as any;
    expect(deployment.spec.template.spec.containers[0].image).toBe(node.gatewayImage);
    const pod = await gatewayPod();
    expect(pod.spec.nodeName).toBe(node.name);
    expect(pod.spec.serviceAccountName).toBe('faas-gateway');
    // Ready means /readyz answered: the gateway listed its functions through the API server as its ServiceAccount.
    const [container] = pod.status.containerStatuses;
    expect(container.image).toContain(node.gatewayImage);
    expect(container.restartCount).toBe(0);
    // The pod holds the reaper Lease under its own name: its identity came from the downward API.
    await waitFor('the gateway pod to hold the reaper Lease', async () => {
      const lease = await cluster.getJson(['lease', 'faas-gateway-reaper', '-n', namespace]).catch(() => undefined);
      return lease?.spec?.holderIdentity === pod.metadata.name;
    });
  });

  it('wakes a function from zero, serves it from its pod, and puts it back to sleep', async () => {
    const pod = await gatewayPod();
    const url = `http://${pod.status.podIP}:8080`;
    await waitFor('the function asleep', async () => (await desiredReplicas('hello')) === 0);
    const answer = await fetch(`${url}/function/hello`, { method: 'POST', body: 'pod' });
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe('hello pod');
    // It really woke: the gateway waited for a pod and says how long.
    expect(Number(answer.headers.get('x-faas-cold-start'))).toBeGreaterThan(0);
    expect((await podsOf(cluster, namespace, 'hello')).some(isReady)).toBe(true);
    // The gateway pod's reaper scales it back to zero after its 2 s idle timeout.
    await waitFor('the gateway pod to reap the function', async () => (await desiredReplicas('hello')) === 0, { deadlineMs: 120_000 });
    const again = await fetch(`${url}/function/hello`, { method: 'POST', body: 'again' });
    expect([again.status, await again.text()]).toEqual([200, 'hello again']);
  });
});
