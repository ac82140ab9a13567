/**
 * The test host's pod processes: a kwok pod on a test host gets its own real process when kwok
 * places it, turns Ready only once that process accepts connections, and loses it when deleted;
 * a process that exits shows in the pod's status as a kubelet shows it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ClusterClient, type ClusterTestHost } from './harness.js';
import { placeOn } from './function-host.js';
import { applyServerSide, ensureCrd, functionFrom, platformFor } from './platform-objects.js';
import { runPodProcesses, type PodProcesses } from './pod-processes.js';
import { waitFor } from './wait.js';

const cluster = new ClusterClient(inject('cluster'));
const namespace = `pod-processes-${process.pid}`;
const work = mkdtempSync(join(tmpdir(), 'pod-processes-'));
const goFile = join(work, 'go');
let host: ClusterTestHost | undefined;
let pods: PodProcesses | undefined;

/** Does not listen until the test creates GO_FILE, then answers; exits with 3 when asked to. */
const GATED = `# /// script
# dependencies = []
# ///
import os, sys, time

while not os.path.exists(os.environ["GO_FILE"]):
    time.sleep(0.05)
if open(os.environ["GO_FILE"]).read() == "exit":
    print("asked to exit", flush=True)
    sys.exit(3)


def handle(req):
    return f"up in {os.environ['HOSTNAME']}"
`;

async function podOf(fn: string): Promise<any | undefined> {
  return (await cluster.getJson(['pods', '-n', namespace, '-l', `faas.poorman.dev/function=${fn}`])).items[0];
}

const isReady = (pod: any) => (pod?.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');

beforeAll(async () => {
  await ensureCrd(cluster);
  host = await cluster.createTestHost(namespace);
  pods = runPodProcesses(cluster, host, { env: { GO_FILE: goFile } });
  await pods.synced;
  const manifests = placeOn(platformFor(namespace, [functionFrom('gated.py', GATED)]).filter((m) => m.kind !== 'CustomResourceDefinition'), 'gated', host.placement);
  await applyServerSide(cluster, manifests);
});

afterAll(async () => {
  await pods?.stop();
  await host?.destroy();
  await cluster.kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
  rmSync(work, { recursive: true, force: true });
});

describe('a test host running its pods as processes', () => {
  it('starts a pod\'s process when kwok places it and marks the pod Ready only once it accepts connections', async () => {
    await waitFor('the process of the gated pod to start', async () => pods!.running.size === 1);
    const [podName, fn] = [...pods!.running][0]!;
    const pod = await podOf('gated');
    expect(pod.metadata.name).toBe(podName);
    expect(pod.status.phase).toBe('Running');
    expect(pod.status.podIP).toBe(host!.ip);
    // Its process runs but does not listen: the pod is not Ready however long it runs.
    expect(fn!.child.exitCode).toBeNull();
    expect(isReady(pod)).toBe(false);

    writeFileSync(goFile, 'go');
    await waitFor('the gated pod to be Ready', async () => isReady(await podOf('gated')));
    const answer = await fetch(fn!.url, { method: 'POST', body: '' });
    expect(await answer.text()).toBe(`up in ${podName}`);
  });

  it('stops the process when its pod is deleted', async () => {
    const [podName, fn] = [...pods!.running][0]!;
    await cluster.kubectl(['scale', 'deployment', 'gated', '-n', namespace, '--replicas=0']);
    await fn!.exited;
    await waitFor('the pod to be gone', async () => (await podOf('gated')) === undefined);
    expect(pods!.running.has(podName!)).toBe(false);
  });

  it('reports a process that exits as the kubelet does: last exit code, output, CrashLoopBackOff', async () => {
    writeFileSync(goFile, 'exit');
    await cluster.kubectl(['scale', 'deployment', 'gated', '-n', namespace, '--replicas=1']);
    let status: any;
    await waitFor('the gated pod to crash-loop', async () => {
      status = (await podOf('gated'))?.status?.containerStatuses?.[0];
      return status?.state?.waiting?.reason === 'CrashLoopBackOff';
    });
    expect(status.ready).toBe(false);
    expect(status.restartCount).toBeGreaterThan(0);
    expect(status.lastState.terminated.exitCode).toBe(3);
    expect(status.lastState.terminated.message).toMatch(/asked to exit/);
  });
});
