/**
 * Synthesized functions as real containers: runc under the namespace's restricted Pod Security,
 * uv and the bootstrap as UID 65532 on a read-only root, the projected code volume, the TCP
 * probes, the gateway waking, serving and reaping them, and the CLI reading real pod states and
 * container logs.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ClusterClient } from '../cluster/harness.js';
import { startKubernetesGateway, type KubernetesGateway } from '../cluster/kubernetes-gateway.js';
import { functionFrom } from '../cluster/platform-objects.js';
import { waitFor } from '../cluster/wait.js';
import { applyOnRealNode, isReady, podsOf } from './real-platform.js';

const cluster = new ClusterClient(inject('cluster'));
const node = inject('node');
const namespace = `real-pods-${process.pid}`;
const fixtures = new URL('../fixtures/', import.meta.url).pathname;
const faasBin = new URL('../../bin/faas.js', import.meta.url).pathname;
let gateway: KubernetesGateway | undefined;

function faas(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [faasBin, ...args, '-n', namespace, '--kubeconfig', cluster.kubeconfigPath],
      { env: { ...process.env, FAAS_FUNCTIONS_DIR: '' } },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }),
    );
  });
}

async function readyPod(fn: string): Promise<any> {
  let ready: any;
  await waitFor(`a Ready pod of ${fn}`, async () => {
    ready = (await podsOf(cluster, namespace, fn)).find(isReady);
    return ready !== undefined;
  }, { deadlineMs: 180_000 });
  return ready;
}

beforeAll(async () => {
  await applyOnRealNode(
    cluster,
    namespace,
    [
      functionFrom(join(fixtures, 'functions-styles/stdlib_hello.py')),
      functionFrom(join(fixtures, 'functions-broken/crash_at_import.py')),
    ],
    node.runtimeImage,
  );
  gateway = await startKubernetesGateway({ kubeconfig: cluster.kubeconfigPath, namespace, identity: 'real-pods', config: { reaperPollMs: 100 } });
});

afterAll(async () => {
  await gateway?.close();
  await cluster.kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
});

describe('a synthesized function in a real container', () => {
  it('starts under restricted Pod Security on the real node and turns Ready through its probes', async () => {
    const labels = (await cluster.getJson(['namespace', namespace])).metadata.labels;
    expect(labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    const pod = await readyPod('stdlib-hello');
    expect(pod.spec.nodeName).toBe(node.name);
    expect(pod.status.podIP).toMatch(/^198\.19\.0\./);
    const [container] = pod.status.containerStatuses;
    expect(container.image).toContain(node.runtimeImage);
    // The process really runs as the manifest's user, on a root it cannot write.
    const exec = (command: string) => cluster.kubectl(['exec', '-n', namespace, pod.metadata.name, '-c', 'function', '--', 'sh', '-c', command]);
    expect((await exec('id -u; id -g')).trim().split('\n')).toEqual(['65532', '65532']);
    expect(await exec('touch /probe-write 2>&1 || true')).toMatch(/Read-only file system/);
    expect(await exec('cat /proc/1/status | grep -E "^(CapEff|NoNewPrivs|Seccomp):"')).toMatch(
      /CapEff:\s+0000000000000000[\s\S]*NoNewPrivs:\s+1[\s\S]*Seccomp:\s+2/,
    );
  });

  it('answers through the gateway, is reaped to zero after its idle timeout, and wakes again', async () => {
    const { gateway: running, backend } = gateway!;
    const first = await readyPod('stdlib-hello');
    const answer = await fetch(`${running.url}/function/stdlib-hello`, { method: 'POST', body: 'pods' });
    expect([answer.status, await answer.text()]).toEqual([200, 'hello pods']);

    await cluster.kubectl(['patch', 'function', 'stdlib-hello', '-n', namespace, '--type=merge', '-p', '{"spec":{"idleTimeout":"1s"}}']);
    await waitFor('the reaper to scale stdlib-hello to zero and its pod to go', async () =>
      backend.replicas('stdlib-hello')?.desired === 0 && (await podsOf(cluster, namespace, 'stdlib-hello')).length === 0,
      { deadlineMs: 120_000 });

    const woken = await fetch(`${running.url}/function/stdlib-hello`, { method: 'POST', body: 'again' });
    expect([woken.status, await woken.text()]).toEqual([200, 'hello again']);
    const [second] = await podsOf(cluster, namespace, 'stdlib-hello');
    expect(second.metadata.name).not.toBe(first.metadata.name);
    expect(isReady(second)).toBe(true);
  });

  it('shows a container that crashes at import in `faas describe`, with its real log in `faas logs`', async () => {
    await waitFor('crash-at-import to have restarted', async () =>
      (await podsOf(cluster, namespace, 'crash-at-import')).some((p) => (p.status.containerStatuses?.[0]?.restartCount ?? 0) > 0),
      { deadlineMs: 120_000 });
    const described = await faas(['describe', 'crash-at-import', '-o', 'json']);
    expect(described.code).toBe(0);
    const [pod] = JSON.parse(described.stdout).pods;
    expect(pod.ready).toBe(false);
    expect(pod.restarts).toBeGreaterThan(0);

    const logs = await faas(['logs', 'crash-at-import']);
    expect(logs.stdout).toMatch(/ValueError: configuration missing: crash at import/);
  });
});
