/** The options every command that talks to Kubernetes takes, as kubectl names them. */
import type { Command } from 'commander';
import type { KubeContextOptions } from '../kube/kube-context.js';

export function addKubeOptions(command: Command): Command {
  return command
    .option('--context <name>', 'kubeconfig context (default: the current one)')
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)');
}

export function kubeContextOptions(options: { context?: string; kubeconfig?: string }): KubeContextOptions {
  return {
    ...(options.context === undefined ? {} : { context: options.context }),
    ...(options.kubeconfig === undefined ? {} : { kubeconfig: options.kubeconfig }),
  };
}

/** `table` or `json`; anything else is refused with the choices. */
export function checkOutputFormat(format: string): 'table' | 'json' {
  if (format === 'table' || format === 'json') return format;
  throw new Error(`unknown output format '${format}'; use -o table or -o json`);
}
