/**
 * Pruning: objects of functions no longer in the folder. Only what `faas deploy` itself applied
 * (its field manager) and that belongs to a function is a candidate, so a function deployed through
 * the admin API or by hand survives a deploy from a folder that does not know it.
 */
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { appliedByFaas } from './field-manager.js';
import { deleteObjects, functionOf, listFunctionObjects } from './function-objects.js';
import type { ObjectRef } from './apply-manifests.js';

/** The objects to delete: applied by `faas deploy`, of a function not in `keep`. */
export function pruneCandidates(objects: readonly KubernetesObject[], keep: ReadonlySet<string>): KubernetesObject[] {
  return objects.filter((object) => {
    const fn = functionOf(object);
    return fn !== undefined && !keep.has(fn) && appliedByFaas(object);
  });
}

export async function pruneRemovedFunctions(
  kc: KubeConfig,
  namespace: string,
  keep: ReadonlySet<string>,
  onDeleted?: (ref: ObjectRef) => void,
): Promise<ObjectRef[]> {
  const candidates = pruneCandidates(await listFunctionObjects(kc, namespace), keep);
  return deleteObjects(kc, candidates, onDeleted);
}
