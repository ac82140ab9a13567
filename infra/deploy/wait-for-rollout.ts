/**
 * Waits until a Deployment has rolled out, by kubectl's rule (`kubectl rollout status`): the
 * controller saw the latest spec, every replica runs it, all are available, no old ones remain.
 */
import type { KubeConfig, V1Deployment } from '@kubernetes/client-node';
import { watchUntil } from '../kube/watch-until.js';

export interface RolloutState {
  readonly done: boolean;
  /** What is being waited for, in a person's words. */
  readonly message: string;
}

export function rolloutState(deployment: V1Deployment | undefined): RolloutState {
  if (deployment === undefined) return { done: false, message: 'waiting for the Deployment to exist' };
  const generation = deployment.metadata?.generation ?? 0;
  const status = deployment.status ?? {};
  if ((status.observedGeneration ?? 0) < generation) return { done: false, message: 'waiting for the controller to see the new spec' };
  const replicas = deployment.spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const available = status.availableReplicas ?? 0;
  const total = status.replicas ?? 0;
  const progressing = status.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return { done: false, message: `rollout stalled: ${progressing.message ?? 'progress deadline exceeded'}` };
  }
  if (updated < replicas) return { done: false, message: `${updated} of ${replicas} replicas updated` };
  if (total > updated) return { done: false, message: `${total - updated} old replicas terminating` };
  if (available < updated) return { done: false, message: `${available} of ${updated} updated replicas available` };
  return { done: true, message: `${available} of ${replicas} replicas available` };
}

export async function waitForRollout(
  kc: KubeConfig,
  namespace: string,
  name: string,
  options: { timeoutMs: number; onProgress?: (state: RolloutState) => void },
): Promise<RolloutState> {
  let state = rolloutState(undefined);
  await watchUntil<V1Deployment>(kc, {
    path: `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments`,
    name,
    timeoutMs: options.timeoutMs,
    onChange: (deployment) => {
      state = rolloutState(deployment);
      options.onProgress?.(state);
    },
    until: (deployment) => rolloutState(deployment).done,
    timeoutMessage: () =>
      `Deployment ${namespace}/${name} did not become ready within ${Math.round(options.timeoutMs / 1000)}s (${state.message}); ` +
      `see \`kubectl -n ${namespace} describe deployment ${name}\` and the pods' events, or wait longer with --timeout`,
  });
  return state;
}
