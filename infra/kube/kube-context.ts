/**
 * The cluster the CLI talks to: the kubeconfig's current context, as kubectl picks it ($KUBECONFIG,
 * then ~/.kube/config), or the one named by --context / --kubeconfig.
 */
import { KubeConfig } from '@kubernetes/client-node';

export interface KubeContextOptions {
  /** A kubeconfig file instead of $KUBECONFIG / ~/.kube/config. */
  readonly kubeconfig?: string;
  /** A context of that kubeconfig instead of its current one. */
  readonly context?: string;
}

export function loadKubeConfig(options: KubeContextOptions = {}): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (options.kubeconfig !== undefined) kc.loadFromFile(options.kubeconfig);
    else kc.loadFromDefault();
  } catch (error) {
    const where = options.kubeconfig ?? process.env.KUBECONFIG ?? '~/.kube/config';
    throw new Error(`cannot read the kubeconfig ${where}: ${(error as Error).message}; point --kubeconfig or KUBECONFIG at a valid file`);
  }
  if (options.context !== undefined) {
    if (kc.getContextObject(options.context) === null) {
      const known = kc.getContexts().map((c) => c.name);
      throw new Error(`no context '${options.context}' in the kubeconfig; known contexts: ${known.join(', ') || '(none)'}`);
    }
    kc.setCurrentContext(options.context);
  }
  if (kc.getCurrentCluster() === null) {
    throw new Error(
      'no Kubernetes cluster to deploy to: the kubeconfig has no current context; ' +
        'select one with `kubectl config use-context <name>` or pass --context <name>',
    );
  }
  return kc;
}
