/**
 * The real gateway (server, request path, wake, reaper) over the Kubernetes backend, built the way
 * the gateway process builds it (createBackend with a kubeconfig), on 127.0.0.1 port 0.
 * FAAS_TEST_LOG=debug shows its log.
 */
import { pino } from 'pino';
import type { KubernetesBackend } from '../../gateway/backends/kubernetes/kubernetes-backend.js';
import { readConfig, type GatewayConfig } from '../../gateway/config.js';
import { createBackend } from '../../gateway/create-backend.js';
import { startGateway, type RunningGateway } from '../../gateway/server.js';

export interface KubernetesGateway {
  readonly gateway: RunningGateway;
  readonly backend: KubernetesBackend;
  readonly reapPermit: () => boolean | Promise<boolean>;
  close(): Promise<void>;
}

export interface KubernetesGatewayOptions {
  readonly kubeconfig: string;
  readonly namespace: string;
  /** Name in the reaper Lease. */
  readonly identity: string;
  readonly config?: Partial<GatewayConfig>;
  /** How often it publishes its calls to the other replicas. @default 500 */
  readonly activityPublishMs?: number;
}

export async function startKubernetesGateway(options: KubernetesGatewayOptions): Promise<KubernetesGateway> {
  const config = readConfig(
    { GATEWAY_BACKEND: 'kubernetes', K8S_NAMESPACE: options.namespace },
    { port: 0, host: '127.0.0.1', reaperPollMs: 0, ...options.config },
  );
  const logger = pino({ level: process.env.FAAS_TEST_LOG ?? 'silent', base: { gateway: options.identity } });
  const { backend, reapPermit } = await createBackend(
    config,
    {
      functionsDir: 'functions',
      kubeconfig: options.kubeconfig,
      identity: options.identity,
      ...(options.activityPublishMs !== undefined && { activityPublishMs: options.activityPublishMs }),
    },
    logger,
  );
  const gateway = await startGateway({ config, backend, logger, reapPermit });
  return { gateway, backend: backend as KubernetesBackend, reapPermit, close: () => gateway.close() };
}
