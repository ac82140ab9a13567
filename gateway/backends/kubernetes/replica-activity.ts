import { V1MicroTime, type CoordinationV1Api, type KubeConfig, type V1Lease, type V1OwnerReference } from '@kubernetes/client-node';
import type { Activity, ActivityView, FunctionActivity } from '../../core/activity.js';
import { LABEL_PART_OF, PART_OF } from '../../../constructs/labels.js';
import { leasesPath } from './api-names.js';
import { isConflict, isNotFound } from './api-status.js';
import { watchResources, type ResourceWatch } from './resource-watch.js';

/** Marks a gateway replica's activity Lease, for the other replicas' watch. */
export const ACTIVITY_LABEL = 'faas.poorman.dev/gateway-activity';
/** The replica's calls per function: `{"<function>": [lastSeen ms, in flight]}`. */
export const ACTIVITY_ANNOTATION = 'faas.poorman.dev/activity';

export interface ReplicaActivityOptions {
  readonly kubeConfig: KubeConfig;
  readonly coordination: CoordinationV1Api;
  readonly namespace: string;
  /** This replica's name (the pod name in a cluster). */
  readonly identity: string;
  /** The pod's uid, to make the pod the Lease's owner so it goes with the pod. */
  readonly podUid?: string;
  readonly local: Activity;
  /** How often a change of this replica's calls is published. @default 500 */
  readonly publishEveryMs?: number;
  /** A replica that has not renewed its Lease this long is ignored. @default 15 */
  readonly durationSeconds?: number;
  readonly onError: (error: unknown) => void;
}

interface Peer {
  readonly identity: string;
  readonly renewedAt: number;
  readonly durationMs: number;
  readonly functions: ReadonlyMap<string, FunctionActivity>;
}

/**
 * Every gateway replica's calls, for the reaper of whichever replica holds the reaper Lease. Each
 * replica publishes its own calls per function (last seen, in flight) in a small Lease of its own
 * and watches everybody's; a replica that stopped renewing is ignored once its Lease expires.
 */
export class ReplicaActivity implements ActivityView {
  private readonly peers = new Map<string, Peer>();
  /**
   * When each function last went from no ready pod to some. A wake counts as a call here: the
   * EndpointSlice of a pod that another replica woke may arrive before that replica publishes the
   * call that woke it, and the holder must not reap it in between.
   */
  private readonly awakeSince = new Map<string, number>();
  private readonly leaseName: string;
  private readonly durationMs: number;
  private published = '';
  private publishedAt = 0;
  private publishing: Promise<void> | undefined;
  /** Version of this replica's Lease; null: there is none yet; undefined: not known. */
  private resourceVersion: string | null | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private watch: ResourceWatch | undefined;

  constructor(private readonly options: ReplicaActivityOptions) {
    this.leaseName = activityLeaseName(options.identity);
    this.durationMs = (options.durationSeconds ?? 15) * 1000;
  }

  async start(): Promise<void> {
    const { kubeConfig, coordination, namespace } = this.options;
    this.watch = watchResources<V1Lease>({
      kubeConfig,
      path: leasesPath(namespace),
      labelSelector: ACTIVITY_LABEL,
      list: () => coordination.listNamespacedLease({ namespace, labelSelector: ACTIVITY_LABEL }),
      onEvent: (event, lease) => this.onLease(event, lease),
      onError: this.options.onError,
    });
    await this.watch.synced;
    const tick = () => {
      this.publishing ??= this.publish()
        .catch(this.options.onError)
        .finally(() => (this.publishing = undefined));
      this.timer = setTimeout(tick, this.options.publishEveryMs ?? 500);
      this.timer.unref();
    };
    tick();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    await this.publishing;
    // A stopped replica serves nothing: its last calls must not keep functions awake until its Lease expires.
    this.stopped = true;
    await this.publish().catch(this.options.onError);
    await this.watch?.stop();
  }

  /** Told each function's ready pod count whenever its EndpointSlices change. */
  readyPods(name: string, ready: number): void {
    if (ready === 0) this.awakeSince.delete(name);
    else if (!this.awakeSince.has(name)) this.awakeSince.set(name, Date.now());
  }

  /** This replica's calls and those of every live peer: in flight summed, last seen the latest. */
  get(name: string): Readonly<FunctionActivity> {
    const own = this.options.local.get(name);
    return this.combine(name, this.peers, { inFlight: own.inFlight, lastSeen: Math.max(own.lastSeen, this.awakeSince.get(name) ?? 0) });
  }

  /**
   * The other replicas' calls, from their Leases as the API server holds them now. A replica
   * publishes its calls before it wakes a function, so a wake that the reaper can see, this read
   * sees too. This replica's own calls are left out: they are the reaper's own view already.
   */
  async others(name: string): Promise<Readonly<FunctionActivity>> {
    const { coordination, namespace } = this.options;
    const list = await coordination.listNamespacedLease({ namespace, labelSelector: ACTIVITY_LABEL });
    const peers = new Map<string, Peer>();
    for (const lease of list.items) {
      const peer = peerFrom(lease);
      if (peer !== undefined) peers.set(peer.identity, peer);
    }
    return this.combine(name, peers, { inFlight: 0, lastSeen: 0 });
  }

  /** Publishes this replica's calls now, after any write under way (whose content may be older). */
  async publishNow(): Promise<void> {
    await this.publishing;
    this.publishing ??= this.publish().finally(() => (this.publishing = undefined));
    await this.publishing;
  }

  /** `base` plus every live peer's calls: in flight summed, last seen the latest. */
  private combine(name: string, peers: ReadonlyMap<string, Peer>, base: FunctionActivity): Readonly<FunctionActivity> {
    let { inFlight, lastSeen } = base;
    const now = Date.now();
    for (const [identity, peer] of peers) {
      if (identity === this.options.identity || now > peer.renewedAt + peer.durationMs) continue;
      const theirs = peer.functions.get(name);
      if (theirs === undefined) continue;
      inFlight += theirs.inFlight;
      lastSeen = Math.max(lastSeen, theirs.lastSeen);
    }
    return { inFlight, lastSeen };
  }

  /** Writes this replica's Lease when its calls changed, and renews it well before it expires. */
  private async publish(): Promise<void> {
    const functions: Record<string, [number, number]> = {};
    if (!this.stopped) for (const [name, entry] of this.options.local.entries()) functions[name] = [entry.lastSeen, entry.inFlight];
    const content = JSON.stringify(functions);
    const now = Date.now();
    if (content === this.published && now - this.publishedAt < this.durationMs / 3) return;
    const { coordination, namespace, identity, podUid } = this.options;
    const owner: V1OwnerReference[] = podUid ? [{ apiVersion: 'v1', kind: 'Pod', name: identity, uid: podUid }] : [];
    const body: V1Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: this.leaseName,
        namespace,
        labels: { [ACTIVITY_LABEL]: 'true', [LABEL_PART_OF]: PART_OF },
        annotations: { [ACTIVITY_ANNOTATION]: content },
        ...(owner.length > 0 && { ownerReferences: owner }),
      },
      spec: { holderIdentity: identity, leaseDurationSeconds: this.durationMs / 1000, renewTime: new V1MicroTime(now) },
    };
    // Only this replica writes its Lease, so the version of its own last write is the current one;
    // a Lease left by an earlier run of the same pod name is read once for its version.
    this.resourceVersion ??= await this.readVersion();
    let written: V1Lease;
    if (this.resourceVersion === null) {
      written = await coordination.createNamespacedLease({ namespace, body });
    } else {
      body.metadata!.resourceVersion = this.resourceVersion;
      try {
        written = await coordination.replaceNamespacedLease({ name: this.leaseName, namespace, body });
      } catch (e) {
        if (isConflict(e) || isNotFound(e)) this.resourceVersion = undefined;
        throw e;
      }
    }
    this.resourceVersion = written.metadata?.resourceVersion ?? undefined;
    this.published = content;
    this.publishedAt = now;
  }

  private async readVersion(): Promise<string | null> {
    try {
      const lease = await this.options.coordination.readNamespacedLease({ name: this.leaseName, namespace: this.options.namespace });
      return lease.metadata?.resourceVersion ?? null;
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  }

  private onLease(event: 'add' | 'update' | 'delete', lease: V1Lease): void {
    const identity = lease.spec?.holderIdentity;
    if (!identity) return;
    if (event === 'delete') {
      this.peers.delete(identity);
      return;
    }
    try {
      const peer = peerFrom(lease);
      if (peer !== undefined) this.peers.set(identity, peer);
    } catch (e) {
      this.options.onError(e);
    }
  }
}

/** A replica's published calls; throws on an annotation that is not the JSON this class writes. */
function peerFrom(lease: V1Lease): Peer | undefined {
  const identity = lease.spec?.holderIdentity;
  if (!identity) return undefined;
  const functions = new Map<string, FunctionActivity>();
  const parsed = JSON.parse(lease.metadata?.annotations?.[ACTIVITY_ANNOTATION] ?? '{}') as Record<string, [number, number]>;
  for (const [name, [lastSeen, inFlight]] of Object.entries(parsed)) functions.set(name, { lastSeen, inFlight });
  const renewTime = lease.spec?.renewTime;
  return {
    identity,
    renewedAt: renewTime ? new Date(renewTime).getTime() : 0,
    durationMs: (lease.spec?.leaseDurationSeconds ?? 15) * 1000,
    functions,
  };
}

/** `faas-gateway-activity-<identity>`, a valid object name whatever the identity. */
export function activityLeaseName(identity: string): string {
  const safe = identity.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return `faas-gateway-activity-${safe}`.slice(0, 253).replace(/[^a-z0-9]+$/, '');
}
