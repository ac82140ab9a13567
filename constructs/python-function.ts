/**
 * One Python function: its script in a ConfigMap, a Deployment running the stock uv image with
 * the script and the platform's bootstrap projected read-only into one folder, a Service, a CPU
 * autoscaler, and the `Function` object. No image is built: uv installs the PEP 723
 * dependencies at start.
 */
import { createHash } from 'node:crypto';
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-34';
import type { FunctionDefinition } from './spec/function-definition.js';
import { derivedNames, functionNameProblem } from './spec/function-name.js';
import { ANNOTATION_SOURCE_HASH, functionLabels, functionSelector } from './labels.js';
import { containerSecurityContext, podSecurityContext } from './pod-security.js';
import { podPlacement } from './pod-placement.js';
import { placementSpec } from './spec/spec-conversion.js';
import { bootstrapFromText, bootstrapSource, type BootstrapSource } from './bootstrap-source.js';
import { BOOTSTRAP_CONFIG_MAP_NAME, BOOTSTRAP_KEY } from './bootstrap-config-map.js';
import { runtimeCommand } from './runtime-command.js';
import { DEFAULT_FUNCTION_IMAGE, scriptKey } from './script-key.js';
import { FunctionObject } from './function-object.js';
import { checkDnsLabel, checkQuantity, checkWholeNumber } from './prop-checks.js';
import { defaultNamespace } from './default-namespace.js';

/** Stock image with Python and uv; functions need no image of their own. */
export { DEFAULT_FUNCTION_IMAGE } from './script-key.js';
/** The port every function listens on (`$PORT`) and its Service exposes. */
export const FUNCTION_PORT = 8080;
/** Where the script and the bootstrap are projected, read-only. */
export const CODE_DIR = '/var/faas/code';
/** How long a stopping pod keeps accepting requests before SIGTERM. */
export const PRE_STOP_SECONDS = 3;
/** Where each Secret named in `secrets` is mounted: `<dir>/<secret>`. */
export const SECRETS_DIR = '/var/faas/secrets';
/** The writable emptyDir for uv's cache, script environments, Python installs; also HOME and the working directory. */
export const RUNTIME_DIR = '/var/faas/runtime';

/** Properties of {@link PythonFunction}. */
export interface PythonFunctionProps {
  /** The resolved function (from `loadFunctionsFolder`): name, script, settings. Required. */
  readonly definition: FunctionDefinition;
  /**
   * Namespace of every object of the function.
   * @default - the Chart's namespace, else 'faas'
   */
  readonly namespace?: string;
  /**
   * Image with Python and uv that runs the function.
   * @default 'ghcr.io/astral-sh/uv:python3.12-bookworm-slim'
   */
  readonly image?: string;
  /**
   * Average CPU use, as a percentage of the CPU request, that the autoscaler keeps replicas at.
   * @default 80
   * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
   */
  readonly targetCpuUtilization?: number;
  /**
   * Size limit of the emptyDir holding uv's cache, the script's environment and any Python
   * uv downloads. Heavy dependencies (numpy, torch) need more.
   * @default '2Gi'
   */
  readonly runtimeVolumeSize?: string;
  /**
   * The bootstrap's Python source, as the `faas-bootstrap` ConfigMap holds it; only its hash is
   * used here, so that a new bootstrap rolls the pods.
   * @default - the package's gateway/bootstrap/bootstrap.py
   */
  readonly bootstrapSource?: string;
}

/** ConfigMap, Deployment, Service, HPA and Function object of one PEP 723 script. */
export class PythonFunction extends Construct {
  public readonly definition: FunctionDefinition;
  public readonly namespace: string;
  public readonly image: string;
  public readonly targetCpuUtilization: number;
  public readonly runtimeVolumeSize: string;
  /** ConfigMap key of the script (its own file name, so it imports under the same module name as in `faas dev`). */
  public readonly scriptKey: string;
  /** sha256 of the script, its key and the bootstrap; on the pod template so any change rolls the pods. */
  public readonly contentHash: string;

  public readonly configMap: k8s.KubeConfigMap;
  public readonly deployment: k8s.KubeDeployment;
  public readonly service: k8s.KubeService;
  public readonly horizontalPodAutoscaler: k8s.KubeHorizontalPodAutoscalerV2;
  public readonly functionObject: FunctionObject;

  public constructor(scope: Construct, id: string, props: PythonFunctionProps) {
    super(scope, id);
    const definition = checkDefinition(props.definition);
    this.definition = definition;
    this.namespace = checkDnsLabel('namespace', defaultNamespace(this, props.namespace));
    this.image = props.image ?? DEFAULT_FUNCTION_IMAGE;
    this.targetCpuUtilization = checkWholeNumber('targetCpuUtilization', props.targetCpuUtilization ?? 80, 1);
    this.runtimeVolumeSize = checkQuantity('runtimeVolumeSize', props.runtimeVolumeSize ?? '2Gi');
    if (this.image.trim() === '') throw new Error(`'image' ('${this.image}') must name a container image with Python and uv`);
    const bootstrap: BootstrapSource =
      props.bootstrapSource === undefined ? bootstrapSource() : bootstrapFromText(props.bootstrapSource);
    this.scriptKey = scriptKey(definition);
    // From the text itself rather than `definition.sourceHash`, which a hand-built definition may leave stale.
    this.contentHash = createHash('sha256')
      .update(`${bootstrap.sha256}\n${this.scriptKey}\n`)
      .update(definition.source)
      .digest('hex');

    const names = derivedNames(definition.name);
    const labels = functionLabels(definition.name);
    const metadata = (name: string) => ({ name, namespace: this.namespace, labels });

    this.configMap = new k8s.KubeConfigMap(this, 'Code', {
      metadata: metadata(names.configMap),
      data: { [this.scriptKey]: definition.source },
    });
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: metadata(names.deployment),
      spec: {
        // No `replicas`: the autoscaler (1..max) and the gateway (0 <-> 1) own the live count,
        // so re-applying the manifest never resets it. A first apply starts one replica.
        // Old ReplicaSets are only for rollbacks, which here means redeploying the old script.
        revisionHistoryLimit: 2,
        selector: { matchLabels: functionSelector(definition.name) },
        template: {
          metadata: {
            labels: { ...labels, ...functionSelector(definition.name) },
            annotations: { [ANNOTATION_SOURCE_HASH]: this.contentHash },
          },
          spec: this.podSpec(names.configMap),
        },
      },
    });
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: metadata(names.service),
      spec: {
        type: 'ClusterIP',
        selector: functionSelector(definition.name),
        ports: [{ name: 'http', port: FUNCTION_PORT, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }],
      },
    });
    this.horizontalPodAutoscaler = new k8s.KubeHorizontalPodAutoscalerV2(this, 'Autoscaler', {
      metadata: metadata(names.horizontalPodAutoscaler),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: names.deployment },
        // The HPA cannot hold 0; at 0 replicas it stands aside and the gateway wakes the function.
        minReplicas: Math.max(1, definition.minReplicas),
        maxReplicas: definition.maxReplicas,
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: this.targetCpuUtilization } },
          },
        ],
      },
    });
    this.functionObject = new FunctionObject(this, 'Function', { definition, namespace: this.namespace });
  }

  private podSpec(configMapName: string): k8s.PodSpec {
    const { definition } = this;
    const secretVolumes = definition.secrets.map((secret, index) => ({ name: `secret-${index}`, secret }));
    const home = RUNTIME_DIR;
    const env: k8s.EnvVar[] = [
      ...Object.entries(definition.env).map(([name, value]) => ({ name, value })),
      // Set after the function's own variables: on a duplicate name the last one wins.
      { name: 'PORT', value: String(FUNCTION_PORT) },
      { name: 'FAAS_FUNCTION', value: definition.name },
      { name: 'HOME', value: home },
      { name: 'XDG_CACHE_HOME', value: `${home}/.cache` },
      { name: 'XDG_DATA_HOME', value: `${home}/.local/share` },
      { name: 'UV_CACHE_DIR', value: `${RUNTIME_DIR}/uv-cache` },
      { name: 'UV_PYTHON_INSTALL_DIR', value: `${RUNTIME_DIR}/python` },
      // The code folder is read-only; byte-code goes to /tmp instead of failing next to it.
      { name: 'PYTHONPYCACHEPREFIX', value: '/tmp/pycache' },
      { name: 'PYTHONUNBUFFERED', value: '1' },
    ];
    const port = k8s.IntOrString.fromString('http');
    return {
      automountServiceAccountToken: false,
      // With a thousand Services in the namespace, service links would add thousands of variables.
      enableServiceLinks: false,
      // Let requests in flight finish after SIGTERM: the longest one may take `timeout`.
      terminationGracePeriodSeconds: PRE_STOP_SECONDS + Math.ceil(definition.timeoutSeconds) + 10,
      securityContext: podSecurityContext(),
      ...podPlacement(placementSpec(definition)),
      containers: [
        {
          name: 'function',
          image: this.image,
          imagePullPolicy: 'IfNotPresent',
          command: runtimeCommand(definition.source, `${CODE_DIR}/${this.scriptKey}`, `${CODE_DIR}/${BOOTSTRAP_KEY}`),
          workingDir: home,
          ports: [{ name: 'http', containerPort: FUNCTION_PORT, protocol: 'TCP' }],
          env,
          resources: {
            requests: { cpu: k8s.Quantity.fromString(definition.cpu), memory: k8s.Quantity.fromString(definition.memory) },
            limits: { memory: k8s.Quantity.fromString(definition.memory) },
          },
          // The bootstrap loads the handler before it listens, so an open port means ready, for
          // every handler style, including scripts that serve HTTP themselves.
          // Up to ten minutes for a first install of heavy dependencies, checked every second
          // because a waking function's first request waits on exactly this.
          startupProbe: { tcpSocket: { port }, periodSeconds: 1, failureThreshold: 600, timeoutSeconds: 1 },
          // The pod turns Ready only on its first readiness success after start-up, so this period
          // is part of every cold start too; a TCP connect per second is cheap.
          readinessProbe: { tcpSocket: { port }, periodSeconds: 1, failureThreshold: 3, timeoutSeconds: 1 },
          // Keep serving while the gateway and kube-proxy learn from the EndpointSlice that the
          // pod is going away; SIGTERM then drains the requests in flight.
          lifecycle: { preStop: { exec: { command: ['sleep', String(PRE_STOP_SECONDS)] } } },
          // A container that fails leaves its last log lines in its status, where the gateway
          // reads why a wake failed without any right on pod logs.
          terminationMessagePolicy: 'FallbackToLogsOnError',
          securityContext: containerSecurityContext(),
          volumeMounts: [
            { name: 'code', mountPath: CODE_DIR, readOnly: true },
            { name: 'runtime', mountPath: RUNTIME_DIR },
            { name: 'tmp', mountPath: '/tmp' },
            ...secretVolumes.map(({ name, secret }) => ({ name, mountPath: `${SECRETS_DIR}/${secret}`, readOnly: true })),
          ],
        },
      ],
      volumes: [
        {
          name: 'code',
          projected: {
            defaultMode: 0o444,
            sources: [{ configMap: { name: configMapName } }, { configMap: { name: BOOTSTRAP_CONFIG_MAP_NAME } }],
          },
        },
        { name: 'runtime', emptyDir: { sizeLimit: k8s.Quantity.fromString(this.runtimeVolumeSize) } },
        { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } },
        ...secretVolumes.map(({ name, secret }) => ({ name, secret: { secretName: secret, defaultMode: 0o440 } })),
      ],
    };
  }
}

/** The definition's own invariants, checked again because a Pulumi program or test may build one by hand. */
function checkDefinition(definition: FunctionDefinition): FunctionDefinition {
  const problem = functionNameProblem(definition.name);
  if (problem !== undefined) throw new Error(`'definition.name' ('${definition.name}'): ${problem}`);
  if (definition.minReplicas > definition.maxReplicas) {
    throw new Error(
      `'definition.minReplicas' (${definition.minReplicas}) must be <= 'definition.maxReplicas' (${definition.maxReplicas}) ` +
        `in ${definition.file}; lower min-replicas or raise max-replicas`,
    );
  }
  checkWholeNumber('definition.maxReplicas', definition.maxReplicas, 1);
  checkWholeNumber('definition.minReplicas', definition.minReplicas, 0);
  checkQuantity('definition.cpu', definition.cpu);
  checkQuantity('definition.memory', definition.memory);
  return definition;
}
