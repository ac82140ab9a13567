/**
 * `faas deploy` as a function: synthesize from the functions folder with the same constructs as
 * `faas synth`, server-side apply, prune the functions that left the folder, wait for the gateway.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { FunctionsFolder } from '../../constructs/functions-folder.js';
import { GATEWAY_NAME } from '../../constructs/gateway.js';
import { synthesizeManifests, type Manifest } from '../../constructs/synthesize-manifests.js';
import { FUNCTION_API_VERSION, FUNCTION_KIND } from '../../constructs/function-api.js';
import type { SynthSettings } from '../synth-settings.js';
import { applyManifests, type Applied, type ObjectRef } from './apply-manifests.js';
import { pruneRemovedFunctions } from './prune.js';
import { waitForRollout, type RolloutState } from './wait-for-rollout.js';

export interface DeployOptions {
  readonly prune: boolean;
  readonly wait: boolean;
  readonly timeoutMs: number;
  readonly forceConflicts: boolean;
  readonly onStep?: (message: string) => void;
  readonly onApplied?: (applied: Applied) => void;
  readonly onPruned?: (ref: ObjectRef) => void;
}

export interface DeployResult {
  readonly context: string;
  readonly namespace: string;
  readonly functions: string[];
  readonly applied: Applied[];
  readonly pruned: ObjectRef[];
  /** The gateway's rollout, or null with --no-wait. */
  readonly gateway: RolloutState | null;
}

export async function deploy(kc: KubeConfig, settings: SynthSettings, options: DeployOptions): Promise<DeployResult> {
  options.onStep?.(`reading ${settings.functionsDir}`);
  const functions = await FunctionsFolder.load(settings.functionsDir);
  const manifests = synthesizeManifests({ ...settings.props, functions });
  const namespace = gatewayNamespace(manifests);
  const names = manifests.filter((m) => m.apiVersion === FUNCTION_API_VERSION && m.kind === FUNCTION_KIND).map((m) => m.metadata.name);

  let count = 0;
  const applied = await applyManifests(kc, manifests, {
    forceConflicts: options.forceConflicts,
    onApplied: (object) => {
      count += 1;
      options.onStep?.(`applied ${count}/${manifests.length} objects`);
      options.onApplied?.(object);
    },
  });
  let pruned: ObjectRef[] = [];
  if (options.prune) {
    options.onStep?.(`pruning functions no longer in ${settings.functionsDir}`);
    pruned = await pruneRemovedFunctions(kc, namespace, new Set(names), options.onPruned);
  }
  let gateway: RolloutState | null = null;
  if (options.wait) {
    options.onStep?.('waiting for the gateway');
    gateway = await waitForRollout(kc, namespace, GATEWAY_NAME, {
      timeoutMs: options.timeoutMs,
      onProgress: (state) => options.onStep?.(`waiting for the gateway: ${state.message}`),
    });
  }
  return { context: kc.getCurrentContext(), namespace, functions: names.sort(), applied, pruned, gateway };
}

function gatewayNamespace(manifests: readonly Manifest[]): string {
  const namespace = manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === GATEWAY_NAME)?.metadata.namespace;
  if (namespace === undefined) throw new Error(`the synthesized manifests have no gateway Deployment '${GATEWAY_NAME}'`);
  return namespace;
}
