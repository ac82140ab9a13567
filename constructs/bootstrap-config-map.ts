/**
 * The Python bootstrap, once per namespace. Every function pod projects it next to its own
 * script, so a thousand functions do not store a thousand copies of the same 18 KB file in etcd
 * (and in the synthesized YAML). Its hash is part of each function's content hash, so a new
 * bootstrap rolls every function's pods.
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-34';
import { bootstrapFromText, bootstrapSource, type BootstrapSource } from './bootstrap-source.js';
import { platformLabels } from './labels.js';
import { checkDnsLabel } from './prop-checks.js';
import { defaultNamespace } from './default-namespace.js';
import { BOOTSTRAP_FILE } from './script-key.js';

/** Name of the ConfigMap; function pods mount it by this name. */
export const BOOTSTRAP_CONFIG_MAP_NAME = 'faas-bootstrap';
/** ConfigMap key of the bootstrap, and its file name next to the script. */
export const BOOTSTRAP_KEY = BOOTSTRAP_FILE;

/** Properties of {@link BootstrapConfigMap}. */
export interface BootstrapConfigMapProps {
  /**
   * Namespace of the functions.
   * @default - the Chart's namespace, else 'faas'
   */
  readonly namespace?: string;
  /**
   * The bootstrap's Python source.
   * @default - the package's gateway/bootstrap/bootstrap.py
   */
  readonly bootstrapSource?: string;
}

/** The `faas-bootstrap` ConfigMap. */
export class BootstrapConfigMap extends Construct {
  public readonly namespace: string;
  public readonly bootstrap: BootstrapSource;
  public readonly apiObject: k8s.KubeConfigMap;

  public constructor(scope: Construct, id: string, props: BootstrapConfigMapProps = {}) {
    super(scope, id);
    this.namespace = checkDnsLabel('namespace', defaultNamespace(this, props.namespace));
    this.bootstrap = props.bootstrapSource === undefined ? bootstrapSource() : bootstrapFromText(props.bootstrapSource);
    this.apiObject = new k8s.KubeConfigMap(this, 'Resource', {
      metadata: {
        name: BOOTSTRAP_CONFIG_MAP_NAME,
        namespace: this.namespace,
        labels: platformLabels(BOOTSTRAP_CONFIG_MAP_NAME, 'bootstrap'),
      },
      data: { [BOOTSTRAP_KEY]: this.bootstrap.text },
    });
  }
}
