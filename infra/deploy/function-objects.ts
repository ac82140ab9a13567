/**
 * Finding and deleting the objects of functions by their labels. Only objects that are part of
 * poorman-faas and carry a function label are ever listed.
 */
import { KubernetesObjectApi, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { LABEL_FUNCTION, LABEL_PART_OF, PART_OF } from '../../constructs/labels.js';
import { isNotFound } from '../../gateway/backends/kubernetes/api-status.js';
import { describeApiError } from '../kube/api-error.js';
import { describeRef, refOf, type ObjectRef } from './apply-manifests.js';
import { FUNCTION_OBJECT_KINDS } from './function-kinds.js';

/** Objects of every function in `namespace`, or of one when `name` is given. */
export async function listFunctionObjects(kc: KubeConfig, namespace: string, name?: string): Promise<KubernetesObject[]> {
  const client = KubernetesObjectApi.makeApiClient(kc);
  const selector = `${LABEL_PART_OF}=${PART_OF},${name === undefined ? LABEL_FUNCTION : `${LABEL_FUNCTION}=${name}`}`;
  const found: KubernetesObject[] = [];
  for (const { apiVersion, kind } of FUNCTION_OBJECT_KINDS) {
    try {
      const list = await client.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, selector);
      // Lists leave apiVersion and kind off their items.
      found.push(...list.items.map((item) => ({ ...item, apiVersion, kind })));
    } catch (error) {
      // No Function CRD yet (the API group is not served): there are no Function objects either.
      if (isNotFound(error) || /Unrecognized API version and kind/.test(String(error))) continue;
      throw describeApiError(`listing ${kind} objects in namespace ${namespace}`, error);
    }
  }
  return found;
}

export function functionOf(object: KubernetesObject): string | undefined {
  return object.metadata?.labels?.[LABEL_FUNCTION];
}

/** Deletes each object; one already gone counts as deleted. */
export async function deleteObjects(kc: KubeConfig, objects: readonly KubernetesObject[], onDeleted?: (ref: ObjectRef) => void): Promise<ObjectRef[]> {
  const client = KubernetesObjectApi.makeApiClient(kc);
  const deleted: ObjectRef[] = [];
  for (const object of objects) {
    const ref = refOf(object);
    try {
      // Background: the Deployment's ReplicaSets and pods go with it, without blocking the CLI.
      await client.delete(object, undefined, undefined, undefined, undefined, 'Background');
    } catch (error) {
      if (!isNotFound(error)) throw describeApiError(`deleting ${describeRef(ref)}`, error);
    }
    deleted.push(ref);
    onDeleted?.(ref);
  }
  return deleted;
}
