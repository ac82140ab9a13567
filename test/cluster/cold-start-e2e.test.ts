/**
 * A cold start end to end on a real API server: a function at 0 replicas, 200 concurrent calls
 * through the gateway, one scale call, kwok's pod on a test host, the EndpointSlice, and the
 * function's real process in the host's network namespace answering all 200.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ClusterClient } from './harness.js';
import { startKubernetesGateway, type KubernetesGateway } from './kubernetes-gateway.js';
import { watchReplicas } from './replica-history.js';
import { countsByBody, post } from './tally-function.js';
import { setUpTally, type TallyPlatform } from './tally-platform.js';

const cluster = new ClusterClient(inject('cluster'));
const namespace = `cold-start-${process.pid}`;
let platform: TallyPlatform | undefined;
let gateway: KubernetesGateway | undefined;

function metricValue(text: string, name: string, fn: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(`function_name="${fn}"`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('a cold start through the gateway on a real API server', () => {
  beforeAll(async () => {
    platform = await setUpTally(cluster, namespace);
    gateway = await startKubernetesGateway({ kubeconfig: cluster.kubeconfigPath, namespace, identity: 'cold-start' });
  });

  afterAll(async () => {
    await gateway?.close();
    await platform?.destroy();
  });

  it('scales once for 200 concurrent calls and answers every one of them 200 once the endpoint is ready', async () => {
    const { backend, gateway: running } = gateway!;
    expect(backend.replicas('tally')).toEqual({ desired: 0, ready: 0 });
    const history = watchReplicas(cluster.kubeconfigPath, namespace, 'tally');
    await history.started;

    const bodies = Array.from({ length: 200 }, (_, i) => `cold-${i}`);
    const answers = await Promise.all(bodies.map((b) => post(`${running.url}/function/tally`, b)));
    history.stop();

    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    expect(answers.map((a) => a.body)).toEqual(bodies.map((b) => `${platform!.host.nodeName} ${b}\n`));
    const counts = countsByBody(platform!.tallyFile);
    expect(bodies.filter((b) => counts.get(b) !== 1)).toEqual([]);
    // One scale call: the Deployment went 0 → 1 and nothing else, and the gateway counted one cold start.
    expect(history.values).toEqual([0, 1]);
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metricValue(metrics, 'gateway_cold_starts_total', 'tally')).toBe(1);
    expect(backend.readyEndpoints('tally')).toEqual([`http://${platform!.host.ip}:8080`]);
  });
});
