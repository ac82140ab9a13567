/**
 * Keeps cluster-scoped objects (Namespace, CRD) free of `metadata.namespace` when they are added
 * to a Chart that has a namespace: cdk8s copies the chart's namespace onto every object, and a
 * server-side apply of a cluster-scoped object with a namespace is refused.
 */
import { Chart, JsonPatch, type ApiObject } from 'cdk8s';

export function clusterScoped<T extends ApiObject>(object: T): T {
  if (Chart.of(object).namespace !== undefined) {
    object.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  }
  return object;
}
