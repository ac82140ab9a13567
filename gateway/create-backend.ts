/**
 * Builds the backend GATEWAY_BACKEND names, with the reap permit that goes with it: a local gateway
 * is alone and always reaps; Kubernetes replicas reap only while holding the reaper Lease.
 */
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { FunctionDefinition } from '../constructs/spec/function-definition.js';
import type { Backend } from './backends/backend.js';
import { LocalBackend } from './backends/local/local-backend.js';
import type { GatewayConfig } from './config.js';
import type { ReapPermit } from './core/reaper.js';

export interface BackendChoice {
  readonly backend: Backend;
  readonly reapPermit: ReapPermit;
}

export interface BackendOptions {
  /** Folder of scripts for the local backend. */
  readonly functionsDir: string;
  /** Local: where the Python bootstrap is, when the gateway runs from a bundle. @default next to the sources */
  readonly bootstrapPath?: string;
  /** Kubernetes: kubeconfig file and context; unset: in-cluster, else the default kubeconfig. */
  readonly kubeconfig?: string;
  readonly context?: string;
  /** Kubernetes: this replica's name in the reaper Lease. @default $POD_NAME, else the host name */
  readonly identity?: string;
  /** Kubernetes: how often this replica publishes its calls to the other replicas. @default 500 */
  readonly activityPublishMs?: number;
}

export async function createBackend(config: GatewayConfig, options: BackendOptions, logger: Logger): Promise<BackendChoice> {
  if (config.backend === 'kubernetes') {
    // Loaded only when asked for: the Kubernetes client is most of the gateway's memory otherwise.
    const [{ loadKubeConfig }, { KubernetesBackend }] = await Promise.all([
      import('./backends/kubernetes/kube-config.js'),
      import('./backends/kubernetes/kubernetes-backend.js'),
    ]);
    const backend = new KubernetesBackend({
      kubeConfig: loadKubeConfig({ kubeconfig: options.kubeconfig, context: options.context }),
      namespace: config.namespace,
      identity: options.identity ?? process.env.POD_NAME ?? hostname(),
      ...(process.env.POD_UID && { podUid: process.env.POD_UID }),
      ...(options.activityPublishMs !== undefined && { activityPublishMs: options.activityPublishMs }),
      ...(config.warmPoolSize > 0 && config.warmPoolSecretFile !== '' && { warmPool: await kubernetesWarmPool(config.warmPoolSecretFile) }),
      logger,
    });
    return { backend, reapPermit: () => backend.canReap() };
  }
  const local = new LocalBackend({
    functionsDir: options.functionsDir,
    logger,
    warmPool: { size: config.warmPoolSize, retentionMs: config.warmPoolRetentionMs },
    ...(options.bootstrapPath && { bootstrapPath: options.bootstrapPath }),
  });
  return { backend: local, reapPermit: () => true };
}

/** The Kubernetes warm pool: its secret read once at start (a missing or short one stops the gateway, saying which file). */
async function kubernetesWarmPool(secretFile: string) {
  const [{ readFile }, { warmPoolKey }, { DEFAULT_FUNCTION_IMAGE }] = await Promise.all([
    import('node:fs/promises'),
    import('../constructs/warm-pool-key.js'),
    import('../constructs/script-key.js'),
  ]);
  const raw = await readFile(secretFile).catch((e: NodeJS.ErrnoException) => {
    throw new Error(`WARM_POOL_SECRET_FILE ${secretFile}: cannot read it (${e.code ?? e.message}); mount the faas-pool Secret there or unset WARM_POOL_SECRET_FILE`);
  });
  // As the bootstrap reads it: surrounding whitespace (a newline from `echo`) is not part of it.
  const secret = Buffer.from(raw.toString('latin1').trim(), 'latin1');
  if (secret.length < 32) throw new Error(`WARM_POOL_SECRET_FILE ${secretFile} holds ${secret.length} bytes; the pool's secret must be at least 32 random bytes`);
  return { secret, poolKeyOf: (def: FunctionDefinition) => warmPoolKey(def, DEFAULT_FUNCTION_IMAGE) };
}
