/**
 * Taking one ready pool pod for a function, safely among several gateway replicas. The claim is a
 * conditional replace of the pod's labels: it carries the resourceVersion the gateway read, so of
 * two replicas that read the same pod the API server lets one write and answers the other 409,
 * and that one moves on to the next candidate. Dropping the pool label takes the pod out of its
 * pool ReplicaSet's selector (which then starts a replacement); the function label makes it one
 * of the function's pods.
 */
import type { CoreV1Api, V1Pod } from '@kubernetes/client-node';
import { apiStatus } from './api-status.js';

export const POOL_LABEL = 'faas.poorman.dev/pool';
export const CLAIMED_BY_LABEL = 'faas.poorman.dev/claimed-by';
const FUNCTION_LABEL = 'faas.poorman.dev/function';

export interface PoolClaim {
  readonly pod: string;
  /** Where the specialization and then the calls go. */
  readonly podIp: string;
  /** Its container's `http` port (the first port; 8080, the function pods' port, when it declares none). */
  readonly port: number;
}

function httpPort(pod: V1Pod): number {
  const ports = pod.spec?.containers[0]?.ports ?? [];
  return (ports.find((p) => p.name === 'http') ?? ports[0])?.containerPort ?? 8080;
}

function ready(pod: V1Pod): boolean {
  return (
    pod.metadata?.deletionTimestamp === undefined &&
    pod.status?.podIP !== undefined &&
    (pod.status?.conditions ?? []).some((condition) => condition.type === 'Ready' && condition.status === 'True')
  );
}

/** One ready pod of pool `pool`, now labelled for `functionName`; undefined when none is free. */
export async function claimPoolPod(core: CoreV1Api, namespace: string, pool: string, functionName: string, claimant: string): Promise<PoolClaim | undefined> {
  const pods = await core.listNamespacedPod({ namespace, labelSelector: `${POOL_LABEL}=${pool}` });
  for (const pod of pods.items.filter(ready)) {
    const labels = { ...pod.metadata!.labels };
    delete labels[POOL_LABEL];
    labels[FUNCTION_LABEL] = functionName;
    labels[CLAIMED_BY_LABEL] = claimant;
    try {
      // resourceVersion is kept from the read: the write succeeds only if nobody changed the pod since.
      await core.replaceNamespacedPod({ name: pod.metadata!.name!, namespace, body: { ...pod, metadata: { ...pod.metadata, labels } } });
      return { pod: pod.metadata!.name!, podIp: pod.status!.podIP!, port: httpPort(pod) };
    } catch (error) {
      const code = apiStatus(error);
      // 409: another replica claimed it first; 404: it went away. Either way, the next one.
      if (code === 409 || code === 404) continue;
      throw error;
    }
  }
  return undefined;
}
