/** The kinds synth writes for each function, in the order they are deleted (the Function first). */
import { FUNCTION_API_VERSION, FUNCTION_KIND } from '../../constructs/function-api.js';

export const FUNCTION_OBJECT_KINDS: readonly { readonly apiVersion: string; readonly kind: string }[] = [
  { apiVersion: FUNCTION_API_VERSION, kind: FUNCTION_KIND },
  { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'v1', kind: 'ConfigMap' },
];
