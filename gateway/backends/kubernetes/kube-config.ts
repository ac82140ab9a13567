import { KubeConfig } from '@kubernetes/client-node';

export interface KubeConfigOptions {
  /** Path of a kubeconfig file; unset: in-cluster service account when running in a pod, else the default kubeconfig. */
  readonly kubeconfig?: string;
  /** Context to use from the kubeconfig. @default the current context */
  readonly context?: string;
}

/** In a pod the service account is the identity; anywhere else, the user's kubeconfig. */
export function loadKubeConfig(options: KubeConfigOptions = {}): KubeConfig {
  const kc = new KubeConfig();
  if (options.kubeconfig) {
    kc.loadFromFile(options.kubeconfig);
  } else if (process.env.KUBERNETES_SERVICE_HOST && !process.env.KUBECONFIG) {
    kc.loadFromCluster();
  } else {
    kc.loadFromDefault();
  }
  if (options.context) kc.setCurrentContext(options.context);
  if (!kc.getCurrentCluster()) {
    throw new Error(
      'no Kubernetes cluster configured: set KUBECONFIG or pass --kubeconfig, or run the gateway in a pod with its service account',
    );
  }
  return kc;
}
