/**
 * Puts idle functions to sleep: every poll, a function with min-replicas 0, nothing in flight,
 * nobody waiting for it to wake, and no request for its idle-timeout is scaled to zero. With
 * several gateways only the holder of the permit reaps (a Lease in Kubernetes; always locally).
 */
import type { Logger } from 'pino';
import type { FunctionCatalog, ReapOutcome, Scaler } from '../backends/backend.js';
import type { ActivityView } from './activity.js';
import type { Waker } from './wake.js';

/** May this gateway reap now? Local: always. Kubernetes: "I hold the reaper Lease". */
export type ReapPermit = () => boolean | Promise<boolean>;

export const ALWAYS_PERMITTED: ReapPermit = () => true;

export interface ReaperDeps {
  readonly catalog: FunctionCatalog;
  readonly scaler: Scaler;
  /** Every gateway replica's calls, where there are several. */
  readonly activity: ActivityView;
  readonly waker: Waker;
  /** 0 turns the reaper off. */
  readonly pollMs: number;
  /** Idle time for a function whose idle-timeout is 0; 0 means never reap those. */
  readonly timeToLiveMs: number;
  readonly permit?: ReapPermit;
  readonly logger: Logger;
  readonly now?: () => number;
  readonly onReaped?: (name: string, idleMs: number) => void;
}

export class Reaper {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(private readonly deps: ReaperDeps) {
    this.now = deps.now ?? Date.now;
  }

  start(): void {
    if (this.deps.pollMs === 0 || this.timer) return;
    this.timer = setInterval(() => void this.sweep(), this.deps.pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.sweeping;
  }

  /** One pass over every function; overlapping polls share the pass in progress. */
  sweep(): Promise<void> {
    this.sweeping ??= this.sweepOnce().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async sweepOnce(): Promise<void> {
    const { catalog, scaler, permit = ALWAYS_PERMITTED, logger } = this.deps;
    const candidates = [...catalog.functions().values()].filter((definition) => this.idleFor(definition.name, this.ttl(definition)) !== undefined);
    if (candidates.length === 0) return;
    let permitted: boolean;
    try {
      permitted = await permit();
    } catch (error) {
      logger.warn({ err: error }, 'reaper permit check failed; skipping this poll');
      return;
    }
    if (!permitted) return;
    await Promise.all(
      candidates.map(async (definition) => {
        const name = definition.name;
        // Checked again after the await above, and marked reaping in the same tick: no request slips in between.
        const idleMs = this.idleFor(name, this.ttl(definition));
        if (idleMs === undefined) return;
        try {
          let outcome: ReapOutcome = 'reaped';
          const ttlMs = this.ttl(definition);
          await this.deps.waker.reap(name, async () => {
            if (scaler.reapIfIdle) outcome = await scaler.reapIfIdle(name, ttlMs);
            else await scaler.scale(name, 0);
          });
          if (outcome !== 'reaped') {
            logger.debug({ function: name, outcome }, 'not reaped: the fresh read disagreed with this gateway');
            return;
          }
          logger.info({ function: name, idleSeconds: Math.round(idleMs / 1000) }, 'scaled to zero after idle timeout');
          this.deps.onReaped?.(name, idleMs);
        } catch (error) {
          logger.warn({ function: name, err: error }, 'scale to zero failed; will retry next poll');
        }
      }),
    );
  }

  private ttl(definition: { minReplicas: number; idleTimeoutSeconds: number }): number {
    if (definition.minReplicas > 0) return 0;
    return definition.idleTimeoutSeconds > 0 ? definition.idleTimeoutSeconds * 1000 : this.deps.timeToLiveMs;
  }

  /** How long `name` has been idle, when it is reapable now; undefined otherwise. */
  private idleFor(name: string, ttlMs: number): number | undefined {
    if (ttlMs === 0) return undefined;
    const replicas = this.deps.scaler.replicas(name);
    if (replicas.desired === 0 && replicas.ready === 0) return undefined;
    const activity = this.deps.activity.get(name);
    if (activity.inFlight > 0 || this.deps.waker.busy(name)) return undefined;
    const idleMs = this.now() - activity.lastSeen;
    return idleMs >= ttlMs ? idleMs : undefined;
  }
}
