/**
 * A ValidatingAdmissionPolicy (CEL) for the rules about a Function object that its CRD schema
 * cannot state, so `kubectl apply` of a bad one is refused with a message instead of being stored
 * and only reported later in status:
 *
 * - the object's name becomes the names of its Deployment, Service (a DNS-1035 label), HPA and
 *   `<name>-code` ConfigMap; a CRD schema describes `spec`, not `metadata.name`;
 * - `spec.env` keys must be environment variable names; a structural schema can type a map's
 *   values but has no keyword for its keys.
 *
 * The rest of the spec (types, patterns, ranges, min <= max) is in the CRD itself. The controller
 * checks everything again and reports what fails in the `Reconciled` condition, for clusters that
 * run without this policy.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { FUNCTION_GROUP, FUNCTION_PLURAL, FUNCTION_VERSION } from './function-api.js';
import { clusterScoped } from './cluster-scoped.js';
import { platformLabels } from './labels.js';
import { MAX_FUNCTION_NAME_LENGTH, RESERVED_NAME_PREFIX } from './spec/function-name.js';
import { FaasSettingsSchema } from './spec/schema.js';

/** Name of the policy and of its binding (cluster-wide, like the CRD they guard). */
export const FUNCTION_POLICY_NAME = `${FUNCTION_PLURAL}.${FUNCTION_GROUP}`;

const DNS1035_LABEL = '^[a-z]([-a-z0-9]*[a-z0-9])?$';
const ENV_NAME = Object.keys(FaasSettingsSchema.properties.env.patternProperties)[0]!;

/** One CEL rule: what must hold, and the message (a CEL string) saying how to fix it when it does not. */
export interface FunctionPolicyRule {
  readonly expression: string;
  readonly messageExpression: string;
  readonly reason: 'Invalid';
}

/** The rules, exported so tests can check each against the API server and the spec validation. */
export function functionPolicyRules(): FunctionPolicyRule[] {
  const name = 'object.metadata.name';
  return [
    {
      expression: `${name}.size() <= ${MAX_FUNCTION_NAME_LENGTH}`,
      messageExpression: `'the Function name \\'' + ${name} + '\\' is ' + string(${name}.size()) + ' characters; its ConfigMap \\'' + ${name} + '-code\\' must fit in 63, so use at most ${MAX_FUNCTION_NAME_LENGTH}'`,
      reason: 'Invalid',
    },
    {
      expression: `${name}.matches('${DNS1035_LABEL}')`,
      messageExpression: `'the Function name \\'' + ${name} + '\\' must be a DNS-1035 label (a-z, 0-9 and -, starting with a letter) because its Service gets the same name; rename it, e.g. \\'fn-' + ${name} + '\\''`,
      reason: 'Invalid',
    },
    {
      expression: `!${name}.startsWith('${RESERVED_NAME_PREFIX}')`,
      messageExpression: `'the Function name \\'' + ${name} + '\\' starts with \\'${RESERVED_NAME_PREFIX}\\', which is kept for the platform\\'s own objects (gateway, controller); rename it'`,
      reason: 'Invalid',
    },
    {
      expression: `!has(object.spec.env) || object.spec.env.all(k, k.matches('${ENV_NAME}'))`,
      messageExpression: `'spec.env has keys that are not environment variable names (${ENV_NAME}): ' + object.spec.env.filter(k, !k.matches('${ENV_NAME}')).join(', ') + '; rename them'`,
      reason: 'Invalid',
    },
  ];
}

/** The policy and a binding that denies every Function object, in any namespace, that breaks it. */
export class FunctionAdmissionPolicy extends Construct {
  public readonly policy: ApiObject;
  public readonly binding: ApiObject;

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    const labels = platformLabels('faas-functions', 'admission-policy');
    this.policy = clusterScoped(
      new ApiObject(this, 'Policy', {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicy',
        metadata: { name: FUNCTION_POLICY_NAME, labels },
        spec: {
          // A broken rule must not let bad objects through; it can only fail closed.
          failurePolicy: 'Fail',
          matchConstraints: {
            resourceRules: [
              {
                apiGroups: [FUNCTION_GROUP],
                apiVersions: [FUNCTION_VERSION],
                operations: ['CREATE', 'UPDATE'],
                resources: [FUNCTION_PLURAL],
              },
            ],
          },
          validations: functionPolicyRules(),
        },
      }),
    );
    this.binding = clusterScoped(
      new ApiObject(this, 'Binding', {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicyBinding',
        metadata: { name: FUNCTION_POLICY_NAME, labels },
        spec: { policyName: FUNCTION_POLICY_NAME, validationActions: ['Deny'] },
      }),
    );
  }
}
