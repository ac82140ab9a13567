/**
 * A wake whose pod cannot start, against a real API server. No kubelet runs here, so the test
 * writes the pod's status the way a kubelet would (through the status subresource, as kwok's
 * stages do): a crash loop with the last exit code and the termination message, an image that
 * cannot be pulled. The pods are kept off every node, so nothing else writes their status.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ClusterClient } from './harness.js';
import { startKubernetesGateway, type KubernetesGateway } from './kubernetes-gateway.js';
import { applyServerSide, ensureCrd, functionFrom, platformFor } from './platform-objects.js';
import { post, tallyScript } from './tally-function.js';
import { waitFor } from './wait.js';

const cluster = new ClusterClient(inject('cluster'));
const namespace = `start-failure-${process.pid}`;
// Far beyond what the test waits for an answer: a 504 would mean the failure was not seen.
const COLD_START_TIMEOUT_MS = 100_000;
let gateway: KubernetesGateway | undefined;

async function podNames(): Promise<string[]> {
  const pods = await cluster.getJson(['pods', '-n', namespace, '-l', 'faas.poorman.dev/function=broken']);
  return pods.items.map((p: any) => p.metadata.name as string);
}

/** The container status a kubelet writes; `kubectl patch --subresource=status` as kwok would. */
async function setContainerStatus(pod: string, status: object): Promise<void> {
  const containerStatuses = [{ name: 'function', image: 'ghcr.io/astral-sh/uv:python3.12-bookworm-slim', imageID: '', ready: false, ...status }];
  await cluster.kubectl(['patch', 'pod', pod, '-n', namespace, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { containerStatuses } })]);
}

async function onePod(): Promise<string> {
  let names: string[] = [];
  await waitFor('the pod of the woken function', async () => (names = await podNames()).length === 1);
  return names[0]!;
}

describe('a wake whose pod cannot start', () => {
  beforeAll(async () => {
    // Given a function whose pods no node will ever take, asleep
    await ensureCrd(cluster);
    const manifests = platformFor(namespace, [functionFrom('broken.py', tallyScript())])
      .filter((m) => m.kind !== 'CustomResourceDefinition')
      .map((m) => {
        if (m.kind !== 'Deployment' || m.metadata.name !== 'broken') return m;
        const copy = structuredClone(m) as any;
        copy.spec.template.spec.nodeSelector = { 'poorman-faas.test/nowhere': namespace };
        return copy;
      });
    await applyServerSide(cluster, manifests);
    await cluster.kubectl(['scale', 'deployment', 'broken', '-n', namespace, '--replicas=0']);
    await waitFor('no pods', async () => (await podNames()).length === 0);
    gateway = await startKubernetesGateway({
      kubeconfig: cluster.kubeconfigPath,
      namespace,
      identity: 'gateway-a',
      config: { coldStartTimeoutMs: COLD_START_TIMEOUT_MS, startRetryBackoffMs: 0 },
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await cluster.kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
  });

  it("answers 502 start_failed with the pod's own reason, exit code and last log lines when it crash-loops", async () => {
    // when a call wakes the function and its container crash-loops
    const answer = post(`${gateway!.gateway.url}/function/broken`, 'hello');
    const pod = await onePod();
    await setContainerStatus(pod, {
      restartCount: 2,
      state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 20s restarting failed container=function' } },
      lastState: {
        terminated: { exitCode: 1, reason: 'Error', message: 'Traceback (most recent call last):\nModuleNotFoundError: No module named fastapi\n', startedAt: new Date().toISOString(), finishedAt: new Date().toISOString() },
      },
    });
    // then the caller gets the failure, not a cold-start timeout
    const { status, body } = await answer;
    expect(status, body).toBe(502);
    const error = JSON.parse(body);
    expect(error.error).toBe('start_failed');
    expect(error.function).toBe('broken');
    expect(error.message).toContain(`pod ${pod} container "function": CrashLoopBackOff (back-off 20s restarting failed container=function); last exit code 1 (Error)`);
    expect(error.logTail).toContain('ModuleNotFoundError: No module named fastapi');
  });

  it('fails the next wake at once while the pod still cannot start, though its status does not change', async () => {
    // given the pod stuck on an image it cannot pull
    const pod = await onePod();
    await setContainerStatus(pod, { restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "ghcr.io/astral-sh/uv:nope"' } } });
    await waitFor('the gateway to see the pull failure', async () => {
      const { status, body } = await post(`${gateway!.gateway.url}/function/broken`, 'again');
      return status === 502 && body.includes('ImagePullBackOff');
    });
    // when a call arrives after the retry backoff, with nothing new on the pod
    const { status, body } = await post(`${gateway!.gateway.url}/function/broken`, 'once more');
    // then it gets the same failure from the pod's current status
    expect(status, body).toBe(502);
    expect(JSON.parse(body).message).toContain(`pod ${pod} container "function": ImagePullBackOff (Back-off pulling image "ghcr.io/astral-sh/uv:nope")`);
  });
});
