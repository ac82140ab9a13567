import { createHash } from 'node:crypto';
import {
  AppsV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
  type KubernetesObject,
  type V1Deployment,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { FUNCTION_API_VERSION, FUNCTION_GROUP, FUNCTION_KIND, FUNCTION_PLURAL, FUNCTION_VERSION } from '../../constructs/function-api.js';
import { LABEL_MANAGED_BY } from '../../constructs/labels.js';
import { derivedNames } from '../../constructs/spec/function-name.js';
import { formatError } from '../../constructs/spec/format-error.js';
import { definitionFromSpec } from '../../constructs/spec/spec-conversion.js';
import { apiStatus, isNotFound } from '../backends/kubernetes/api-status.js';
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

/** What was last applied for one function, so an unchanged Function costs no synthesis and no writes. */
interface Applied {
  readonly uid: string;
  readonly generation: number;
  readonly hash: string;
}

/** An apply the API server refused: reported in status, retried with backoff. */
export class ApplyRefused extends Error {
  constructor(
    readonly reason: 'Conflict' | 'Forbidden' | 'ApplyFailed',
    message: string,
  ) {
    super(message);
    this.name = 'ApplyRefused';
  }
}

/**
 * Turns one Function object into its ConfigMap, Deployment, Service and HPA (server-side apply under
 * the controller's own field manager, owned by the Function so deleting it deletes them) and reports
 * what happened as conditions. Applies only when the Function's generation or the desired objects
 * changed, or one of its objects went missing, and writes status only when it differs, so a quiet
 * cluster sees no writes. It never forces: a field another manager owns is a `Conflict` condition,
 * not a tug of war.
 */
export class FunctionReconciler {
  private readonly custom: CustomObjectsApi;
  private readonly apps: AppsV1Api;
  private readonly objects: KubernetesObjectApi;
  private readonly applied = new Map<string, Applied>();
  private readonly mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

  constructor(private readonly options: FunctionReconcilerOptions) {
    this.custom = options.kubeConfig.makeApiClient(CustomObjectsApi);
    this.apps = options.kubeConfig.makeApiClient(AppsV1Api);
    this.objects = KubernetesObjectApi.makeApiClient(options.kubeConfig);
  }

  /** Counts of API writes, for the steady-state benchmark and tests. */
  readonly writes = { applies: 0, statusPatches: 0 };
  /** Reconciles started, so a test can tell an event was handled rather than missed. */
  reconciles = 0;

  /** One of its objects is gone: the next reconcile applies them all again, whatever else changed. */
  forget(name: string): void {
    this.applied.delete(name);
  }

  async reconcile(name: string): Promise<void> {
    this.reconciles++;
    const fn = await this.read(name);
    if (!fn) {
      // Garbage collection removes the owned objects; only our memory of them is left to drop.
      this.applied.delete(name);
      return;
    }
    if (fn.metadata?.deletionTimestamp) {
      // Being deleted (foreground: the garbage collector is deleting its workloads first). An
      // apply now would recreate what the collector just deleted.
      this.applied.delete(name);
      return;
    }
    const uid = fn.metadata?.uid ?? '';
    const generation = fn.metadata?.generation ?? 0;
    let deployment = await this.readDeployment(name);
    const last = this.applied.get(name);
    const current = last?.uid === uid && last.generation === generation && ownedBy(deployment, uid);
    if (!current) {
      const built = this.build(name, fn);
      if (!built.ok) {
        this.applied.delete(name);
        await this.writeConditions(fn, generation, [
          { type: 'Reconciled', status: 'False', reason: 'InvalidSpec', message: built.message },
          { type: 'Ready', status: 'False', reason: 'InvalidSpec', message: 'fix the spec; see the Reconciled condition' },
        ]);
        return;
      }
      if (last?.uid !== uid || last.hash !== built.hash || !ownedBy(deployment, uid)) {
        try {
          deployment = await this.apply(name, built.objects);
        } catch (e) {
          if (!(e instanceof ApplyRefused)) throw e;
          this.applied.delete(name);
          await this.writeConditions(fn, generation, [
            { type: 'Reconciled', status: 'False', reason: e.reason, message: e.message },
            { type: 'Ready', status: 'False', reason: e.reason, message: 'the workloads could not be applied; see the Reconciled condition' },
          ]);
          throw e;
        }
      }
      this.applied.set(name, { uid, generation, hash: built.hash });
    }
    await this.writeConditions(fn, generation, [
      { type: 'Reconciled', status: 'True', reason: 'Applied', message: 'ConfigMap, Deployment, Service and HorizontalPodAutoscaler applied' },
      readiness(deployment),
    ]);
  }

  private build(name: string, fn: FunctionResource): { ok: true; objects: KubernetesObject[]; hash: string } | { ok: false; message: string } {
    const result = definitionFromSpec(name, fn.spec ?? {});
    if (!result.ok) return { ok: false, message: result.errors.map(formatError).join('; ') };
    let objects: KubernetesObject[];
    try {
      objects = desiredObjects(result.function, {
        namespace: this.options.namespace,
        ...(this.options.functionImage ? { functionImage: this.options.functionImage } : {}),
      }).map((o) => this.owned(o, fn));
    } catch (e) {
      // The construct's own checks (a hand-built spec can still break one): a status, not a crash.
      return { ok: false, message: e instanceof Error ? e.message : String(e) };
    }
    return { ok: true, objects, hash: createHash('sha256').update(JSON.stringify(objects)).digest('hex') };
  }

  /** Applies every object; resolves the Deployment as the API server stored it. */
  private async apply(name: string, objects: KubernetesObject[]): Promise<V1Deployment | undefined> {
    let deployment: V1Deployment | undefined;
    for (const object of objects) {
      try {
        const stored = await this.objects.patch(object, undefined, undefined, CONTROLLER_FIELD_MANAGER, false, PatchStrategy.ServerSideApply);
        if (stored.kind === 'Deployment') deployment = stored as V1Deployment;
      } catch (e) {
        const code = apiStatus(e);
        const what = `${object.kind} ${object.metadata?.name}`;
        if (code === 409) {
          throw new ApplyRefused('Conflict', `${what}: ${apiMessage(e)}; another writer owns these fields (synth or kubectl?). Let one of them own the object: delete it so the controller recreates it, or stop applying it elsewhere`);
        }
        if (code === 403) {
          throw new ApplyRefused('Forbidden', `${what}: ${apiMessage(e)}; apply the platform's faas-controller Role and RoleBinding as synthesized`);
        }
        if (code === 422 || code === 400) throw new ApplyRefused('ApplyFailed', `${what}: ${apiMessage(e)}`);
        throw e;
      } finally {
        this.writes.applies++;
      }
    }
    this.options.logger.info({ function: name, objects: objects.length }, 'applied function workloads');
    return deployment;
  }

  private async readDeployment(name: string): Promise<V1Deployment | undefined> {
    try {
      return await this.apps.readNamespacedDeployment({ name: derivedNames(name).deployment, namespace: this.options.namespace });
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
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
            // Foreground deletion of a Function waits for its workloads, as controller-runtime's owners do.
            blockOwnerDeletion: true,
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
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }
}

function ownedBy(deployment: V1Deployment | undefined, uid: string): boolean {
  return deployment?.metadata?.ownerReferences?.some((r) => r.uid === uid && r.controller === true) ?? false;
}

/** Asleep counts as ready: the gateway wakes it on the next request. */
function readiness(deployment: V1Deployment | undefined): ConditionInput {
  const wanted = deployment?.spec?.replicas ?? 0;
  const available = deployment?.status?.availableReplicas ?? 0;
  if (wanted === 0) {
    return { type: 'Ready', status: 'True', reason: 'ScaledToZero', message: 'asleep; the gateway wakes it on the next request' };
  }
  if (available >= 1) {
    return { type: 'Ready', status: 'True', reason: 'Available', message: `${available} of ${wanted} replicas available` };
  }
  return { type: 'Ready', status: 'False', reason: 'Starting', message: `0 of ${wanted} replicas available` };
}

function apiMessage(e: unknown): string {
  const body = (e as { body?: unknown })?.body;
  const text = typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
  try {
    const parsed = JSON.parse(text) as { message?: string };
    if (parsed.message) return parsed.message;
  } catch {
    // Not JSON: the text itself, shortened below.
  }
  return (text || (e instanceof Error ? e.message : String(e))).slice(0, 500);
}
