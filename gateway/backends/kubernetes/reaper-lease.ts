import { V1MicroTime, type CoordinationV1Api, type V1Lease } from '@kubernetes/client-node';
import { isConflict, isNotFound } from './api-status.js';

export interface ReaperLeaseOptions {
  readonly coordination: CoordinationV1Api;
  readonly namespace: string;
  /** This gateway replica's identity (the pod name in a cluster). */
  readonly identity: string;
  /** @default 'faas-gateway-reaper' */
  readonly name?: string;
  /** How long a holder keeps the lease without renewing. @default 15 */
  readonly durationSeconds?: number;
  readonly onError?: (error: unknown) => void;
}

/**
 * With several gateway replicas exactly one reaps: the one holding this Lease. Acquire and renew
 * with the Lease's resourceVersion, so two replicas racing for an expired lease cannot both win.
 */
export class ReaperLease {
  private readonly name: string;
  private readonly durationMs: number;
  private heldUntil = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ReaperLeaseOptions) {
    this.name = options.name ?? 'faas-gateway-reaper';
    this.durationMs = (options.durationSeconds ?? 15) * 1000;
  }

  /** True while this replica holds an unexpired lease. */
  held(): boolean {
    return Date.now() < this.heldUntil;
  }

  start(): void {
    const renewEvery = this.durationMs / 3;
    const tick = () => {
      this.tryAcquireOrRenew().catch((e) => this.options.onError?.(e));
      this.timer = setTimeout(tick, renewEvery);
      this.timer.unref();
    };
    tick();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    if (!this.held()) return;
    this.heldUntil = 0;
    // Hand over at once instead of making the next replica wait for expiry.
    const { coordination, namespace } = this.options;
    try {
      const lease = await coordination.readNamespacedLease({ name: this.name, namespace });
      if (lease.spec?.holderIdentity !== this.options.identity) return;
      lease.spec.holderIdentity = undefined;
      lease.spec.renewTime = undefined;
      await coordination.replaceNamespacedLease({ name: this.name, namespace, body: lease });
    } catch (e) {
      this.options.onError?.(e);
    }
  }

  async tryAcquireOrRenew(): Promise<boolean> {
    const { coordination, namespace, identity } = this.options;
    const now = new Date();
    const existing = await this.read();
    if (!existing) {
      await coordination.createNamespacedLease({ namespace, body: this.leaseBody(now, now) });
      this.heldUntil = now.getTime() + this.durationMs;
      return true;
    }
    const spec = existing.spec ?? {};
    const mine = spec.holderIdentity === identity;
    const renewedAt = spec.renewTime ? new Date(spec.renewTime).getTime() : 0;
    const expired = !spec.holderIdentity || renewedAt + (spec.leaseDurationSeconds ?? 15) * 1000 < now.getTime();
    if (!mine && !expired) {
      this.heldUntil = 0;
      return false;
    }
    const body = this.leaseBody(mine && spec.acquireTime ? new Date(spec.acquireTime) : now, now);
    body.metadata = { ...body.metadata, resourceVersion: existing.metadata?.resourceVersion };
    try {
      await coordination.replaceNamespacedLease({ name: this.name, namespace, body });
    } catch (e) {
      if (isConflict(e)) {
        this.heldUntil = 0;
        return false;
      }
      throw e;
    }
    this.heldUntil = now.getTime() + this.durationMs;
    return true;
  }

  private async read(): Promise<V1Lease | undefined> {
    try {
      return await this.options.coordination.readNamespacedLease({ name: this.name, namespace: this.options.namespace });
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  private leaseBody(acquired: Date, renewed: Date): V1Lease {
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.name, namespace: this.options.namespace },
      spec: {
        holderIdentity: this.options.identity,
        leaseDurationSeconds: this.durationMs / 1000,
        // MicroTime, not Date: the API server wants six fractional digits.
        acquireTime: new V1MicroTime(acquired.getTime()),
        renewTime: new V1MicroTime(renewed.getTime()),
      },
    };
  }
}
