/** Where the gateway finds its objects in the API server; names shared with the constructs so RBAC and code agree. */
import { FUNCTION_GROUP, FUNCTION_PLURAL, FUNCTION_VERSION } from '../../../constructs/function-api.js';

export { FUNCTION_GROUP, FUNCTION_KIND, FUNCTION_PLURAL, FUNCTION_VERSION } from '../../../constructs/function-api.js';
export { LABEL_FUNCTION as FUNCTION_LABEL } from '../../../constructs/labels.js';
export const FIELD_MANAGER = 'faas-gateway';

export function functionsPath(namespace: string): string {
  return `/apis/${FUNCTION_GROUP}/${FUNCTION_VERSION}/namespaces/${namespace}/${FUNCTION_PLURAL}`;
}

export function endpointSlicesPath(namespace: string): string {
  return `/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices`;
}

export function leasesPath(namespace: string): string {
  return `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases`;
}

export function podsPath(namespace: string): string {
  return `/api/v1/namespaces/${namespace}/pods`;
}
