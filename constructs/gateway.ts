/**
 * The gateway: the one internet-facing part. It proxies `/function/<name>`, wakes sleeping
 * functions and puts idle ones back to zero, so it gets exactly the API rights that needs, in its
 * own namespace, and nothing cluster-scoped.
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-34';
import { defaultGatewayImage } from './gateway-image.js';
import { gatewaySelector, platformLabels } from './labels.js';
import { containerSecurityContext, podSecurityContext } from './pod-security.js';
import { checkDnsLabel, checkEnvNames, checkOneOf, checkQuantity, checkWholeNumber } from './prop-checks.js';
import { FUNCTION_GROUP, FUNCTION_PLURAL } from './function-api.js';
import { defaultNamespace } from './default-namespace.js';
import { checkPodPlacement, podPlacement, type PodPlacementProps } from './pod-placement.js';

/** Name of every gateway object (ServiceAccount, Role, RoleBinding, Deployment, Service). */
export const GATEWAY_NAME = 'faas-gateway';
/** The port the gateway listens on and its Service exposes. */
export const GATEWAY_PORT = 8080;
/** Where the admin Secret is mounted; its `password` key is the admin password. */
export const ADMIN_SECRET_MOUNT = '/var/faas/admin';

/** Variables the gateway's Deployment sets itself; `env` may not override them. */
const RESERVED_ENV = ['PORT', 'K8S_NAMESPACE', 'POD_NAME', 'POD_UID', 'GATEWAY_BACKEND', 'FAAS_ADMIN_PASSWORD_FILE'];

/** Properties of {@link Gateway}. */
export interface GatewayProps extends PodPlacementProps {
  /**
   * Namespace of the gateway and of the functions it serves.
   * @default - the Chart's namespace, else 'faas'
   */
  readonly namespace?: string;
  /**
   * Gateway container image.
   * @default `ghcr.io/poorman-faas/poorman-faas-gateway:<package version>`
   */
  readonly image?: string;
  /**
   * Gateway replicas. With more than one, a Lease lets one reaper act at a time, and a
   * PodDisruptionBudget keeps all but one of them through a node drain.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Name of the Secret holding the admin password under the key `password` (and optionally
   * `user`). Synth does not create it; without it the gateway serves functions but refuses the
   * admin API. Create it with `kubectl -n faas create secret generic faas-admin --from-literal=password=...`.
   * @default 'faas-admin'
   */
  readonly adminSecretName?: string;
  /**
   * Let the admin API create, replace and delete Function objects (`faas deploy` through the
   * gateway, `POST /system/functions`). Off: the gateway can only read them and write status.
   * @default true
   */
  readonly functionWrites?: boolean;
  /**
   * CPU request of each gateway replica.
   * @default '100m'
   */
  readonly cpu?: string;
  /**
   * Memory request and limit of each gateway replica.
   * @default '256Mi'
   */
  readonly memory?: string;
  /**
   * Extra environment variables (`LOG_LEVEL`, `REAPER_POLL_EVERY`, ...).
   * @default {}
   */
  readonly env?: Record<string, string>;
  /**
   * Type of the gateway Service.
   * @default 'ClusterIP'
   * @see https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types
   */
  readonly serviceType?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  /**
   * Extra labels of the gateway pods (the selector's own labels win on a clash).
   * @default {}
   */
  readonly podLabels?: Readonly<Record<string, string>>;
  /**
   * Annotations of the gateway pods (e.g. a service mesh's).
   * @default {}
   */
  readonly podAnnotations?: Readonly<Record<string, string>>;
}

/** The gateway's ServiceAccount, Role, RoleBinding, Deployment and Service. */
export class Gateway extends Construct {
  public readonly namespace: string;
  public readonly image: string;
  public readonly replicas: number;
  public readonly adminSecretName: string;
  public readonly functionWrites: boolean;
  public readonly cpu: string;
  public readonly memory: string;
  public readonly env: Readonly<Record<string, string>>;
  public readonly serviceType: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  /** Where the gateway pods run. */
  public readonly placement: PodPlacementProps;

  public readonly serviceAccount: k8s.KubeServiceAccount;
  public readonly role: k8s.KubeRole;
  public readonly roleBinding: k8s.KubeRoleBinding;
  public readonly deployment: k8s.KubeDeployment;
  public readonly service: k8s.KubeService;
  /** Only with more than one replica: a budget for a single replica would block every node drain. */
  public readonly disruptionBudget?: k8s.KubePodDisruptionBudget;

  public constructor(scope: Construct, id: string, props: GatewayProps = {}) {
    super(scope, id);
    this.namespace = checkDnsLabel('namespace', defaultNamespace(this, props.namespace));
    this.image = props.image ?? defaultGatewayImage();
    this.replicas = checkWholeNumber('replicas', props.replicas ?? 1);
    this.adminSecretName = checkDnsLabel('adminSecretName', props.adminSecretName ?? 'faas-admin');
    this.functionWrites = props.functionWrites ?? true;
    this.cpu = checkQuantity('cpu', props.cpu ?? '100m');
    this.memory = checkQuantity('memory', props.memory ?? '256Mi');
    this.env = checkEnvNames('env', props.env ?? {}, RESERVED_ENV);
    this.serviceType = checkOneOf('serviceType', props.serviceType ?? 'ClusterIP', ['ClusterIP', 'NodePort', 'LoadBalancer']);
    const { nodeSelector, tolerations, affinity, imagePullSecrets, priorityClassName } = props;
    this.placement = checkPodPlacement({ nodeSelector, tolerations, affinity, imagePullSecrets, priorityClassName });
    if (this.image.trim() === '') throw new Error(`'image' ('${this.image}') must name a container image`);

    const metadata = { name: GATEWAY_NAME, namespace: this.namespace, labels: platformLabels(GATEWAY_NAME, 'gateway') };

    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata,
      // Only the gateway pod mounts the token; nothing else that might run under this account does.
      automountServiceAccountToken: false,
    });
    this.role = new k8s.KubeRole(this, 'Role', { metadata, rules: gatewayRules(this.functionWrites) });
    this.roleBinding = new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: GATEWAY_NAME },
      subjects: [{ kind: 'ServiceAccount', name: GATEWAY_NAME, namespace: this.namespace }],
    });
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata,
      spec: {
        replicas: this.replicas,
        selector: { matchLabels: gatewaySelector() },
        template: {
          metadata: {
            labels: { ...props.podLabels, ...metadata.labels, ...gatewaySelector() },
            ...(Object.keys(props.podAnnotations ?? {}).length === 0 ? {} : { annotations: { ...props.podAnnotations } }),
          },
          spec: this.podSpec(),
        },
      },
    });
    this.service = new k8s.KubeService(this, 'Service', {
      metadata,
      spec: {
        type: this.serviceType,
        selector: gatewaySelector(),
        ports: [{ name: 'http', port: GATEWAY_PORT, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }],
      },
    });
    if (this.replicas > 1) {
      this.disruptionBudget = new k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
        metadata,
        // One replica at a time: the others keep answering calls while a node drains.
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: gatewaySelector() } },
      });
    }
  }

  private podSpec(): k8s.PodSpec {
    const env: k8s.EnvVar[] = [
      { name: 'PORT', value: String(GATEWAY_PORT) },
      { name: 'K8S_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      // The replica's identity and the owner of its activity Lease, which then goes with the pod.
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'POD_UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
      { name: 'GATEWAY_BACKEND', value: 'kubernetes' },
      { name: 'FAAS_ADMIN_PASSWORD_FILE', value: `${ADMIN_SECRET_MOUNT}/password` },
      ...Object.entries(this.env).map(([name, value]) => ({ name, value })),
    ];
    const probe = (path: string, failureThreshold: number): k8s.Probe => ({
      httpGet: { path, port: k8s.IntOrString.fromString('http') },
      periodSeconds: 10,
      timeoutSeconds: 2,
      failureThreshold,
    });
    return {
      serviceAccountName: GATEWAY_NAME,
      // The gateway talks to the API server: watches, scale, status, leases.
      automountServiceAccountToken: true,
      securityContext: podSecurityContext(),
      ...podPlacement(this.placement),
      containers: [
        {
          name: 'gateway',
          image: this.image,
          imagePullPolicy: 'IfNotPresent',
          ports: [{ name: 'http', containerPort: GATEWAY_PORT, protocol: 'TCP' }],
          env,
          resources: {
            requests: { cpu: k8s.Quantity.fromString(this.cpu), memory: k8s.Quantity.fromString(this.memory) },
            limits: { memory: k8s.Quantity.fromString(this.memory) },
          },
          livenessProbe: probe('/healthz', 3),
          readinessProbe: { ...probe('/readyz', 1), periodSeconds: 2 },
          securityContext: containerSecurityContext(),
          volumeMounts: [
            { name: 'admin', mountPath: ADMIN_SECRET_MOUNT, readOnly: true },
            { name: 'tmp', mountPath: '/tmp' },
          ],
        },
      ],
      volumes: [
        // Optional: the gateway starts without it and refuses the admin API until it exists.
        { name: 'admin', secret: { secretName: this.adminSecretName, optional: true, defaultMode: 0o440 } },
        { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
      ],
    };
  }
}

/**
 * What the gateway may do, in its namespace only, and exactly the calls it makes (the cluster
 * tier's RBAC test checks both ways): watch Function objects, apply and delete them for the admin
 * API (server-side apply creates with `create`), patch their status, read and patch the scale
 * subresource, watch EndpointSlices and the functions' pods (their start failures), hold the
 * reaper's Lease and watch every replica's activity Lease, record Events of its scaling, read the
 * function pods' logs for the web UI, claim warm pool pods (update their labels) and delete the
 * claimed ones it retires. No Secrets, no pod reads beyond list and watch, no pod create or patch,
 * no pods/exec, nothing cluster-scoped.
 */
export function gatewayRules(functionWrites: boolean): k8s.PolicyRule[] {
  const functionVerbs = functionWrites ? ['list', 'watch', 'create', 'patch', 'delete'] : ['list', 'watch'];
  return [
    { apiGroups: [FUNCTION_GROUP], resources: [FUNCTION_PLURAL], verbs: functionVerbs },
    { apiGroups: [FUNCTION_GROUP], resources: [`${FUNCTION_PLURAL}/status`], verbs: ['patch'] },
    { apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['get', 'patch'] },
    { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
    // Start failures: a waking function's pod status (crash loop, image pull, exit code). The warm
    // pool: a claim replaces a pool pod's labels (update, conditional on its resourceVersion); a
    // claimed pod that refused its specialization, or whose function went to zero, is deleted.
    { apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch', 'update', 'delete'] },
    // The web UI's logs of a function: its pods' container logs, read through the API server.
    { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
    // The reaper Lease, and each replica's activity Lease, watched by the holder's reaper.
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'list', 'watch', 'create', 'update'] },
    { apiGroups: [''], resources: ['events'], verbs: ['create'] },
  ];
}
