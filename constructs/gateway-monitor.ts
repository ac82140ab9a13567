/**
 * A prometheus-operator ServiceMonitor or PodMonitor for the gateway's `/metrics`, so a
 * Prometheus run by the operator (kube-prometheus-stack) scrapes every gateway replica.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { GATEWAY_NAME } from './gateway.js';
import { gatewaySelector, LABEL_COMPONENT, LABEL_NAME, platformLabels } from './labels.js';
import { checkDnsLabel, checkOneOf } from './prop-checks.js';
import { defaultNamespace } from './default-namespace.js';

export type MonitorKind = 'ServiceMonitor' | 'PodMonitor';

/** The prometheus-operator's API group: its CRDs come with the operator, never with these manifests. */
export const MONITORING_GROUP = 'monitoring.coreos.com';

/** Properties of {@link GatewayMonitor}. */
export interface GatewayMonitorProps {
  /**
   * Namespace of the gateway, and of the monitor.
   * @default - the Chart's namespace, else 'faas'
   */
  readonly namespace?: string;
  /**
   * `ServiceMonitor` scrapes the gateway Service's endpoints (job `faas-gateway`); `PodMonitor`
   * scrapes the gateway pods directly (job `<namespace>/faas-gateway`).
   * @default 'ServiceMonitor'
   * @see https://prometheus-operator.dev/docs/developer/getting-started/
   */
  readonly kind?: MonitorKind;
  /**
   * Labels on the monitor, for a Prometheus whose `serviceMonitorSelector` or `podMonitorSelector`
   * wants them (kube-prometheus-stack: `{ release: '<its release name>' }`).
   * @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * How often Prometheus scrapes.
   * @default '30s'
   */
  readonly interval?: string;
}

/** The ServiceMonitor or PodMonitor `faas-gateway`. */
export class GatewayMonitor extends Construct {
  public readonly kind: MonitorKind;
  public readonly apiObject: ApiObject;

  public constructor(scope: Construct, id: string, props: GatewayMonitorProps = {}) {
    super(scope, id);
    const namespace = checkDnsLabel('namespace', defaultNamespace(this, props.namespace));
    this.kind = checkOneOf('kind', props.kind ?? 'ServiceMonitor', ['ServiceMonitor', 'PodMonitor']);
    const interval = props.interval ?? '30s';
    if (!/^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$/.test(interval) || interval === '') {
      throw new Error(`'interval' ('${interval}') must be a Prometheus duration like 30s or 1m`);
    }
    const endpoint = { port: 'http', path: '/metrics', interval };
    const gatewayLabels = platformLabels(GATEWAY_NAME, 'gateway');
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: `${MONITORING_GROUP}/v1`,
      kind: this.kind,
      metadata: { name: GATEWAY_NAME, namespace, labels: { ...platformLabels(GATEWAY_NAME, 'monitoring'), ...props.labels } },
      spec:
        this.kind === 'ServiceMonitor'
          ? {
              // The Service's own labels: the function Services carry other names and components.
              selector: { matchLabels: { [LABEL_NAME]: gatewayLabels[LABEL_NAME]!, [LABEL_COMPONENT]: gatewayLabels[LABEL_COMPONENT]! } },
              namespaceSelector: { matchNames: [namespace] },
              endpoints: [endpoint],
            }
          : {
              selector: { matchLabels: gatewaySelector() },
              namespaceSelector: { matchNames: [namespace] },
              podMetricsEndpoints: [endpoint],
            },
    });
  }
}
