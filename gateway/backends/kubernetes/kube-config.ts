/**
 * The one way to find the cluster, for the gateway, the controller and the CLI: a kubeconfig named
 * by --kubeconfig, the service account in a pod, else the user's kubeconfig as kubectl picks it
 * ($KUBECONFIG, then ~/.kube/config), with the context asked for or the current one.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

export interface KubeConfigOptions {
  /** Path of a kubeconfig file instead of $KUBECONFIG / ~/.kube/config. */
  readonly kubeconfig?: string;
  /** Context to use from the kubeconfig. @default the current context */
  readonly context?: string;
  /** Where $KUBECONFIG and the home folder are read; the process's by default. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const HOW_TO_POINT = 'set KUBECONFIG to a kubeconfig file, pass --kubeconfig <file>, or write ~/.kube/config (`kind get kubeconfig`, `k3d kubeconfig get` or your provider prints one)';

export function loadKubeConfig(options: KubeConfigOptions = {}): KubeConfig {
  const env = options.env ?? process.env;
  const kc = new KubeConfig();
  if (options.kubeconfig === undefined && env.KUBERNETES_SERVICE_HOST && !env.KUBECONFIG) {
    kc.loadFromCluster();
  } else {
    const files = options.kubeconfig !== undefined ? [options.kubeconfig] : (env.KUBECONFIG ?? '').split(delimiter).filter((file) => file !== '');
    const candidates = files.length > 0 ? files : [join(env.HOME ?? homedir(), '.kube', 'config')];
    // Without any file client-node pretends a cluster at http://localhost, whose only error is about TLS.
    if (options.kubeconfig === undefined && !candidates.some((file) => existsSync(file))) {
      throw new Error(`no Kubernetes cluster is configured: there is no kubeconfig at ${candidates.join(', ')}; ${HOW_TO_POINT}`);
    }
    try {
      if (options.kubeconfig !== undefined) kc.loadFromFile(options.kubeconfig);
      else kc.loadFromDefault();
    } catch (error) {
      throw new Error(`cannot read the kubeconfig ${candidates.join(', ')}: ${(error as Error).message}; point --kubeconfig or KUBECONFIG at a valid file`);
    }
  }
  if (options.context !== undefined) {
    if (kc.getContextObject(options.context) === null) {
      const known = kc.getContexts().map((c) => c.name);
      throw new Error(`no context '${options.context}' in the kubeconfig; known contexts: ${known.join(', ') || '(none)'}`);
    }
    kc.setCurrentContext(options.context);
  }
  if (kc.getCurrentCluster() === null) {
    throw new Error('no Kubernetes cluster configured: the kubeconfig has no current context; select one with `kubectl config use-context <name>` or pass --context <name>');
  }
  return kc;
}
