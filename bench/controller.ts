/**
 * The function controller on the test cluster (real kube-apiserver, etcd, controller-manager, kwok),
 * running in this process as its own ServiceAccount:
 *
 * - reconcile latency: Function created → its Deployment seen by a watch, and → Reconciled=True in
 *   status; one at a time (p50/p90/max), then a burst of them created at once;
 * - steady-state cost: over a quiet period, the controller's API writes (applies and status
 *   patches, from its own counters), its reconciles, and how many objects changed resourceVersion;
 *   then what a status write by another writer (the gateway's) costs it;
 * - the bundled controller.mjs restarted over all of them: time to catch up and its RSS.
 *
 *   npx tsx bench/controller.ts [functions, default 20] [quiet seconds, default 60]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions, Watch } from '@kubernetes/client-node';
import { bundleGateway } from '../build/bundle-gateway.js';
import { startCluster } from '../test/cluster/harness.js';
import { setUpControllerPlatform } from '../test/cluster/controller-platform.js';
import { waitFor } from '../test/cluster/wait.js';

const count = Number(process.argv[2] ?? 20);
const quietSeconds = Number(process.argv[3] ?? 60);
if (!Number.isInteger(count) || count < 1 || !Number.isFinite(quietSeconds) || quietSeconds < 1) {
  console.error('usage: npx tsx bench/controller.ts [functions >= 1] [quiet seconds >= 1]');
  process.exit(2);
}

const namespace = 'bench-controller';
const GROUP = { group: 'faas.poorman.dev', version: 'v1alpha1', plural: 'functions', namespace };

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const ms = (v: number) => `${v.toFixed(0)} ms`;
const summary = (values: number[]) => `p50 ${ms(percentile(values, 50))}, p90 ${ms(percentile(values, 90))}, max ${ms(Math.max(...values))}`;

function functionBody(name: string): object {
  return {
    apiVersion: 'faas.poorman.dev/v1alpha1',
    kind: 'Function',
    metadata: { name, namespace },
    spec: { minReplicas: 0, source: `def handle(req):\n    return "${name} " + req\n` },
  };
}

const cluster = await startCluster();
try {
  const platform = await setUpControllerPlatform(cluster, namespace);
  const controller = await platform.startController();
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(cluster.kubeconfigPath);
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);

  // When each Deployment and each Reconciled=True first appears, from watches of our own.
  const deploymentSeen = new Map<string, number>();
  const reconciledSeen = new Map<string, number>();
  const watch = new Watch(kubeConfig);
  const watches = await Promise.all([
    watch.watch(`/apis/apps/v1/namespaces/${namespace}/deployments`, {}, (_type, o: any) => {
      if (!deploymentSeen.has(o.metadata.name)) deploymentSeen.set(o.metadata.name, performance.now());
    }, () => undefined),
    watch.watch(`/apis/faas.poorman.dev/v1alpha1/namespaces/${namespace}/functions`, {}, (_type, o: any) => {
      const ok = o.status?.conditions?.some((c: any) => c.type === 'Reconciled' && c.status === 'True');
      if (ok && !reconciledSeen.has(o.metadata.name)) reconciledSeen.set(o.metadata.name, performance.now());
    }, () => undefined),
  ]);

  const create = async (name: string) => {
    const sentAt = performance.now();
    await custom.createNamespacedCustomObject({ ...GROUP, body: functionBody(name) });
    return sentAt;
  };
  const latencies = async (names: string[], sent: Map<string, number>) => {
    await waitFor('every function to be reconciled', async () => names.every((n) => reconciledSeen.has(n) && deploymentSeen.has(n)), { deadlineMs: 600_000 });
    return {
      deployment: names.map((n) => deploymentSeen.get(n)! - sent.get(n)!),
      reconciled: names.map((n) => reconciledSeen.get(n)! - sent.get(n)!),
    };
  };

  // One at a time: the controller has nothing else to do.
  const sequential = Array.from({ length: count }, (_, i) => `seq-${i}`);
  const sentSequential = new Map<string, number>();
  for (const name of sequential) {
    sentSequential.set(name, await create(name));
    await latencies([name], sentSequential);
  }
  const one = await latencies(sequential, sentSequential);

  // A burst: every Function created at once, as `kubectl apply -f` of a folder would.
  const burst = Array.from({ length: count }, (_, i) => `burst-${i}`);
  const sentBurst = new Map<string, number>();
  const burstStart = performance.now();
  await Promise.all(burst.map(async (name) => sentBurst.set(name, await create(name))));
  const many = await latencies(burst, sentBurst);
  const burstAll = Math.max(...burst.map((n) => deploymentSeen.get(n)!)) - burstStart;

  // Quiet: once every first replica is up (kwok) and reported, nothing changes; the controller should write nothing.
  await waitFor('every function to be Ready and every rollout done', async () => {
    const out = JSON.parse(await cluster.kubectl(['get', 'functions.faas.poorman.dev,deployments', '-n', namespace, '-o', 'json'])).items;
    return out.every((o: any) =>
      o.kind === 'Function'
        ? o.status?.conditions?.some((c: any) => c.type === 'Ready' && c.reason === 'Available')
        : o.status?.observedGeneration === o.metadata.generation && (o.status?.availableReplicas ?? 0) === o.spec.replicas,
    );
  }, { deadlineMs: 600_000 });
  await new Promise((r) => setTimeout(r, 2000));
  await controller.idle();
  const resourceVersions = async () => {
    const out = await cluster.kubectl(['get', 'functions.faas.poorman.dev,configmaps,deployments,services,horizontalpodautoscalers', '-n', namespace, '-o', 'json']);
    return new Map<string, string>(JSON.parse(out).items.map((o: any) => [`${o.kind}/${o.metadata.name}`, o.metadata.resourceVersion]));
  };
  const before = await resourceVersions();
  const writesBefore = { ...controller.reconciler.writes };
  const reconcilesBefore = controller.reconciler.reconciles;
  await new Promise((r) => setTimeout(r, quietSeconds * 1000));
  await controller.idle();
  const after = await resourceVersions();
  const changed = [...after].filter(([key, rv]) => before.get(key) !== rv).map(([key]) => key);

  // The gateway writes status (replicas, last invocation) under traffic; each such write is a watch
  // event here. What does one cost the controller?
  const reconcilesBeforeStatus = controller.reconciler.reconciles;
  const names = [...sequential, ...burst];
  const stamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  await Promise.all(names.map((name) => custom.patchNamespacedCustomObjectStatus({ ...GROUP, name, body: { status: { lastInvocation: stamp } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch))));
  await new Promise((r) => setTimeout(r, 2000));
  await controller.idle();
  const statusReconciles = controller.reconciler.reconciles - reconcilesBeforeStatus;

  console.log(`function controller on the test cluster (${count} functions, 4 objects each; 2 cores shared)`);
  console.log(`  one at a time, created → Deployment seen:      ${summary(one.deployment)}`);
  console.log(`  one at a time, created → Reconciled=True seen: ${summary(one.reconciled)}`);
  console.log(`  burst of ${count}, created → Deployment seen:      ${summary(many.deployment)}`);
  console.log(`  burst of ${count}, first create → last Deployment: ${ms(burstAll)}`);
  console.log(`  quiet ${quietSeconds} s with ${before.size} objects: applies ${controller.reconciler.writes.applies - writesBefore.applies}, status patches ${controller.reconciler.writes.statusPatches - writesBefore.statusPatches}, reconciles ${controller.reconciler.reconciles - reconcilesBefore}, objects changed ${changed.length}${changed.length ? ` (${changed.slice(0, 5).join(', ')})` : ''}`);
  console.log(`  ${names.length} status writes by another writer (as the gateway's): reconciles ${statusReconciles}`);
  console.log(`  total API writes by the controller: ${controller.reconciler.writes.applies} applies, ${controller.reconciler.writes.statusPatches} status patches for ${2 * count} functions`);
  for (const w of watches) w.abort();

  // The shipped process: the bundle the image runs, started cold over all these functions, as a
  // restarted controller Deployment would be. Its memory against the Deployment's default limit.
  await controller.stop();
  const bundleDir = mkdtempSync(join(tmpdir(), 'bench-controller-'));
  try {
    await bundleGateway(process.cwd(), bundleDir);
    const startedAt = performance.now();
    const child = spawn(process.execPath, [join(bundleDir, 'controller.mjs')], {
      env: { ...process.env, KUBECONFIG: platform.controllerKubeconfig, K8S_NAMESPACE: namespace, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let applied = 0;
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (applied += chunk.split('applied function workloads').length - 1));
    // Every Function is applied once after a restart (no-op applies: the objects are already right).
    await waitFor('the bundled controller to apply every function once', async () => applied >= names.length, { deadlineMs: 600_000 });
    const caughtUp = performance.now() - startedAt;
    await new Promise((r) => setTimeout(r, 1000));
    const rss = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
    child.kill('SIGTERM');
    console.log(`  bundled controller.mjs restarted over ${names.length} functions: all applied again in ${ms(caughtUp)}, RSS ${rss.toFixed(0)} MiB (the controller Deployment's default limit: 256Mi)`);
  } finally {
    rmSync(bundleDir, { recursive: true, force: true });
  }
  await platform.destroy();
} finally {
  await cluster.stop();
}
