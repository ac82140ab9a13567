/**
 * A wake from zero through the Kubernetes warm pool, against a real API server, with each pool
 * pod's real process (the bootstrap in pool mode, see pool-process.ts) on 127.0.0.1: the gateway's
 * backend claims the pod, really specializes it over signed HTTP, and serves from its address
 * before the Deployment's own pod exists (that pod is kept Pending on no node). A pod that refuses
 * the specialization, or no free pod, falls back to the Deployment and is counted so.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, type V1PodSecurityContext, type V1SecurityContext } from '@kubernetes/client-node';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { PoolWake } from '../../gateway/backends/backend.js';
import { KubernetesBackend } from '../../gateway/backends/kubernetes/kubernetes-backend.js';
import { POOL_LABEL } from '../../gateway/backends/kubernetes/pool-claim.js';
import { DEFAULT_FUNCTION_IMAGE } from '../../constructs/script-key.js';
import { containerSecurityContext, podSecurityContext } from '../../constructs/pod-security.js';
import { warmPoolKey } from '../../constructs/warm-pool-key.js';
import { ClusterClient } from './harness.js';
import { applyServerSide, ensureCrd, functionFrom, platformFor } from './platform-objects.js';
import { startPoolProcess, type PoolProcess } from '../support/pool-process.js';
import { waitFor } from './wait.js';

const cluster = new ClusterClient(inject('cluster'));
const namespace = `pool-wake-${process.pid}`;
const work = mkdtempSync(join(tmpdir(), 'pool-wake-'));
const secret = randomBytes(32).toString('hex');
const secretFile = join(work, 'secret');
const otherSecretFile = join(work, 'other-secret');
const greet = functionFrom('greet.py', `import os\n\ndef handle(req):\n    return "hello " + req + " from " + os.environ["FAAS_FUNCTION"]\n`);
const pool = warmPoolKey(greet, DEFAULT_FUNCTION_IMAGE)!;
const processes: PoolProcess[] = [];
const wakes: PoolWake[] = [];
let core: CoreV1Api;
let backend: KubernetesBackend;

/** A pool pod object the API server holds, Ready at 127.0.0.1 on the port `process` listens on, on no node. */
async function poolPod(name: string, process: PoolProcess): Promise<void> {
  await core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name, labels: { [POOL_LABEL]: pool } },
      spec: {
        nodeSelector: { 'poorman-faas.test/no-such-node': 'true' },
        securityContext: podSecurityContext() as V1PodSecurityContext,
        containers: [
          {
            name: 'pool',
            image: DEFAULT_FUNCTION_IMAGE,
            ports: [{ name: 'http', containerPort: process.port }],
            securityContext: containerSecurityContext() as V1SecurityContext,
          },
        ],
      },
    },
  });
  const status = { phase: 'Running', podIP: '127.0.0.1', conditions: [{ type: 'Ready', status: 'True' }] };
  await cluster.kubectl(['patch', 'pod', name, '-n', namespace, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })]);
}

async function podExists(name: string): Promise<boolean> {
  return core.readNamespacedPod({ name, namespace }).then(
    () => true,
    () => false,
  );
}

async function asleep(): Promise<void> {
  await backend.scale('greet', 0);
  await waitFor('greet at zero', async () => backend.replicas('greet').desired === 0, { deadlineMs: 60_000 });
}

beforeAll(async () => {
  writeFileSync(secretFile, `${secret}\n`);
  writeFileSync(otherSecretFile, randomBytes(32).toString('hex'));
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfigPath);
  core = kc.makeApiClient(CoreV1Api);
  await ensureCrd(cluster);
  // The function's own objects; its Deployment's pod stays Pending, so only a pool pod can serve.
  const manifests = platformFor(namespace, [greet])
    .filter((m) => m.kind !== 'CustomResourceDefinition')
    .map((m) => {
      if (m.kind !== 'Deployment' || m.metadata.name !== 'greet') return m;
      const copy = structuredClone(m) as any;
      copy.spec.replicas = 0;
      copy.spec.template.spec.nodeSelector = { 'poorman-faas.test/no-such-node': 'true' };
      return copy;
    });
  await applyServerSide(cluster, manifests);
  backend = new KubernetesBackend({
    kubeConfig: kc,
    namespace,
    identity: 'gateway-a',
    logger: pino({ level: 'silent' }),
    warmPool: { secret: Buffer.from(secret), poolKeyOf: (def) => warmPoolKey(def, DEFAULT_FUNCTION_IMAGE) },
  });
  backend.onPoolWake((wake) => wakes.push(wake));
  await backend.start();
  await waitFor('the greet Function', async () => backend.functions().has('greet'), { deadlineMs: 60_000 });
});

afterAll(async () => {
  await backend?.stop();
  for (const p of processes) p.stop();
  await cluster.kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
  rmSync(work, { recursive: true, force: true });
});

describe('a wake from zero through the Kubernetes warm pool', () => {
  it('claims a ready pool pod, specializes its real process and serves from it before the Deployment has a pod; scale to zero deletes it', async () => {
    const process = await startPoolProcess('pool-ready', secretFile, work);
    processes.push(process);
    await poolPod('pool-ready', process);
    wakes.length = 0;

    await backend.scale('greet', 1);

    expect(wakes).toEqual([{ function: 'greet', outcome: 'claimed' }]);
    const endpoint = `http://127.0.0.1:${process.port}`;
    expect(backend.readyEndpoints('greet')).toEqual([endpoint]);
    const answer = await fetch(`${endpoint}/`, { method: 'POST', body: 'pool' });
    expect(await answer.text()).toBe('hello pool from greet');
    const pod = await core.readNamespacedPod({ name: 'pool-ready', namespace });
    expect(pod.metadata!.labels![POOL_LABEL]).toBeUndefined();
    expect(pod.metadata!.labels!['faas.poorman.dev/function']).toBe('greet');
    expect((await cluster.getJson(['deployment', 'greet', '-n', namespace])).spec.replicas).toBe(1);

    await asleep();
    await waitFor('the claimed pod deleted', async () => !(await podExists('pool-ready')), { deadlineMs: 60_000 });
    expect(backend.readyEndpoints('greet')).toEqual([]);
  });

  it('falls back to the Deployment, counted, when the pool pod refuses the specialization, and deletes that pod', async () => {
    await asleep();
    // A pod whose process holds another secret: the gateway's signature is refused (403).
    const stranger = await startPoolProcess('pool-stranger', otherSecretFile, work);
    processes.push(stranger);
    await poolPod('pool-stranger', stranger);
    wakes.length = 0;

    await backend.scale('greet', 1);

    expect(wakes).toEqual([{ function: 'greet', outcome: 'fallback' }]);
    expect(backend.readyEndpoints('greet')).toEqual([]);
    expect(stranger.stderr.join('\n')).toContain("is not this pool's signature");
    await waitFor('the refusing pod deleted', async () => !(await podExists('pool-stranger')), { deadlineMs: 60_000 });
    expect((await cluster.getJson(['deployment', 'greet', '-n', namespace])).spec.replicas).toBe(1);
  });

  it('falls back, counted, when no pool pod is free', async () => {
    await asleep();
    wakes.length = 0;
    await backend.scale('greet', 1);
    expect(wakes).toEqual([{ function: 'greet', outcome: 'fallback' }]);
    expect(backend.readyEndpoints('greet')).toEqual([]);
  });
});
