/**
 * Everything a cluster needs once, whatever the functions: the namespace, the Function CRD, the
 * gateway with its least-privilege Role, and the NetworkPolicy that keeps function pods private.
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-34';
import { FunctionCrd } from './function-crd.js';
import { FunctionAdmissionPolicy } from './function-admission-policy.js';
import { FunctionNetworkPolicy } from './function-network-policy.js';
import { Gateway, type GatewayProps } from './gateway.js';
import { BootstrapConfigMap } from './bootstrap-config-map.js';
import { FunctionController, type FunctionControllerProps } from './function-controller.js';
import { clusterScoped } from './cluster-scoped.js';
import { platformLabels } from './labels.js';
import { checkDnsLabel } from './prop-checks.js';
import { defaultNamespace } from './default-namespace.js';
import { GatewayMonitor, type GatewayMonitorProps } from './gateway-monitor.js';
import { GrafanaDashboard } from './grafana-dashboard.js';

/** Properties of {@link Platform}. */
export interface PlatformProps {
  /**
   * Namespace of the gateway and every function.
   * @default - the Chart's namespace, else 'faas'
   */
  readonly namespace?: string;
  /**
   * Create the Namespace object. Turn off when the namespace is managed elsewhere.
   * @default true
   */
  readonly createNamespace?: boolean;
  /**
   * Create the Function CRD (and, with the controller, its ValidatingAdmissionPolicy). Turn off
   * when several platforms share one cluster and one of them owns the CRD (both are cluster-wide).
   * @default true
   */
  readonly createCrd?: boolean;
  /**
   * The bootstrap's Python source, shared by every function pod.
   * @default - the package's gateway/bootstrap/bootstrap.py
   */
  readonly bootstrapSource?: string;
  /**
   * Gateway settings: image, replicas, admin Secret name, resources.
   * @default {}
   */
  readonly gateway?: Omit<GatewayProps, 'namespace'>;
  /**
   * Run the function controller, which builds each Function object's workloads in-cluster.
   * `PoormanFaasChart` turns it on with `functionWorkloads: 'controller'`.
   * @default - no controller
   */
  readonly controller?: Omit<FunctionControllerProps, 'namespace'>;
  /**
   * A prometheus-operator ServiceMonitor or PodMonitor for the gateway's `/metrics`. Needs the
   * operator's CRDs in the cluster.
   * @default - none
   */
  readonly metricsMonitor?: Omit<GatewayMonitorProps, 'namespace'>;
  /**
   * A ConfigMap with the Grafana dashboard, labelled `grafana_dashboard: "1"` for Grafana's
   * dashboard sidecar. Synth writes the dashboard file either way.
   * @default false
   */
  readonly grafanaDashboard?: boolean;
}

/** Namespace, Function CRD, gateway, the shared bootstrap and the NetworkPolicy. */
export class Platform extends Construct {
  public readonly namespace: string;
  public readonly createNamespace: boolean;
  public readonly createCrd: boolean;
  /**
   * The admin credentials Secret the gateway mounts. A reference only: synth never writes a
   * password into a manifest. Create it with
   * `kubectl -n <namespace> create secret generic <name> --from-literal=password=<password>`.
   */
  public readonly adminSecretName: string;

  public readonly namespaceObject?: k8s.KubeNamespace;
  public readonly crd?: FunctionCrd;
  /** The CEL rules the CRD's schema cannot state, for hand-written Function objects; with the CRD and the controller. */
  public readonly admissionPolicy?: FunctionAdmissionPolicy;
  public readonly gateway: Gateway;
  public readonly bootstrap: BootstrapConfigMap;
  public readonly networkPolicy: FunctionNetworkPolicy;
  public readonly controller?: FunctionController;
  public readonly metricsMonitor?: GatewayMonitor;
  public readonly grafanaDashboard?: GrafanaDashboard;

  public constructor(scope: Construct, id: string, props: PlatformProps = {}) {
    super(scope, id);
    this.namespace = checkDnsLabel('namespace', defaultNamespace(this, props.namespace));
    this.createNamespace = props.createNamespace ?? true;
    this.createCrd = props.createCrd ?? true;

    if (this.createNamespace) {
      this.namespaceObject = clusterScoped(
        new k8s.KubeNamespace(this, 'Namespace', {
          metadata: {
            name: this.namespace,
            labels: {
              ...platformLabels(this.namespace, 'namespace'),
              // Every pod here meets the `restricted` standard; the namespace says so and enforces it.
              'pod-security.kubernetes.io/enforce': 'restricted',
              'pod-security.kubernetes.io/enforce-version': 'latest',
            },
          },
        }),
      );
    }
    if (this.createCrd) this.crd = new FunctionCrd(this, 'FunctionCrd');
    // Hand-written Function objects are the controller's input; synth's own are checked by the loader.
    if (this.createCrd && props.controller !== undefined) {
      this.admissionPolicy = new FunctionAdmissionPolicy(this, 'FunctionAdmissionPolicy');
    }
    this.gateway = new Gateway(this, 'Gateway', { ...props.gateway, namespace: this.namespace });
    this.adminSecretName = this.gateway.adminSecretName;
    this.bootstrap = new BootstrapConfigMap(this, 'Bootstrap', { namespace: this.namespace, bootstrapSource: props.bootstrapSource });
    this.networkPolicy = new FunctionNetworkPolicy(this, 'NetworkPolicy', { namespace: this.namespace });
    if (props.controller !== undefined) {
      this.controller = new FunctionController(this, 'Controller', {
        image: this.gateway.image,
        ...props.controller,
        namespace: this.namespace,
      });
    }
    if (props.metricsMonitor !== undefined) this.metricsMonitor = new GatewayMonitor(this, 'MetricsMonitor', { ...props.metricsMonitor, namespace: this.namespace });
    if (props.grafanaDashboard ?? false) this.grafanaDashboard = new GrafanaDashboard(this, 'GrafanaDashboard', { namespace: this.namespace });
  }
}
