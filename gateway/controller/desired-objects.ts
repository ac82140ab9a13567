import { App, Chart } from 'cdk8s';
import type { KubernetesObject } from '@kubernetes/client-node';
import { FUNCTION_KIND } from '../../constructs/function-api.js';
import { PythonFunction } from '../../constructs/python-function.js';
import type { FunctionDefinition } from '../../constructs/spec/function-definition.js';

export interface DesiredObjectsOptions {
  readonly namespace: string;
  /** Image with Python and uv. @default the construct's default */
  readonly functionImage?: string;
}

/**
 * The workloads of one Function, built in process by the same construct synth uses, so the
 * controller path and the synth path can never disagree on a manifest's shape. The Function
 * object itself is the input here, not an output.
 */
export function desiredObjects(definition: FunctionDefinition, options: DesiredObjectsOptions): KubernetesObject[] {
  const chart = new Chart(new App(), 'function', { disableResourceNameHashes: true });
  new PythonFunction(chart, definition.name, {
    definition,
    namespace: options.namespace,
    ...(options.functionImage ? { image: options.functionImage } : {}),
  });
  return (chart.toJson() as KubernetesObject[]).filter((o) => o.kind !== FUNCTION_KIND);
}
