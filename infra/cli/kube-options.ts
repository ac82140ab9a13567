/** The options every command that talks to Kubernetes takes, as kubectl names them. */
import type { KubeConfig } from '@kubernetes/client-node';
import type { Command } from 'commander';
import { loadKubeConfig, type KubeConfigOptions } from '../../gateway/backends/kubernetes/kube-config.js';
import { targetNamespace } from './target-namespace.js';

export function addKubeOptions(command: Command): Command {
  return command
    .option('--context <name>', 'kubeconfig context (default: the current one)')
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)');
}

/** A command about one function in the cluster: the kube options, `<name>` and -n. */
export function addFunctionTarget(command: Command): Command {
  return addKubeOptions(command)
    .argument('<name>', 'function name')
    .option('-n, --namespace <namespace>', 'namespace (default: faas.config.json, then faas)');
}

export interface KubeTargetFlags {
  readonly namespace?: string;
  readonly context?: string;
  readonly kubeconfig?: string;
}

/** The cluster and namespace that the flags of addFunctionTarget name. */
export function kubeTarget(flags: KubeTargetFlags): { kc: KubeConfig; namespace: string } {
  return { kc: loadKubeConfig(kubeContextOptions(flags)), namespace: targetNamespace(flags.namespace) };
}

export function kubeContextOptions(options: { context?: string; kubeconfig?: string }): KubeConfigOptions {
  return {
    ...(options.context === undefined ? {} : { context: options.context }),
    ...(options.kubeconfig === undefined ? {} : { kubeconfig: options.kubeconfig }),
  };
}
