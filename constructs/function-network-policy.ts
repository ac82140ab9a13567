/**
 * Only the gateway reaches function pods: it is where scale-from-zero, timeouts, metrics and
 * authentication happen, so a pod that called a function directly would bypass all of them.
 * Egress stays open; functions call databases and APIs.
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-34';
import { gatewaySelector, LABEL_ROLE, platformLabels, ROLE_FUNCTION } from './labels.js';
import { FUNCTION_PORT } from './python-function.js';
import { defaultNamespace } from './default-namespace.js';

/** Name of the NetworkPolicy. */
export const FUNCTION_NETWORK_POLICY_NAME = 'faas-functions-ingress';

/** Properties of {@link FunctionNetworkPolicy}. */
export interface FunctionNetworkPolicyProps {
  /**
   * Namespace of the functions and the gateway.
   * @default - the Chart's namespace, else 'faas'
   */
  readonly namespace?: string;
}

/** Function pods accept traffic only from gateway pods, on the function port. */
export class FunctionNetworkPolicy extends Construct {
  public readonly namespace: string;
  public readonly apiObject: k8s.KubeNetworkPolicy;

  public constructor(scope: Construct, id: string, props: FunctionNetworkPolicyProps = {}) {
    super(scope, id);
    this.namespace = defaultNamespace(this, props.namespace);
    this.apiObject = new k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: {
        name: FUNCTION_NETWORK_POLICY_NAME,
        namespace: this.namespace,
        labels: platformLabels(FUNCTION_NETWORK_POLICY_NAME, 'network-policy'),
      },
      spec: {
        podSelector: { matchLabels: { [LABEL_ROLE]: ROLE_FUNCTION } },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [{ podSelector: { matchLabels: gatewaySelector() } }],
            ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(FUNCTION_PORT) }],
          },
        ],
      },
    });
  }
}
