/**
 * The real gateway over the Kubernetes backend against a real API server: synthesized objects,
 * kwok pods placed on two test hosts, and each pod's real process (uv + bootstrap) inside its
 * host's network namespace, started when kwok places the pod. Requests go only to 127.0.0.1 and
 * to those namespaces.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Manifest } from '../../constructs/synthesize-manifests.js';
import { ClusterClient, type ClusterTestHost } from './harness.js';
import { runPodProcesses, type PodProcesses } from './pod-processes.js';
import { startKubernetesGateway, type KubernetesGateway } from './kubernetes-gateway.js';
import { applyServerSide, ensureCrd, functionFrom, platformFor } from './platform-objects.js';
import { watchReplicas } from './replica-history.js';
import { countsByBody, post, tallied, tallyScript, type Answer } from './tally-function.js';
import { waitFor } from './wait.js';

const cluster = new ClusterClient(inject('cluster'));
const namespace = `k8s-backend-${process.pid}`;
const POOL_LABEL = 'poorman-faas.test/pool';
const work = mkdtempSync(join(tmpdir(), 'k8s-backend-'));
const tallyFile = join(work, 'tally.log');
const hosts: ClusterTestHost[] = [];
const processes: PodProcesses[] = [];
const gateways: KubernetesGateway[] = [];
let manifests: Manifest[] = [];

function eventually(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  return waitFor(what, async () => check(), { deadlineMs: 110_000 });
}

async function gatewayAs(identity: string, config: Parameters<typeof startKubernetesGateway>[0]['config'] = {}): Promise<KubernetesGateway> {
  const started = await startKubernetesGateway({ kubeconfig: cluster.kubeconfigPath, namespace, identity, config });
  gateways.push(started);
  return started;
}

async function closeGateway(g: KubernetesGateway): Promise<void> {
  gateways.splice(gateways.indexOf(g), 1);
  await g.close();
}

async function specReplicas(name: string): Promise<number> {
  return (await cluster.getJson(['deployment', name, '-n', namespace])).spec.replicas;
}

async function functionStatus(name: string): Promise<any> {
  return (await cluster.getJson(['function', name, '-n', namespace])).status ?? {};
}

async function scaleTo(replicas: number, name = 'tally'): Promise<void> {
  await cluster.kubectl(['scale', 'deployment', name, '-n', namespace, `--replicas=${replicas}`]);
}

/** Both hosts' pods schedulable, one pod per host at most, so two replicas means two addresses. */
function poolPlacement(pool: string): object {
  return {
    nodeSelector: { [POOL_LABEL]: pool },
    tolerations: hosts.flatMap((h) => h.placement.tolerations),
    affinity: {
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          { labelSelector: { matchLabels: { 'faas.poorman.dev/function': 'tally' } }, topologyKey: 'kubernetes.io/hostname' },
        ],
      },
    },
  };
}

describe('the Kubernetes backend against a real API server', () => {
  beforeAll(async () => {
    // Given the synthesized platform and a function, its pods on two test hosts running its real process
    await ensureCrd(cluster);
    for (const label of ['backend-a', 'backend-b']) hosts.push(await cluster.createTestHost(`${label}-${process.pid}`));
    for (const host of hosts) await cluster.kubectl(['label', 'node', host.nodeName, `${POOL_LABEL}=${namespace}`]);
    const tally = functionFrom('tally.py', tallyScript());
    manifests = platformFor(namespace, [tally])
      .filter((m) => m.kind !== 'CustomResourceDefinition')
      .map((m) => {
        if (m.kind !== 'Deployment' || m.metadata.name !== 'tally') return m;
        const copy = structuredClone(m) as any;
        Object.assign(copy.spec.template.spec, poolPlacement(namespace));
        return copy;
      });
    await applyServerSide(cluster, manifests);
    for (const host of hosts) processes.push(runPodProcesses(cluster, host, { env: { TALLY_FILE: tallyFile, TALLY_HOST: host.nodeName } }));
    await Promise.all(processes.map((p) => p.synced));
    // Applied without spec.replicas, the Deployment starts at 1: put it to sleep as the reaper would.
    await scaleTo(0);
    await eventually('no tally pods', async () => (await cluster.getJson(['pods', '-n', namespace, '-l', 'faas.poorman.dev/function=tally'])).items.length === 0);
  });

  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.close()));
    await Promise.all(processes.map((p) => p.stop()));
    await Promise.all(hosts.map((h) => h.destroy()));
    await cluster.kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
    rmSync(work, { recursive: true, force: true });
  });

  it('discovers functions from Function objects and follows their creation, update and deletion', async () => {
    const a = await gatewayAs('gateway-a');
    expect([...a.backend.functions().keys()]).toEqual(['tally']);

    const extra = platformFor(namespace, [functionFrom('extra.py', tallyScript({ maxReplicas: 2 }))]).find((m) => m.kind === 'Function')!;
    await applyServerSide(cluster, [extra]);
    await eventually('extra to be discovered', () => a.backend.functions().get('extra')?.maxReplicas === 2);

    await cluster.kubectl(['patch', 'function', 'extra', '-n', namespace, '--type=merge', '-p', '{"spec":{"maxReplicas":4}}']);
    await eventually('the update of extra', () => a.backend.functions().get('extra')?.maxReplicas === 4);

    await cluster.kubectl(['delete', 'function', 'extra', '-n', namespace]);
    await eventually('extra to be forgotten', () => !a.backend.functions().has('extra'));
    expect([...a.backend.functions().keys()]).toEqual(['tally']);
  });

  it('wakes a sleeping function through deployments/scale and serves it once its EndpointSlice is ready', async () => {
    const [a] = gateways;
    const history = watchReplicas(cluster.kubeconfigPath, namespace, 'tally');
    await history.started;
    expect(a!.backend.replicas('tally')).toEqual({ desired: 0, ready: 0 });

    const answer = await post(`${a!.gateway.url}/function/tally`, 'first');
    history.stop();

    expect(answer.status).toBe(200);
    expect(answer.body).toMatch(/^test-host-backend-[ab]-\d+ first\n$/);
    expect(history.values).toEqual([0, 1]);
    expect(await specReplicas('tally')).toBe(1);
    expect(a!.backend.readyEndpoints('tally')).toHaveLength(1);
    expect(hosts.map((h) => `http://${h.ip}:8080`)).toContain(a!.backend.readyEndpoints('tally')[0]);
  });

  it('writes replicas, ready replicas and the last invocation to the Function status', async () => {
    let status: any = {};
    await eventually('the Function status', async () => {
      status = await functionStatus('tally');
      return status.replicas === 1 && status.readyReplicas === 1 && typeof status.lastInvocation === 'string';
    });

    expect(Date.now() - Date.parse(status.lastInvocation)).toBeLessThan(10 * 60_000);
    const row = await cluster.kubectl(['get', 'function', 'tally', '-n', namespace, '--no-headers']);
    expect(row.trim().split(/\s+/).slice(0, 3)).toEqual(['tally', '1', '1']);
  });

  it('balances across both ready endpoint addresses', async () => {
    const [a] = gateways;
    await scaleTo(2);
    await eventually('two ready endpoints at the gateway', () => a!.backend.readyEndpoints('tally').length === 2);
    const before = tallied(tallyFile).length;

    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => post(`${a!.gateway.url}/function/tally`, `balance-${i}`)));

    expect(answers.map((r) => r.status)).toEqual(Array(40).fill(200));
    const served = tallied(tallyFile).slice(before);
    expect(served).toHaveLength(40);
    const perHost = new Map<string, number>();
    for (const { host } of served) perHost.set(host, (perHost.get(host) ?? 0) + 1);
    expect([...perHost.keys()].sort()).toEqual(hosts.map((h) => h.nodeName).sort());
    expect(Math.min(...perHost.values())).toBeGreaterThanOrEqual(10);
    await scaleTo(1);
    await eventually('one ready endpoint again', () => a!.backend.readyEndpoints('tally').length === 1);
  });

  it('refuses to scale a Deployment whose selector is not its function\'s', async () => {
    const [a] = gateways;
    // A Function object named like a Deployment that someone else made for something else.
    const stranger = platformFor(namespace, [functionFrom('stranger.py', tallyScript())]).find((m) => m.kind === 'Function')!;
    await cluster.kubectl(['create', 'deployment', 'stranger', '-n', namespace, '--image=registry.invalid/other:1', '--replicas=0']);
    await applyServerSide(cluster, [stranger]);
    await eventually('stranger to be discovered', () => a!.backend.functions().has('stranger'));

    const answer = await post(`${a!.gateway.url}/function/stranger`, 'x');

    expect(answer.status).toBe(502);
    expect(answer.body).toContain('was not made for function');
    await expect(a!.backend.scale('stranger', 1)).rejects.toThrow(/deployment .*\/stranger was not made for function "stranger"/);
    expect(await specReplicas('stranger')).toBe(0);
    await cluster.kubectl(['delete', 'function,deployment', 'stranger', '-n', namespace]);
  });

  it('lets exactly one of two gateways hold the reaper Lease, and hands it over when that one stops', async () => {
    const [a] = gateways;
    const b = await gatewayAs('gateway-b');
    await eventually('a holder of the Lease', async () => (await a!.reapPermit()) !== (await b.reapPermit()));

    const lease = await cluster.getJson(['lease', 'faas-gateway-reaper', '-n', namespace]);
    const holder = (await a!.reapPermit()) ? 'gateway-a' : 'gateway-b';
    expect(lease.spec.holderIdentity).toBe(holder);
    expect([await a!.reapPermit(), await b.reapPermit()].filter(Boolean)).toHaveLength(1);

    // When the holder stops, the other takes over without waiting for the lease to expire.
    const [leaving, staying] = holder === 'gateway-a' ? [a!, b] : [b, a!];
    await closeGateway(leaving);
    await eventually('the other gateway to hold the Lease', async () => staying.reapPermit());
    const after = await cluster.getJson(['lease', 'faas-gateway-reaper', '-n', namespace]);
    expect(after.spec.holderIdentity).toBe(holder === 'gateway-a' ? 'gateway-b' : 'gateway-a');
  });

  it('answers every request exactly once across a gateway restart in the middle of traffic', async () => {
    for (const g of [...gateways]) await closeGateway(g);
    let current = await gatewayAs('gateway-restart');
    const url = current.gateway.url;
    const port = current.gateway.port;
    await scaleTo(1);
    await eventually('the function awake', () => current.backend.readyEndpoints('tally').length === 1);
    const history = watchReplicas(cluster.kubeconfigPath, namespace, 'tally');
    await history.started;

    // As a load balancer would: a connection refused, or reset before any answer (still in the
    // closing gateway's accept queue), is tried again. The count at the function shows whether
    // that ever made a request arrive twice.
    let retried = 0;
    const send = async (body: string): Promise<Answer> => {
      for (;;) {
        try {
          return await post(`${url}/function/tally`, body);
        } catch (error) {
          if (!['ECONNREFUSED', 'ECONNRESET'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
          retried++;
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    };
    const bodies = Array.from({ length: 300 }, (_, i) => `restart-${i}`);
    let next = 0;
    const answers: Answer[] = [];
    const worker = async () => {
      while (next < bodies.length) answers.push(await send(bodies[next++]!));
    };
    const traffic = Promise.all(Array.from({ length: 8 }, worker));
    await eventually('traffic to be under way', () => answers.length >= 60);
    await closeGateway(current);
    current = await gatewayAs('gateway-restart', { port });
    const answeredBeforeRestart = answers.length;
    await traffic;
    history.stop();

    expect(answers).toHaveLength(300);
    expect(answers.filter((r) => r.status !== 200)).toEqual([]);
    // The restart really fell in the middle: the new gateway answered part of the traffic.
    expect(answeredBeforeRestart).toBeLessThan(300);
    console.info(`gateway restart: ${retried} connections refused or reset before an answer were tried again`);
    const counts = countsByBody(tallyFile);
    expect(bodies.filter((b) => counts.get(b) !== 1)).toEqual([]);
    // The restarted gateway read the live count instead of waking or reaping the function again.
    expect(history.values).toEqual([1]);
  });

  it('loses nothing when a burst arrives while the function is being scaled to zero', async () => {
    for (const g of [...gateways]) await closeGateway(g);
    await cluster.kubectl(['patch', 'function', 'tally', '-n', namespace, '--type=merge', '-p', '{"spec":{"idleTimeout":"1s"}}']);
    // The reaper sweeps when the test says, so that each burst meets a scale-down under way.
    const reaping = await gatewayAs('gateway-reaper', { reaperPollMs: 0 });
    await eventually('the shorter idle timeout', () => reaping.backend.functions().get('tally')?.idleTimeoutSeconds === 1);
    await eventually('the Lease', async () => reaping.reapPermit());
    const history = watchReplicas(cluster.kubeconfigPath, namespace, 'tally');
    await history.started;
    const pastIdleTimeout = (): Promise<void> => new Promise((r) => setTimeout(r, 1100));

    // A pod that turns ready counts as a call, so a round whose wake settles late is not idle at its
    // sweep yet; rounds go on until six sweeps really scaled down under their burst.
    const backend = reaping.backend;
    const reapIfIdle = backend.reapIfIdle.bind(backend);
    let reapedUnderBurst = 0;
    const answers: Answer[] = [];
    const bodies: string[] = [];
    for (let round = 0; round < 20 && reapedUnderBurst < 6; round++) {
      await post(`${reaping.gateway.url}/function/tally`, `scale-down-warm-${round}`).then((r) => answers.push(r));
      bodies.push(`scale-down-warm-${round}`);
      await pastIdleTimeout();
      const outcomes: string[] = [];
      backend.reapIfIdle = async (name, idleMs) => {
        const outcome = await reapIfIdle(name, idleMs);
        outcomes.push(outcome);
        return outcome;
      };
      // The sweep decides in this tick, before any call of the burst has reached the gateway.
      const sweep = reaping.gateway.reaper.sweep();
      const burst = Array.from({ length: 30 }, (_, i) => `scale-down-${round}-${i}`);
      bodies.push(...burst);
      answers.push(...(await Promise.all(burst.map((b) => post(`${reaping.gateway.url}/function/tally`, b)))));
      await sweep;
      backend.reapIfIdle = reapIfIdle;
      if (outcomes.includes('reaped')) reapedUnderBurst++;
    }
    expect(reapedUnderBurst).toBe(6);
    await pastIdleTimeout();
    await reaping.gateway.reaper.sweep();
    await eventually('a scale to zero after the last burst', () => history.values.at(-1) === 0);
    history.stop();

    expect(answers.filter((r) => r.status !== 200)).toEqual([]);
    const counts = countsByBody(tallyFile);
    expect(bodies.filter((b) => counts.get(b) !== 1)).toEqual([]);
    // Every scale-down under a burst was seen by the API server, and each was followed by a wake.
    expect(history.values.filter((v) => v === 0).length).toBeGreaterThanOrEqual(6);
  });
});
