import {
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  CustomObjectsApi,
  type KubernetesListObject,
  type KubernetesObject,
  type V1Deployment,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { FUNCTION_GROUP, FUNCTION_PLURAL, FUNCTION_VERSION } from '../../constructs/function-api.js';
import { LABEL_FUNCTION, LABEL_MANAGED_BY } from '../../constructs/labels.js';
import { functionsPath } from '../backends/kubernetes/api-names.js';
import { watchResources, type ResourceWatch } from '../backends/kubernetes/resource-watch.js';
import { CONTROLLER_MANAGED_BY, FunctionReconciler, type FunctionReconcilerOptions } from './function-reconciler.js';
import { WorkQueue } from './work-queue.js';

/**
 * Watches Function objects and the workloads it made for them, and reconciles one function at a
 * time per name. Level-triggered: every event just queues the name; the reconciler reads what is.
 * A ConfigMap, Service or HPA of its own that someone deletes is applied again; their other
 * changes do not concern it (an edit by another manager is theirs; see the README).
 */
export class FunctionController {
  readonly reconciler: FunctionReconciler;
  private readonly queue: WorkQueue;
  private watches: ResourceWatch[] = [];
  /** The generation last queued per Function, to let status-only updates pass. */
  private readonly generations = new Map<string, number>();

  constructor(private readonly options: FunctionReconcilerOptions & { readonly logger: Logger }) {
    this.reconciler = new FunctionReconciler(options);
    this.queue = new WorkQueue((name) => this.reconciler.reconcile(name), {
      onError: (name, e) => options.logger.warn({ function: name, err: errorText(e) }, 'reconcile failed; retrying'),
    });
  }

  async start(): Promise<void> {
    const { kubeConfig, namespace, logger } = this.options;
    const custom = kubeConfig.makeApiClient(CustomObjectsApi);
    const apps = kubeConfig.makeApiClient(AppsV1Api);
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const autoscaling = kubeConfig.makeApiClient(AutoscalingV2Api);
    const owned = `${LABEL_MANAGED_BY}=${CONTROLLER_MANAGED_BY}`;
    /** Deleted by hand: forget that it was applied, so the next reconcile applies it again. */
    const onDeleted = (event: string, o: KubernetesObject): void => {
      const name = o.metadata?.labels?.[LABEL_FUNCTION];
      if (event !== 'delete' || !name) return;
      this.reconciler.forget(name);
      this.queue.add(name);
    };
    const watchOwned = <T extends KubernetesObject>(kind: string, path: string, list: () => Promise<KubernetesListObject<T>>): ResourceWatch =>
      watchResources<T>({
        kubeConfig,
        path: `${path}/namespaces/${namespace}/${kind}`,
        labelSelector: owned,
        list,
        onEvent: onDeleted,
        onError: (e) => logger.warn({ err: errorText(e) }, `listing or watching ${kind} failed; retrying in 1s (a 403 means the faas-controller Role or RoleBinding is missing)`),
      });
    this.watches = [
      watchResources<KubernetesObject>({
        kubeConfig,
        path: functionsPath(namespace),
        list: () =>
          custom.listNamespacedCustomObject({ group: FUNCTION_GROUP, version: FUNCTION_VERSION, namespace, plural: FUNCTION_PLURAL }) as Promise<
            KubernetesListObject<KubernetesObject>
          >,
        onEvent: (event, o) => this.onFunctionEvent(event, o),
        onError: (e) =>
          logger.warn(
            { err: errorText(e) },
            'listing or watching Function objects failed; retrying in 1s (a 404 means the CRD functions.faas.poorman.dev is not installed, a 403 that the faas-controller Role or RoleBinding is missing)',
          ),
      }),
      watchResources<V1Deployment>({
        kubeConfig,
        path: `/apis/apps/v1/namespaces/${namespace}/deployments`,
        labelSelector: owned,
        list: () => apps.listNamespacedDeployment({ namespace, labelSelector: owned }),
        onEvent: (_event, d) => {
          const name = d.metadata?.labels?.[LABEL_FUNCTION];
          if (name) this.queue.add(name);
        },
        onError: (e) =>
          logger.warn({ err: errorText(e) }, 'listing or watching Deployments failed; retrying in 1s (a 403 means the faas-controller Role or RoleBinding is missing)'),
      }),
      watchOwned('configmaps', '/api/v1', () => core.listNamespacedConfigMap({ namespace, labelSelector: owned })),
      watchOwned('services', '/api/v1', () => core.listNamespacedService({ namespace, labelSelector: owned })),
      watchOwned('horizontalpodautoscalers', '/apis/autoscaling/v2', () => autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace, labelSelector: owned })),
    ];
    await Promise.all(this.watches.map((w) => w.synced));
  }

  /**
   * Status and metadata writes (the gateway's replicas and last invocation, our own conditions)
   * leave the generation as it was and change nothing the controller builds, so they are not
   * queued, as controller-runtime's GenerationChangedPredicate does; readiness comes from the
   * Deployment watch. Without this every gateway status write would cost two reads here.
   */
  private onFunctionEvent(event: 'add' | 'update' | 'delete', o: KubernetesObject): void {
    const name = o.metadata?.name;
    if (!name) return;
    if (event === 'delete') {
      this.generations.delete(name);
    } else {
      const generation = o.metadata?.generation ?? 0;
      if (event === 'update' && this.generations.get(name) === generation && !o.metadata?.deletionTimestamp) return;
      this.generations.set(name, generation);
    }
    this.queue.add(name);
  }

  /** Resolves when every queued reconcile has run. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  async stop(): Promise<void> {
    this.queue.close();
    await Promise.all(this.watches.map((w) => w.stop()));
  }
}

function errorText(e: unknown): string {
  const body = (e as { body?: unknown })?.body;
  if (typeof body === 'string') return body.slice(0, 500);
  return e instanceof Error ? e.message : String(e);
}
