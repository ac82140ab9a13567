/**
 * The function controller: turns Function objects into their ConfigMap, Deployment, Service and
 * HPA in-cluster (server-side apply, owner references), for `functionWorkloads: 'controller'`.
 * It runs from the gateway image under its own ServiceAccount, apart from the internet-facing
 * gateway, which therefore never gets the right to create workloads.
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-34';
import { defaultGatewayImage } from './gateway-image.js';
import { platformLabels } from './labels.js';
import { containerSecurityContext, podSecurityContext } from './pod-security.js';
import { checkDnsLabel, checkQuantity } from './prop-checks.js';
import { FUNCTION_GROUP, FUNCTION_PLURAL } from './function-api.js';
import { defaultNamespace } from './default-namespace.js';

/** Name of every controller object (ServiceAccount, Role, RoleBinding, Deployment). */
export const CONTROLLER_NAME = 'faas-controller';
/** The controller's entry point inside the gateway image. */
export const CONTROLLER_ENTRY = '/app/controller.mjs';

/** Properties of {@link FunctionController}. */
export interface FunctionControllerProps {
  /**
   * Namespace whose Function objects the controller reconciles.
   * @default - the Chart's namespace, else 'faas'
   */
  readonly namespace?: string;
  /**
   * Image holding the controller (the gateway image runs it with another entry point).
   * @default `ghcr.io/poorman-faas/poorman-faas-gateway:<package version>`
   */
  readonly image?: string;
  /**
   * Image with Python and uv for the function pods it creates.
   * @default - the controller's own default, 'ghcr.io/astral-sh/uv:python3.12-bookworm-slim'
   */
  readonly functionImage?: string;
  /**
   * CPU request of the controller.
   * @default '50m'
   */
  readonly cpu?: string;
  /**
   * Memory request and limit of the controller. bench/controller.ts measured 134 MiB RSS for the
   * bundled controller just after it reconciled 100 functions, so 128Mi would be OOM-killed.
   * @default '256Mi'
   */
  readonly memory?: string;
}

/** The controller's ServiceAccount, Role, RoleBinding and Deployment. */
export class FunctionController extends Construct {
  public readonly namespace: string;
  public readonly image: string;
  public readonly functionImage?: string;
  public readonly cpu: string;
  public readonly memory: string;
  public readonly role: k8s.KubeRole;
  public readonly deployment: k8s.KubeDeployment;

  public constructor(scope: Construct, id: string, props: FunctionControllerProps = {}) {
    super(scope, id);
    this.namespace = checkDnsLabel('namespace', defaultNamespace(this, props.namespace));
    this.image = props.image ?? defaultGatewayImage();
    this.functionImage = props.functionImage;
    this.cpu = checkQuantity('cpu', props.cpu ?? '50m');
    this.memory = checkQuantity('memory', props.memory ?? '256Mi');
    const labels = platformLabels(CONTROLLER_NAME, 'controller');
    const metadata = { name: CONTROLLER_NAME, namespace: this.namespace, labels };
    const selector = { 'app.kubernetes.io/name': CONTROLLER_NAME };

    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata, automountServiceAccountToken: false });
    this.role = new k8s.KubeRole(this, 'Role', { metadata, rules: controllerRules() });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: CONTROLLER_NAME },
      subjects: [{ kind: 'ServiceAccount', name: CONTROLLER_NAME, namespace: this.namespace }],
    });
    const env: k8s.EnvVar[] = [
      { name: 'K8S_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      ...(this.functionImage === undefined ? [] : [{ name: 'FAAS_FUNCTION_IMAGE', value: this.functionImage }]),
    ];
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata,
      spec: {
        replicas: 1,
        // One controller at a time: two would apply the same objects against each other.
        strategy: { type: 'Recreate' },
        selector: { matchLabels: selector },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: CONTROLLER_NAME,
            automountServiceAccountToken: true,
            securityContext: podSecurityContext(),
            containers: [
              {
                name: 'controller',
                image: this.image,
                imagePullPolicy: 'IfNotPresent',
                args: [CONTROLLER_ENTRY],
                env,
                resources: {
                  requests: { cpu: k8s.Quantity.fromString(this.cpu), memory: k8s.Quantity.fromString(this.memory) },
                  limits: { memory: k8s.Quantity.fromString(this.memory) },
                },
                securityContext: containerSecurityContext(),
              },
            ],
          },
        },
      },
    });
  }
}

/**
 * Exactly the calls the controller makes: watch Function objects and patch their status; apply
 * (server-side apply: create + patch) the four workload kinds and watch them (to apply again what
 * someone deleted), reading single Deployments (for readiness); set owner references that block
 * the Function's deletion (functions/finalizers, checked when OwnerReferencesPermissionEnforcement
 * is on). No delete: the garbage collector deletes through those owner references.
 */
export function controllerRules(): k8s.PolicyRule[] {
  const apply = ['list', 'watch', 'create', 'patch'];
  return [
    { apiGroups: [FUNCTION_GROUP], resources: [FUNCTION_PLURAL], verbs: ['get', 'list', 'watch'] },
    { apiGroups: [FUNCTION_GROUP], resources: [`${FUNCTION_PLURAL}/status`], verbs: ['patch'] },
    { apiGroups: [FUNCTION_GROUP], resources: [`${FUNCTION_PLURAL}/finalizers`], verbs: ['update'] },
    { apiGroups: [''], resources: ['configmaps', 'services'], verbs: apply },
    { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', ...apply] },
    { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: apply },
  ];
}
