/**
 * The synthesized platform with the tally function in its own namespace, its pods placed on a
 * test host where its real process already runs, and the function asleep (0 replicas, no pods):
 * the starting point of a cold start.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Manifest } from '../../constructs/synthesize-manifests.js';
import type { ClusterClient, ClusterTestHost } from './cluster-client.js';
import { placeOn, runFunctionOnHost, type FunctionProcess } from './function-host.js';
import { applyServerSide, ensureCrd, functionFrom, platformFor } from './platform-objects.js';
import { tallyScript, type TallySettings } from './tally-function.js';
import { waitFor } from './wait.js';

export interface TallyPlatform {
  readonly namespace: string;
  readonly host: ClusterTestHost;
  readonly process: FunctionProcess;
  /** Where the function records `<host> <body>` per request served. */
  readonly tallyFile: string;
  readonly manifests: readonly Manifest[];
  /** Sets spec.replicas as an operator would (`kubectl scale`); with 0, waits until no pod is left. */
  scaleTo(replicas: number): Promise<void>;
  destroy(): Promise<void>;
}

export async function setUpTally(cluster: ClusterClient, namespace: string, settings: TallySettings = {}): Promise<TallyPlatform> {
  const work = mkdtempSync(join(tmpdir(), `${namespace}-`));
  const tallyFile = join(work, 'tally.log');
  await ensureCrd(cluster);
  const host = await cluster.createTestHost(namespace);
  let fn: FunctionProcess | undefined;
  const destroy = async () => {
    fn?.stop();
    await host.destroy();
    await cluster.kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
    rmSync(work, { recursive: true, force: true });
  };
  try {
    const synthesized = platformFor(namespace, [functionFrom('tally.py', tallyScript(settings))]);
    const manifests = placeOn(synthesized.filter((m) => m.kind !== 'CustomResourceDefinition'), 'tally', host.placement);
    await applyServerSide(cluster, manifests);
    fn = runFunctionOnHost(host, manifests, 'tally', { TALLY_FILE: tallyFile, TALLY_HOST: host.nodeName });
    await fn.ready();
    const scaleTo = async (replicas: number) => {
      await cluster.kubectl(['scale', 'deployment', 'tally', '-n', namespace, `--replicas=${replicas}`]);
      if (replicas > 0) return;
      await waitFor('no tally pods', async () =>
        (await cluster.getJson(['pods', '-n', namespace, '-l', 'faas.poorman.dev/function=tally'])).items.length === 0);
    };
    // Applied without spec.replicas the Deployment starts at 1; put it to sleep as the reaper would.
    await scaleTo(0);
    return { namespace, host, process: fn, tallyFile, manifests, scaleTo, destroy };
  } catch (error) {
    await destroy();
    throw error;
  }
}
