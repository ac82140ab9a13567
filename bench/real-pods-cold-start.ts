/**
 * A cold start with a real pod start in it: request sent → first byte for a function at zero
 * replicas, through the gateway, on the real node of test/nodes (kubelet, containerd, runc: the
 * sandbox, the CNI bridge, the image's uv and Python, the TCP probes). Beside it, in the same run,
 * the same cold start on a kwok pod (its real process started when kwok places the pod, in a test
 * host's network namespace), which is what test/cluster and bench/k8s-cold-start.ts measure, and as
 * the reference a warm call through the gateway to the real pod.
 *
 *   npx tsx bench/real-pods-cold-start.ts [cold starts each, default 5]
 */
import { request } from 'node:http';
import { startCluster } from '../test/cluster/harness.js';
import { startKubernetesGateway } from '../test/cluster/kubernetes-gateway.js';
import { functionFrom } from '../test/cluster/platform-objects.js';
import { setUpTally } from '../test/cluster/tally-platform.js';
import { waitFor } from '../test/cluster/wait.js';
import { ensureNodeBinaries, startRealNode } from '../test/nodes/real-node.js';
import { applyOnRealNode, podsOf } from '../test/nodes/real-platform.js';

const runs = Number(process.argv[2] ?? 5);
if (!Number.isInteger(runs) || runs < 1) {
  console.error('usage: npx tsx bench/real-pods-cold-start.ts [cold starts >= 1]');
  process.exit(2);
}

function firstByte(url: string, body: string): Promise<{ ms: number; status: number }> {
  return new Promise((resolve, reject) => {
    const sentAt = performance.now();
    const req = request(url, { method: 'POST', agent: false, headers: { 'content-length': Buffer.byteLength(body) } }, (res) => {
      const ms = performance.now() - sentAt;
      res.resume().on('end', () => resolve({ ms, status: res.statusCode ?? 0 }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const nodeDir = await ensureNodeBinaries();
const cluster = await startCluster();
await cluster.kubectl(['cordon', cluster.info.defaultNode]);
const node = await startRealNode(cluster, nodeDir);
const realNs = `bench-real-${process.pid}`;
const kwokNs = `bench-kwok-${process.pid}`;
const fnFile = new URL('functions/cold_hello.py', import.meta.url).pathname;

try {
  await applyOnRealNode(cluster, realNs, [functionFrom(fnFile)], node.info.runtimeImage);
  const real = await startKubernetesGateway({ kubeconfig: cluster.kubeconfigPath, namespace: realNs, identity: 'bench-real' });
  const tally = await setUpTally(cluster, kwokNs);
  const kwok = await startKubernetesGateway({ kubeconfig: cluster.kubeconfigPath, namespace: kwokNs, identity: 'bench-kwok' });

  const measure = async (gw: typeof real, ns: string, fn: string) => {
    const times: number[] = [];
    for (let run = 0; run < runs; run++) {
      await gw.backend.scale(fn, 0);
      await waitFor(`${fn} asleep`, async () =>
        gw.backend.readyEndpoints(fn).length === 0 && (await podsOf(cluster, ns, fn)).length === 0, { deadlineMs: 120_000 });
      const call = await firstByte(`${gw.gateway.url}/function/${fn}`, `cold-${run}`);
      if (call.status !== 200) throw new Error(`${fn} cold start ${run}: status ${call.status}`);
      times.push(call.ms);
    }
    return times;
  };
  const realTimes = await measure(real, realNs, 'cold-hello');
  const warmTimes: number[] = [];
  for (let i = 0; i < 20; i++) warmTimes.push((await firstByte(`${real.gateway.url}/function/cold-hello`, `warm-${i}`)).ms);
  const kwokTimes = await measure(kwok, kwokNs, 'tally');
  const fmt = (v: number[]) => `p50 ${percentile(v, 50).toFixed(0)} ms  p90 ${percentile(v, 90).toFixed(0)} ms  (${v.map((x) => x.toFixed(0)).join(', ')})`;
  console.log(`cold start, request sent → first byte through the gateway, ${runs} runs each`);
  console.log(`  real pod (kubelet + containerd + runc, stdlib handle(req))  ${fmt(realTimes)}`);
  console.log(`  kwok pod, its real process started with the pod              ${fmt(kwokTimes)}`);
  console.log(`  reference: warm call through the gateway to the real pod, 20 calls  p50 ${percentile(warmTimes, 50).toFixed(1)} ms`);
  console.log(`real / kwok p50: ${(percentile(realTimes, 50) / percentile(kwokTimes, 50)).toFixed(1)}`);
  console.log(`real cold / warm p50: ${(percentile(realTimes, 50) / percentile(warmTimes, 50)).toFixed(0)}  kwok cold / warm p50: ${(percentile(kwokTimes, 50) / percentile(warmTimes, 50)).toFixed(0)}`);
  await real.close();
  await kwok.close();
  await tally.destroy();
} finally {
  await node.stop();
  await cluster.stop();
}
