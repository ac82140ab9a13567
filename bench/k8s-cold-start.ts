/**
 * The gateway's own share of a Kubernetes cold start: from the moment the gateway learns from its
 * EndpointSlice watch that the function's endpoint is ready to the first byte of the response at
 * the client, beside the whole cold start (request sent → first byte), on the test cluster (real
 * kube-apiserver, kwok pods, each pod's real process started in a test host's network namespace
 * when kwok places the pod, Ready once it accepts connections at the probe's period). The whole
 * cold start is split at the process's spawn: request → spawn (scale, ReplicaSet, scheduler, kwok)
 * and spawn → endpoint ready at the gateway (uv and Python start, the readiness probe, the
 * EndpointSlice).
 * In the same run, as references: the same interval measured from an independent watch of the
 * test's own, and a warm call through the gateway and straight to the function.
 *
 *   npx tsx bench/k8s-cold-start.ts [cold starts, default 9] [warm calls, default 200]
 */
import { request } from 'node:http';
import { KubeConfig, Watch } from '@kubernetes/client-node';
import { startCluster } from '../test/cluster/harness.js';
import { startKubernetesGateway } from '../test/cluster/kubernetes-gateway.js';
import { setUpTally } from '../test/cluster/tally-platform.js';
import { waitFor } from '../test/cluster/wait.js';

const coldRuns = Number(process.argv[2] ?? 9);
const warmRuns = Number(process.argv[3] ?? 200);
if (!Number.isInteger(coldRuns) || coldRuns < 1 || !Number.isInteger(warmRuns) || warmRuns < 1) {
  console.error('usage: npx tsx bench/k8s-cold-start.ts [cold starts >= 1] [warm calls >= 1]');
  process.exit(2);
}

/** ms from sending a POST to its response's first byte (status line and headers). */
function firstByte(url: string, body: string): Promise<{ sentAt: number; firstByteAt: number; status: number }> {
  return new Promise((resolve, reject) => {
    const sentAt = performance.now();
    const req = request(url, { method: 'POST', agent: false, headers: { 'content-length': Buffer.byteLength(body) } }, (res) => {
      const firstByteAt = performance.now();
      res.resume().on('end', () => resolve({ sentAt, firstByteAt, status: res.statusCode ?? 0 }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

const cluster = await startCluster();
const namespace = `bench-cold-${process.pid}`;
const platform = await setUpTally(cluster, namespace);
const running = await startKubernetesGateway({ kubeconfig: cluster.kubeconfigPath, namespace, identity: 'bench' });
const { backend, gateway } = running;

// The independent observer: the test's own watch of the function's EndpointSlices.
const kc = new KubeConfig();
kc.loadFromFile(cluster.kubeconfigPath);
let watchReadyAt: number | undefined;
const watch = await new Watch(kc).watch(
  `/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices`,
  { labelSelector: 'kubernetes.io/service-name=tally' },
  (_type, slice: any) => {
    const ready = (slice.endpoints ?? []).some((e: any) => e.conditions?.ready !== false);
    if (ready && watchReadyAt === undefined) watchReadyAt = performance.now();
  },
  () => undefined,
);

let gatewayReadyAt: number | undefined;
// Registered after the gateway's waker: called in the same dispatch, before any proxying can start.
backend.onEndpointsChanged((name) => {
  if (name === 'tally' && backend.readyEndpoints('tally').length > 0 && gatewayReadyAt === undefined) gatewayReadyAt = performance.now();
});

const share: number[] = [];
const fromWatch: number[] = [];
const total: number[] = [];
const toSpawn: number[] = [];
const spawnToReady: number[] = [];
try {
  for (let run = 0; run < coldRuns; run++) {
    await backend.scale('tally', 0);
    await waitFor('the function asleep', async () =>
      backend.readyEndpoints('tally').length === 0 &&
      (await cluster.getJson(['pods', '-n', namespace, '-l', 'faas.poorman.dev/function=tally'])).items.length === 0);
    gatewayReadyAt = undefined;
    watchReadyAt = undefined;
    const call = await firstByte(`${gateway.url}/function/tally`, `cold-${run}`);
    if (call.status !== 200 || gatewayReadyAt === undefined) throw new Error(`cold start ${run}: status ${call.status}, endpoint seen: ${gatewayReadyAt !== undefined}`);
    share.push(call.firstByteAt - gatewayReadyAt);
    if (watchReadyAt !== undefined) fromWatch.push(call.firstByteAt - watchReadyAt);
    total.push(call.firstByteAt - call.sentAt);
    const spawned = platform.pods.started.at(-1)?.process.startedAt;
    if (spawned === undefined || spawned < call.sentAt) throw new Error(`cold start ${run}: no pod process was started for this call`);
    toSpawn.push(spawned - call.sentAt);
    spawnToReady.push(gatewayReadyAt - spawned);
  }
  const warmGateway: number[] = [];
  const warmDirect: number[] = [];
  for (let i = 0; i < warmRuns; i++) {
    const viaGateway = await firstByte(`${gateway.url}/function/tally`, `warm-${i}`);
    warmGateway.push(viaGateway.firstByteAt - viaGateway.sentAt);
    const direct = await firstByte(platform.url, `direct-${i}`);
    warmDirect.push(direct.firstByteAt - direct.sentAt);
  }

  console.log(`Kubernetes cold start, ${coldRuns} runs (real kube-apiserver, kwok pod, its real process started with it in a test host namespace)`);
  console.log(`  request sent → first byte (whole cold start)     p50 ${fmt(percentile(total, 50))}  p90 ${fmt(percentile(total, 90))}`);
  console.log(`    request sent → the pod's process spawned         p50 ${fmt(percentile(toSpawn, 50))}  p90 ${fmt(percentile(toSpawn, 90))}`);
  console.log(`    process spawned → endpoint ready at the gateway  p50 ${fmt(percentile(spawnToReady, 50))}  p90 ${fmt(percentile(spawnToReady, 90))}`);
  console.log(`  gateway's share: endpoint ready at its watch →   p50 ${fmt(percentile(share, 50))}  p90 ${fmt(percentile(share, 90))}  max ${fmt(Math.max(...share))}`);
  console.log(`    first byte at the client (each run: ${share.map((v) => v.toFixed(1)).join(", ")})`);
  if (fromWatch.length > 0) {
    console.log(`  endpoint ready at an independent watch → first   p50 ${fmt(percentile(fromWatch, 50))}  p90 ${fmt(percentile(fromWatch, 90))}`);
    console.log('    byte (includes the gateway watch\'s own delivery)');
  }
  console.log(`references, ${warmRuns} warm calls each, new connection per call:`);
  console.log(`  through the gateway                              p50 ${fmt(percentile(warmGateway, 50))}  p90 ${fmt(percentile(warmGateway, 90))}`);
  console.log(`  straight to the function                         p50 ${fmt(percentile(warmDirect, 50))}  p90 ${fmt(percentile(warmDirect, 90))}`);
  const ratio = percentile(share, 50) / percentile(warmGateway, 50);
  console.log(`gateway share p50 / warm call through the gateway p50: ${ratio.toFixed(2)}`);
  console.log(`whole cold start p50 / warm call through the gateway p50: ${(percentile(total, 50) / percentile(warmGateway, 50)).toFixed(1)}`);
} finally {
  watch.abort();
  await running.close();
  await platform.destroy();
  await cluster.stop();
}
