import {
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  DiscoveryV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  type V1EndpointSlice,
  type V1Pod,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { FunctionDefinition } from '../../../constructs/spec/function-definition.js';
import { definitionFromSpec, specFromDefinition } from '../../../constructs/spec/spec-conversion.js';
import { SpecError } from '../../../constructs/spec/spec-error.js';
import { functionLabels } from '../../../constructs/labels.js';
import type { Backend, PoolWake, ReapOutcome, ReplicaCounts, StartFailure } from '../backend.js';
import {
  FIELD_MANAGER,
  FUNCTION_GROUP,
  FUNCTION_KIND,
  FUNCTION_LABEL,
  FUNCTION_PLURAL,
  FUNCTION_VERSION,
  endpointSlicesPath,
  functionsPath,
  podsPath,
} from './api-names.js';
import { isNotFound } from './api-status.js';
import { DeploymentScaler } from './deployment-scaler.js';
import { EndpointTable } from './endpoint-table.js';
import { FunctionEvents } from './function-events.js';
import { FunctionStatusWriter } from './function-status-writer.js';
import { PodLogs } from './pod-logs.js';
import { PodFailureTable, type PodFailure } from './pod-failures.js';
import { ReplicaActivity } from './replica-activity.js';
import type { Activity, ActivityView } from '../../core/activity.js';
import { ReaperLease } from './reaper-lease.js';
import { watchResources, type ResourceWatch } from './resource-watch.js';
import { CLAIMED_BY_LABEL } from './pool-claim.js';
import { PoolWaker } from './pool-wake.js';

export interface KubernetesBackendOptions {
  readonly kubeConfig: KubeConfig;
  /** Namespace of the platform: Function objects, Deployments, EndpointSlices, the reaper Lease. */
  readonly namespace: string;
  /** This replica's name for the reaper Lease (the pod name in a cluster). */
  readonly identity: string;
  /** This replica's pod uid: its activity Lease then goes with the pod. */
  readonly podUid?: string;
  /** How often this replica publishes its calls to the other replicas. @default 500 */
  readonly activityPublishMs?: number;
  readonly logger: Logger;
  /**
   * Wakes from zero claim a warm pool pod (synthesized per pool key) and specialize it, beside
   * scaling the Deployment. Absent: every wake waits for the Deployment's pod.
   */
  readonly warmPool?: {
    readonly secret: Buffer;
    readonly poolKeyOf: (def: FunctionDefinition) => string | undefined;
  };
}

interface FunctionObject extends KubernetesObject {
  spec?: Record<string, unknown>;
  status?: { conditions?: { type?: string; status?: string; reason?: string; message?: string }[] };
}

/**
 * Functions are Function objects; instances are the pods of their Deployment. Discovery and readiness
 * come from watches (Function objects, EndpointSlices), scaling from deployments/scale, so the
 * gateway never polls and never needs rights on Deployments themselves.
 */
export class KubernetesBackend implements Backend {
  /** The gateway has no right to write Secrets, and nothing private goes into a Function object. */
  readonly keepsPrivateFiles = false;
  readonly kind = 'kubernetes' as const;
  /** The function pods' logs, for the web UI. */
  readonly functionLogs: PodLogs;
  private readonly defs = new Map<string, FunctionDefinition>();
  /** Each Function object's uid, for the events about it. */
  private readonly uids = new Map<string, string>();
  /** Ready condition per function as one line, when a controller writes one. */
  private readonly readiness = new Map<string, string>();
  private readonly endpoints = new EndpointTable();
  private readonly podFailures = new PodFailureTable();
  private readonly scaler: DeploymentScaler;
  private readonly status: FunctionStatusWriter;
  private readonly events: FunctionEvents;
  private readonly lease: ReaperLease;
  private readonly custom: CustomObjectsApi;
  private readonly objects: KubernetesObjectApi;
  private readonly discovery: DiscoveryV1Api;
  private readonly core: CoreV1Api;
  private readonly functionListeners = new Set<() => void>();
  private readonly endpointListeners = new Set<(name: string) => void>();
  private readonly failureListeners = new Set<(failure: StartFailure) => void>();
  private readonly poolWakeListeners = new Set<(wake: PoolWake) => void>();
  private readonly pool: PoolWaker | undefined;
  /** Per function, the claimed pool pods serving it (pod name → endpoint) until their EndpointSlice or their deletion. */
  private readonly poolEndpoints = new Map<string, Map<string, string>>();
  private watches: ResourceWatch[] = [];
  private replicaActivity: ReplicaActivity | undefined;

  constructor(private readonly options: KubernetesBackendOptions) {
    const kc = options.kubeConfig;
    this.custom = kc.makeApiClient(CustomObjectsApi);
    this.discovery = kc.makeApiClient(DiscoveryV1Api);
    this.core = kc.makeApiClient(CoreV1Api);
    this.functionLogs = new PodLogs(kc, options.namespace);
    this.objects = KubernetesObjectApi.makeApiClient(kc);
    this.scaler = new DeploymentScaler(kc.makeApiClient(AppsV1Api), options.namespace);
    if (options.warmPool) {
      this.pool = new PoolWaker({
        core: this.core,
        namespace: options.namespace,
        identity: options.identity,
        secret: options.warmPool.secret,
        poolKeyOf: options.warmPool.poolKeyOf,
      });
    }
    this.status = new FunctionStatusWriter({
      custom: this.custom,
      namespace: options.namespace,
      onError: (name, e) => options.logger.warn({ function: name, err: describe(e) }, 'writing Function status failed'),
    });
    this.events = new FunctionEvents({
      objects: this.objects,
      namespace: options.namespace,
      identity: options.identity,
      onError: (name, e) => options.logger.warn({ function: name, err: describe(e) }, 'recording an Event failed'),
    });
    this.lease = new ReaperLease({
      coordination: kc.makeApiClient(CoordinationV1Api),
      namespace: options.namespace,
      identity: options.identity,
      onError: (e) => options.logger.warn({ err: describe(e) }, 'reaper lease renewal failed'),
    });
  }

  async start(): Promise<void> {
    const { namespace, logger } = this.options;
    const functionsWatch = watchResources<FunctionObject>({
      kubeConfig: this.options.kubeConfig,
      path: functionsPath(namespace),
      list: () =>
        this.custom.listNamespacedCustomObject({
          group: FUNCTION_GROUP,
          version: FUNCTION_VERSION,
          namespace,
          plural: FUNCTION_PLURAL,
        }) as Promise<KubernetesListObject<FunctionObject>>,
      onEvent: (event, object) => this.onFunctionEvent(event, object),
      onError: (e) => logger.warn({ err: describe(e) }, 'Function watch broke; listing again'),
    });
    const slicesWatch = watchResources<V1EndpointSlice>({
      kubeConfig: this.options.kubeConfig,
      path: endpointSlicesPath(namespace),
      labelSelector: FUNCTION_LABEL,
      list: () => this.discovery.listNamespacedEndpointSlice({ namespace, labelSelector: FUNCTION_LABEL }),
      onEvent: (event, slice) => {
        const changed = this.endpoints.apply(event, slice);
        if (!changed) return;
        const ready = this.endpoints.ready(changed).length;
        this.replicaActivity?.readyPods(changed, ready);
        this.status.update(changed, { readyReplicas: ready });
        for (const l of this.endpointListeners) l(changed);
      },
      onError: (e) => logger.warn({ err: describe(e) }, 'EndpointSlice watch broke; listing again'),
    });
    // A pod that crash-loops or cannot pull its image never gets an endpoint: its own status says
    // why, so waiters get that at once instead of waiting out COLD_START_TIMEOUT.
    const podsWatch = watchResources<V1Pod>({
      kubeConfig: this.options.kubeConfig,
      path: podsPath(namespace),
      labelSelector: FUNCTION_LABEL,
      list: () => this.core.listNamespacedPod({ namespace, labelSelector: FUNCTION_LABEL }),
      onEvent: (event, pod) => {
        if (event === 'delete') this.poolPodGone(pod);
        const failure = this.podFailures.apply(event, pod);
        if (failure !== undefined) this.startFailed(failure);
      },
      onError: (e) => logger.warn({ err: describe(e) }, 'Pod watch broke; listing again'),
    });
    this.watches = [functionsWatch, slicesWatch, podsWatch];
    await Promise.all(this.watches.map((w) => w.synced));
    // A restarted gateway must know which functions are awake before the reaper or a wake decides anything.
    await Promise.all(
      [...this.defs.keys()].map((name) =>
        this.scaler.refresh(name).catch((e) => logger.warn({ function: name, err: describe(e) }, 'reading replicas failed')),
      ),
    );
    await this.replicaActivity?.start();
    this.lease.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.watches.map((w) => w.stop()));
    await this.replicaActivity?.stop();
    await this.status.close();
    await this.lease.stop();
  }

  functions(): ReadonlyMap<string, FunctionDefinition> {
    return this.defs;
  }

  async scale(name: string, replicas: number): Promise<void> {
    // The holder's reaper reads every replica's calls fresh before it scales down (reapIfIdle):
    // published before the wake, the call that wakes a function is there for that read.
    if (replicas > 0) await this.replicaActivity?.publishNow().catch((e: unknown) => this.activityError(e));
    const def = this.defs.get(name);
    const fromPool = replicas > 0 && this.pool !== undefined && def !== undefined && this.scaler.desiredReplicas(name) === 0;
    // The pool pod serves the waiting calls as soon as it is specialized; the Deployment scales as
    // always, and its pod takes over when the claimed one is retired at scale to zero.
    const [{ from, to }] = await Promise.all([this.scaler.scale(name, replicas), fromPool ? this.wakeFromPool(def) : undefined]);
    if (replicas === 0) await this.retirePoolPods(name);
    this.status.update(name, { replicas });
    if (from !== to) this.events.scaled(name, this.uids.get(name), from, to);
    // A wake of a function whose pod already fails fails now; its status may not change again.
    const failing = replicas > 0 ? this.podFailures.current(name) : undefined;
    if (failing !== undefined) this.startFailed(failing);
  }

  async reapIfIdle(name: string, idleTimeoutMs: number): Promise<ReapOutcome> {
    const { outcome, from } = await this.scaler.scaleToZeroIf(name, async () => {
      const activity = this.replicaActivity ? await this.replicaActivity.others(name) : { inFlight: 0, lastSeen: 0 };
      return activity.inFlight === 0 && Date.now() - activity.lastSeen >= idleTimeoutMs;
    });
    if (outcome === 'reaped') {
      await this.retirePoolPods(name);
      this.status.update(name, { replicas: 0 });
      this.events.scaled(name, this.uids.get(name), from, 0);
    }
    return outcome;
  }

  /** A failing pod fails the wake only while the function has no ready endpoint to serve from. */
  private startFailed(failure: PodFailure): void {
    if (this.endpoints.ready(failure.function).length > 0) return;
    const startFailure: StartFailure = { function: failure.function, reason: failure.reason, logTail: failure.logTail, at: new Date() };
    for (const l of this.failureListeners) l(startFailure);
  }

  replicas(name: string): ReplicaCounts {
    const ready = this.endpoints.ready(name).length;
    const readiness = this.readiness.get(name);
    return { desired: this.scaler.desiredReplicas(name) ?? ready, ready, ...(readiness === undefined ? {} : { readiness }) };
  }

  readyEndpoints(name: string): readonly string[] {
    const claimed = this.poolEndpoints.get(name);
    if (claimed === undefined) return this.endpoints.ready(name);
    return [...new Set([...this.endpoints.ready(name), ...claimed.values()])];
  }

  onPoolWake(listener: (wake: PoolWake) => void): () => void {
    this.poolWakeListeners.add(listener);
    return () => this.poolWakeListeners.delete(listener);
  }

  /** Claims and specializes a pool pod for `def`; any failure leaves the wake to the Deployment. */
  private async wakeFromPool(def: FunctionDefinition): Promise<void> {
    const logger = this.options.logger.child({ function: def.name });
    const result = await this.pool!.wake(def).catch((e: unknown) => ({ outcome: 'fallback' as const, reason: describe(e) }));
    if (result.outcome === 'none') return;
    for (const l of this.poolWakeListeners) l({ function: def.name, outcome: result.outcome });
    if (result.outcome === 'fallback') {
      logger.info({ reason: result.reason }, 'no warm pool pod took the wake; waiting for the Deployment');
      return;
    }
    logger.debug({ pod: result.pod }, 'woken in a warm pool pod');
    const claimed = this.poolEndpoints.get(def.name) ?? new Map<string, string>();
    claimed.set(result.pod, result.endpoint);
    this.poolEndpoints.set(def.name, claimed);
    for (const l of this.endpointListeners) l(def.name);
  }

  private poolPodGone(pod: V1Pod): void {
    const labels = pod.metadata?.labels ?? {};
    const name = labels[FUNCTION_LABEL];
    if (name === undefined || labels[CLAIMED_BY_LABEL] === undefined) return;
    if (this.poolEndpoints.get(name)?.delete(pod.metadata!.name!)) for (const l of this.endpointListeners) l(name);
  }

  /** A claimed pod belongs to no Deployment: scale to zero deletes it. */
  private async retirePoolPods(name: string): Promise<void> {
    this.poolEndpoints.delete(name);
    await this.pool?.retireAll(name).catch((e: unknown) => this.options.logger.warn({ function: name, err: describe(e) }, 'deleting claimed pool pods failed'));
  }

  /** Each replica publishes its calls in a Lease of its own; the reaper on the holder counts them all. */
  clusterActivity(local: Activity): ActivityView {
    this.replicaActivity = new ReplicaActivity({
      kubeConfig: this.options.kubeConfig,
      coordination: this.options.kubeConfig.makeApiClient(CoordinationV1Api),
      namespace: this.options.namespace,
      identity: this.options.identity,
      ...(this.options.podUid && { podUid: this.options.podUid }),
      ...(this.options.activityPublishMs !== undefined && { publishEveryMs: this.options.activityPublishMs }),
      local,
      onError: (e) => this.activityError(e),
    });
    return this.replicaActivity;
  }

  private activityError(e: unknown): void {
    this.options.logger.warn({ err: describe(e) }, 'sharing call activity with the other gateway replicas failed');
  }

  /** Only the replica holding the reaper Lease scales functions down. */
  canReap(): boolean {
    return this.lease.held();
  }

  recordInvocation(name: string, at: Date): void {
    this.status.update(name, { lastInvocation: at });
  }

  async deploy(definition: FunctionDefinition): Promise<'created' | 'updated'> {
    const existed = this.defs.has(definition.name);
    const body = {
      apiVersion: `${FUNCTION_GROUP}/${FUNCTION_VERSION}`,
      kind: FUNCTION_KIND,
      metadata: {
        name: definition.name,
        namespace: this.options.namespace,
        labels: functionLabels(definition.name),
      },
      spec: specFromDefinition(definition),
    };
    await this.objects.patch(body, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
    return existed ? 'updated' : 'created';
  }

  async remove(name: string): Promise<boolean> {
    try {
      await this.custom.deleteNamespacedCustomObject({
        group: FUNCTION_GROUP,
        version: FUNCTION_VERSION,
        namespace: this.options.namespace,
        plural: FUNCTION_PLURAL,
        name,
      });
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }

  onFunctionsChanged(listener: () => void): () => void {
    this.functionListeners.add(listener);
    return () => this.functionListeners.delete(listener);
  }

  onEndpointsChanged(listener: (name: string) => void): () => void {
    this.endpointListeners.add(listener);
    return () => this.endpointListeners.delete(listener);
  }

  onStartFailed(listener: (failure: StartFailure) => void): () => void {
    this.failureListeners.add(listener);
    return () => this.failureListeners.delete(listener);
  }

  private onFunctionEvent(event: 'add' | 'update' | 'delete', object: FunctionObject): void {
    const name = object.metadata?.name;
    if (!name) return;
    if (event === 'delete') {
      this.defs.delete(name);
      this.uids.delete(name);
      this.readiness.delete(name);
      this.scaler.forget(name);
      this.status.forget(name);
    } else {
      if (object.metadata?.uid) this.uids.set(name, object.metadata.uid);
      // The controller's Ready condition, for `faas-cli describe`; absent when no controller runs.
      const ready = object.status?.conditions?.find((c) => c.type === 'Ready');
      if (ready?.status) this.readiness.set(name, `${ready.status} ${ready.reason ?? ''}: ${ready.message ?? ''}`);
      else this.readiness.delete(name);
      const result = definitionFromSpec(name, object.spec ?? {});
      if (result.ok) {
        this.defs.set(name, result.function);
      } else {
        this.defs.delete(name);
        this.options.logger.warn(
          { function: name, errors: result.errors.map((e) => e.message) },
          'Function object is invalid; not serving it until it is fixed',
        );
      }
    }
    for (const l of this.functionListeners) l();
  }
}

function describe(e: unknown): string {
  if (e instanceof SpecError) return e.message;
  const body = (e as { body?: unknown })?.body;
  if (typeof body === 'string') return body.slice(0, 500);
  if (body && typeof body === 'object' && 'message' in body) return String((body as { message: unknown }).message);
  return e instanceof Error ? e.message : String(e);
}
