/**
 * The synthesized platform with the tally function in its own namespace, its pods placed on a
 * test host that starts each pod's real process when kwok places the pod (pod-processes.ts), and
 * the function asleep (0 replicas, no pods): the starting point of a cold start.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Manifest } from '../../constructs/synthesize-manifests.js';
import type { ClusterClient, ClusterTestHost } from './cluster-client.js';
import { placeOn } from './function-host.js';
import { runPodProcesses, type PodProcesses, type PodProcessesOptions } from './pod-processes.js';
import { applyServerSide, ensureCrd, functionFrom, platformFor } from './platform-objects.js';
import { tallyScript, type TallySettings } from './tally-function.js';
import { waitFor } from './wait.js';

export interface TallyPlatform {
  readonly namespace: string;
  readonly host: ClusterTestHost;
  /** The host's pod processes: the function's process runs while its pod exists. */
  readonly pods: PodProcesses;
  /** Where the function's process listens while a pod runs: the host's address and its port. */
  readonly url: string;
  /** Where the function records `<host> <body>` per request served. */
  readonly tallyFile: string;
  readonly manifests: readonly Manifest[];
  /** Sets spec.replicas as an operator would (`kubectl scale`); with 0, waits until no pod is left. */
  scaleTo(replicas: number): Promise<void>;
  destroy(): Promise<void>;
}

export async function setUpTally(
  cluster: ClusterClient,
  namespace: string,
  settings: TallySettings = {},
  podOptions: PodProcessesOptions = {},
): Promise<TallyPlatform> {
  const work = mkdtempSync(join(tmpdir(), `${namespace}-`));
  const tallyFile = join(work, 'tally.log');
  await ensureCrd(cluster);
  const host = await cluster.createTestHost(namespace);
  let pods: PodProcesses | undefined;
  const destroy = async () => {
    await pods?.stop();
    await host.destroy();
    await cluster.kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
    rmSync(work, { recursive: true, force: true });
  };
  try {
    const synthesized = platformFor(namespace, [functionFrom('tally.py', tallyScript(settings))]);
    const manifests = placeOn(synthesized.filter((m) => m.kind !== 'CustomResourceDefinition'), 'tally', host.placement);
    await applyServerSide(cluster, manifests);
    pods = runPodProcesses(cluster, host, { ...podOptions, env: { TALLY_FILE: tallyFile, TALLY_HOST: host.nodeName, ...podOptions.env } });
    await pods.synced;
    const scaleTo = async (replicas: number) => {
      await cluster.kubectl(['scale', 'deployment', 'tally', '-n', namespace, `--replicas=${replicas}`]);
      if (replicas > 0) return;
      await waitFor('no tally pods', async () =>
        (await cluster.getJson(['pods', '-n', namespace, '-l', 'faas.poorman.dev/function=tally'])).items.length === 0);
    };
    // Applied without spec.replicas the Deployment starts at 1; put it to sleep as the reaper would.
    await scaleTo(0);
    const port = (manifests.find((m) => m.kind === 'Deployment') as any).spec.template.spec.containers[0].ports[0].containerPort;
    return { namespace, host, pods, url: `http://${host.ip}:${port}`, tallyFile, manifests, scaleTo, destroy };
  } catch (error) {
    await destroy();
    throw error;
  }
}
