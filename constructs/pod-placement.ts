/**
 * Where a pod runs and what it pulls with: node selector, tolerations, affinity, image pull
 * Secrets, priority class. Functions take them from `[tool.faas]`, the gateway from its props;
 * both become the same pod spec fields here, each written only when set.
 */
import type { k8s } from 'cdk8s-plus-34';
import { DNS1123_SUBDOMAIN_PATTERN, LABEL_KEY_PATTERN, LABEL_VALUE_PATTERN } from './spec/schema.js';

/** The placement of a pod; every field optional, each as the pod spec has it. */
export interface PodPlacementProps {
  /**
   * Node labels the pod's node must have, e.g. a GPU node pool.
   * @default - any node
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodeselector
   */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /**
   * Taints the pod tolerates.
   * @default - none
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/
   */
  readonly tolerations?: readonly k8s.Toleration[];
  /**
   * Node and pod affinity and anti-affinity.
   * @default - none
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#affinity-and-anti-affinity
   */
  readonly affinity?: k8s.Affinity;
  /**
   * Names of `kubernetes.io/dockerconfigjson` Secrets to pull the image with.
   * @default - none
   * @see https://kubernetes.io/docs/tasks/configure-pod-container/pull-image-private-registry/
   */
  readonly imagePullSecrets?: readonly string[];
  /**
   * PriorityClass of the pod.
   * @default - the cluster's default priority
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/
   */
  readonly priorityClassName?: string;
}

/** The pod spec fields of `placement` that are set; nothing for an empty map or list. */
export function podPlacement(placement: PodPlacementProps): Pick<k8s.PodSpec, 'nodeSelector' | 'tolerations' | 'affinity' | 'imagePullSecrets' | 'priorityClassName'> {
  const { nodeSelector = {}, tolerations = [], affinity, imagePullSecrets = [], priorityClassName } = placement;
  return {
    ...(Object.keys(nodeSelector).length === 0 ? {} : { nodeSelector: { ...nodeSelector } }),
    ...(tolerations.length === 0 ? {} : { tolerations: tolerations.map((toleration) => ({ ...toleration })) }),
    ...(affinity === undefined ? {} : { affinity }),
    ...(imagePullSecrets.length === 0 ? {} : { imagePullSecrets: imagePullSecrets.map((name) => ({ name })) }),
    ...(priorityClassName === undefined ? {} : { priorityClassName }),
  };
}

const SUBDOMAIN = new RegExp(DNS1123_SUBDOMAIN_PATTERN);
const LABEL_KEY = new RegExp(LABEL_KEY_PATTERN);
const LABEL_VALUE = new RegExp(LABEL_VALUE_PATTERN);

/** `placement` itself, or an error naming the first field the API server would refuse. */
export function checkPodPlacement(placement: PodPlacementProps): PodPlacementProps {
  for (const [key, value] of Object.entries(placement.nodeSelector ?? {})) {
    if (!LABEL_KEY.test(key)) throw new Error(`'nodeSelector' has the key '${key}', which is not a Kubernetes label key (an optional DNS prefix and '/', then a name)`);
    if (!LABEL_VALUE.test(value) || value.length > 63) throw new Error(`'nodeSelector.${key}' ('${value}') is not a Kubernetes label value (at most 63 letters, digits, '-', '_' and '.')`);
  }
  for (const [index, name] of (placement.imagePullSecrets ?? []).entries()) {
    if (!SUBDOMAIN.test(name)) throw new Error(`'imagePullSecrets[${index}]' ('${name}') must be a Secret name, a DNS-1123 subdomain`);
  }
  const { priorityClassName } = placement;
  if (priorityClassName !== undefined && !SUBDOMAIN.test(priorityClassName)) {
    throw new Error(`'priorityClassName' ('${priorityClassName}') must be a PriorityClass name, a DNS-1123 subdomain`);
  }
  return placement;
}
