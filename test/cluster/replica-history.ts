/**
 * Every value a Deployment's spec.replicas takes, as the API server reports it through a watch:
 * how a test counts scale calls from outside the gateway (a scale to the value already set is no
 * change and no call the cluster notices).
 */
import { watchValues } from './value-history.js';

export interface ReplicaHistory {
  /** spec.replicas after each change, the value at the start first. */
  readonly values: number[];
  /** Resolves once the watch is established and the current value is recorded. */
  readonly started: Promise<void>;
  stop(): void;
}

export function watchReplicas(kubeconfig: string, namespace: string, deployment: string): ReplicaHistory {
  return watchValues<number>(kubeconfig, `/apis/apps/v1/namespaces/${namespace}/deployments`, deployment, (object) => object?.spec?.replicas ?? 1);
}
