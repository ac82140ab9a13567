import { createHash } from 'node:crypto';
import {
  AppsV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { FUNCTION_API_VERSION, FUNCTION_GROUP, FUNCTION_KIND, FUNCTION_PLURAL, FUNCTION_VERSION } from '../../constructs/function-api.js';
import { LABEL_MANAGED_BY } from '../../constructs/labels.js';
import { derivedNames } from '../../constructs/spec/function-name.js';
import { formatError } from '../../constructs/spec/format-error.js';
import { definitionFromSpec } from '../../constructs/spec/spec-conversion.js';
import { statusCode } from '../backends/kubernetes/reaper-lease.js';
import { mergeConditions, sameConditions, type Condition, type ConditionInput } from './conditions.js';
import { desiredObjects } from './desired-objects.js';

export const CONTROLLER_FIELD_MANAGER = 'faas-controller';
export const CONTROLLER_MANAGED_BY = 'faas-controller';

export interface FunctionReconcilerOptions {
  readonly kubeConfig: KubeConfig;
  readonly namespace: string;
  readonly functionImage?: string;
  readonly logger: Logger;
}

interface FunctionResource extends KubernetesObject {
  spec?: unknown;
  status?: { conditions?: Condition[]; observedGeneration?: number };
}

/**
 * Turns one Function object into its ConfigMap, Deployment, Service and HPA (server-side apply under
 * the controller's own field manager, owned by the Function so deleting it deletes them) and reports
 * what happened as conditions. Applies only when the desired objects changed since the last success,
 * and writes status only when it differs, so a quiet cluster sees no writes.
 */
export class FunctionReconciler {
  private readonly custom: CustomObjectsApi;
  private readonly apps: AppsV1Api;
  private readonly objects: KubernetesObjectApi;
  private readonly applied = new Map<string, string>();
  private readonly mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

  constructor(private readonly options: FunctionReconcilerOptions) {
    this.custom = options.kubeConfig.makeApiClient(CustomObjectsApi);
    this.apps = options.kubeConfig.makeApiClient(AppsV1Api);
    this.objects = KubernetesObjectApi.makeApiClient(options.kubeConfig);
  }

  /** Counts of API writes, for the steady-state benchmark and tests. */
  readonly writes = { applies: 0, statusPatches: 0 };

  async reconcile(name: string): Promise<void> {
    const fn = await this.read(name);
    if (!fn) {
      // Garbage collection removes the owned objects; only our memory of them is left to drop.
      this.applied.delete(name);
      return;
    }
    const generation = fn.metadata?.generation ?? 0;
    const result = definitionFromSpec(name, fn.spec ?? {});
    if (!result.ok) {
      const message = result.errors.map(formatError).join('; ');
      await this.writeConditions(fn, generation, [
        { type: 'Reconciled', status: 'False', reason: 'InvalidSpec', message },
        { type: 'Ready', status: 'False', reason: 'InvalidSpec', message: 'fix the spec; see the Reconciled condition' },
      ]);
      return;
    }
    const desired = desiredObjects(result.function, {
      namespace: this.options.namespace,
      ...(this.options.functionImage ? { functionImage: this.options.functionImage } : {}),
    }).map((o) => this.owned(o, fn));
    const hash = createHash('sha256').update(JSON.stringify(desired)).digest('hex');
    if (this.applied.get(name) !== hash) {
      for (const object of desired) {
        await this.objects.patch(object, undefined, undefined, CONTROLLER_FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
        this.writes.applies++;
      }
      this.applied.set(name, hash);
      this.options.logger.info({ function: name, objects: desired.length }, 'applied function workloads');
    }
    await this.writeConditions(fn, generation, [
      { type: 'Reconciled', status: 'True', reason: 'Applied', message: `applied ${desired.map((o) => o.kind).join(', ')}` },
      await this.readiness(name, result.function.minReplicas),
    ]);
  }

  private async readiness(name: string, minReplicas: number): Promise<ConditionInput> {
    const deployment = await this.apps.readNamespacedDeployment({
      name: derivedNames(name).deployment,
      namespace: this.options.namespace,
    });
    const wanted = deployment.spec?.replicas ?? 0;
    const available = deployment.status?.availableReplicas ?? 0;
    if (wanted === 0) {
      return { type: 'Ready', status: 'True', reason: 'ScaledToZero', message: 'asleep; the gateway wakes it on the next request' };
    }
    if (available >= Math.max(1, Math.min(wanted, minReplicas || 1))) {
      return { type: 'Ready', status: 'True', reason: 'Available', message: `${available} of ${wanted} replicas available` };
    }
    return { type: 'Ready', status: 'False', reason: 'Starting', message: `${available} of ${wanted} replicas available` };
  }

  private owned(object: KubernetesObject, fn: FunctionResource): KubernetesObject {
    return {
      ...object,
      metadata: {
        ...object.metadata,
        labels: { ...object.metadata?.labels, [LABEL_MANAGED_BY]: CONTROLLER_MANAGED_BY },
        ownerReferences: [
          {
            apiVersion: FUNCTION_API_VERSION,
            kind: FUNCTION_KIND,
            name: fn.metadata?.name ?? '',
            uid: fn.metadata?.uid ?? '',
            controller: true,
          },
        ],
      },
    };
  }

  private async writeConditions(fn: FunctionResource, generation: number, next: ConditionInput[]): Promise<void> {
    const previous = fn.status?.conditions;
    const conditions = mergeConditions(previous, next, generation, new Date());
    if (sameConditions(previous, conditions) && fn.status?.observedGeneration === generation) return;
    await this.custom.patchNamespacedCustomObjectStatus(
      {
        group: FUNCTION_GROUP,
        version: FUNCTION_VERSION,
        plural: FUNCTION_PLURAL,
        namespace: this.options.namespace,
        name: fn.metadata?.name ?? '',
        body: { status: { conditions, observedGeneration: generation } },
      },
      this.mergePatch,
    );
    this.writes.statusPatches++;
  }

  private async read(name: string): Promise<FunctionResource | undefined> {
    try {
      return (await this.custom.getNamespacedCustomObject({
        group: FUNCTION_GROUP,
        version: FUNCTION_VERSION,
        plural: FUNCTION_PLURAL,
        namespace: this.options.namespace,
        name,
      })) as FunctionResource;
    } catch (e) {
      if (statusCode(e) === 404) return undefined;
      throw e;
    }
  }
}
