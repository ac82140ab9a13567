/**
 * A `Function` object (faas.poorman.dev/v1alpha1): the spec the gateway reads — routes, scaling
 * policy, the script itself — so that a Function object alone is enough to run the function.
 */
import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import type { FunctionDefinition } from './spec/function-definition.js';
import { specFromDefinition } from './spec/spec-conversion.js';
import { FUNCTION_API_VERSION, FUNCTION_KIND } from './function-api.js';
import { derivedNames } from './spec/function-name.js';
import { functionLabels } from './labels.js';
import { defaultNamespace } from './default-namespace.js';

/** Properties of {@link FunctionObject}. */
export interface FunctionObjectProps {
  /** The resolved function this object describes. */
  readonly definition: FunctionDefinition;
  /**
   * Namespace of the object.
   * @default - the Chart's namespace, else 'faas'
   */
  readonly namespace?: string;
}

/** The `Function` custom object carrying one function's spec. */
export class FunctionObject extends ApiObject {
  public constructor(scope: Construct, id: string, props: FunctionObjectProps) {
    const { definition } = props;
    super(scope, id, {
      apiVersion: FUNCTION_API_VERSION,
      kind: FUNCTION_KIND,
      metadata: {
        name: derivedNames(definition.name).function,
        namespace: defaultNamespace(scope, props.namespace),
        labels: functionLabels(definition.name),
      },
      spec: specFromDefinition(definition),
    });
  }
}
