/**
 * Synthesized functions as real containers: runc under the namespace's restricted Pod Security,
 * uv and the bootstrap as UID 65532 on a read-only root, the projected code volume, the TCP
 * probes, the gateway waking, serving and reaping them, and the CLI reading real pod states and
 * container logs.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ClusterClient } from '../cluster/harness.js';
import { startKubernetesGateway, type KubernetesGateway } from '../cluster/kubernetes-gateway.js';
import { functionFrom } from '../cluster/platform-objects.js';
import { waitFor } from '../cluster/wait.js';
import type { LogLine } from '../../gateway/backends/backend.js';
import { applyOnRealNode, faasCli, isReady, podsOf, readyPod as readyPodIn, spawnFaasCli } from './real-platform.js';

const cluster = new ClusterClient(inject('cluster'));
const node = inject('node');
const namespace = `real-pods-${process.pid}`;
const fixtures = new URL('../fixtures/', import.meta.url).pathname;
let gateway: KubernetesGateway | undefined;

/** Prints each body it gets, so its container log has one known line per call. */
const LOGGER = `# /// script
# dependencies = []
# ///
def handle(req):
    print(f"logged {req}", flush=True)
    return "noted"
`;

const faas = (args: string[]) => faasCli(cluster, namespace, args);
const readyPod = (fn: string) => readyPodIn(cluster, namespace, fn);

async function call(fn: string, body: string): Promise<[number, string]> {
  const answer = await fetch(`${gateway!.gateway.url}/function/${fn}`, { method: 'POST', body });
  return [answer.status, await answer.text()];
}

beforeAll(async () => {
  await applyOnRealNode(
    cluster,
    namespace,
    [
      functionFrom(join(fixtures, 'functions-styles/stdlib_hello.py')),
      functionFrom(join(fixtures, 'functions-broken/crash_at_import.py')),
      functionFrom('logger.py', LOGGER),
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

  it('answers a call to a container that crashes at start with 502 and its traceback, at once', async () => {
    const [status, body] = await call('crash-at-import', 'anyone');
    expect(status).toBe(502);
    const error = JSON.parse(body);
    expect(error.function).toBe('crash-at-import');
    expect(JSON.stringify(error)).toMatch(/configuration missing: crash at import/);
  });

  it('`faas logs` reads the real container log: --tail, --since and --follow', async () => {
    await readyPod('logger');
    for (const body of ['first', 'second']) expect(await call('logger', body)).toEqual([200, 'noted']);

    const tail = await faas(['logs', 'logger', '--tail', '1']);
    expect(tail.code).toBe(0);
    expect(tail.stdout).toMatch(/logged second/);
    expect(tail.stdout).not.toMatch(/logged first/);

    // --since counts back from when the kubelet reads the log: leave a gap wider than a slow CLI start.
    await sleep(15_000);
    const lastAt = Date.now();
    expect(await call('logger', 'third')).toEqual([200, 'noted']);
    // containerd writes a container's output to its log file on its own time: on a loaded machine the
    // line may not be there yet right after the answer.
    let since = await faas(['logs', 'logger', '--since', `${Math.ceil((Date.now() - lastAt) / 1000) + 12}s`]);
    await waitFor('the line logged third in the container log', async () => {
      if (!/logged third/.test(since.stdout)) since = await faas(['logs', 'logger', '--since', `${Math.ceil((Date.now() - lastAt) / 1000) + 12}s`]);
      return /logged third/.test(since.stdout);
    });
    expect(since.code).toBe(0);
    expect(since.stdout).not.toMatch(/logged (first|second)/);

    const follow = spawnFaasCli(cluster, namespace, ['logs', 'logger', '--follow']);
    try {
      await waitFor('faas logs -f to print the lines so far', async () => /logged third/.test(follow.output()));
      expect(await call('logger', 'fourth')).toEqual([200, 'noted']);
      await waitFor('faas logs -f to print a line logged after it started', async () => /logged fourth/.test(follow.output()));
      expect(follow.child.exitCode).toBeNull();
    } finally {
      follow.child.kill();
    }
  });

  it("gives the web UI a function's real container log, then each new line as it is written", async () => {
    const { backend } = gateway!;
    await readyPod('logger');
    expect(await call('logger', 'for the ui')).toEqual([200, 'noted']);
    const lines: LogLine[] = [];
    const leave = new AbortController();
    const following = backend.functionLogs!.logs('logger', (line) => lines.push(line), { follow: true, signal: leave.signal });
    try {
      await waitFor('the logs to hold the line logged before', async () => lines.some((line) => line.text === 'logged for the ui'));
      expect(await call('logger', 'later')).toEqual([200, 'noted']);
      await waitFor('the logs to go on with a line logged after', async () => lines.some((line) => line.text === 'logged later'));
    } finally {
      leave.abort();
      await following;
    }
    const later = lines.find((line) => line.text === 'logged later')!;
    expect(later.instance).toMatch(/^logger-/);
    // The kubelet's own timestamp, not when the gateway read it.
    expect(later.at).toBeLessThanOrEqual(Date.now());
  });
});
