/**
 * The instances of one function and the count asked for. `scale(n)` converges on n;
 * a start in flight counts, so a second `scale(1)` during a start starts nothing. A
 * changed definition rolls the instances: the new one becomes ready, then the old one
 * is drained; if the new one fails, the old one keeps serving.
 */
import type { FunctionDefinition } from '../../../constructs/spec/function-definition.js';
import type { ReplicaCounts, StartFailure } from '../backend.js';
import type { BackendLogger } from './backend-logger.js';
import type { FunctionProcess } from './function-process.js';

export interface FunctionInstancesDeps {
  /** Prepares the environment and spawns one process (throws when uv fails). */
  launch(def: FunctionDefinition): Promise<FunctionProcess>;
  /** Grace before SIGKILL when stopping an instance of `def`. */
  stopGraceMs(def: FunctionDefinition): number;
  endpointsChanged(): void;
  startFailed(failure: StartFailure): void;
  readonly logger: BackendLogger;
}

interface Instance {
  readonly def: FunctionDefinition;
  /** Settles when the process is spawned, or to undefined when preparing its environment failed. */
  launched?: Promise<FunctionProcess | undefined>;
  process?: FunctionProcess;
  endpoint?: string;
  /** Stopped, or being stopped: no longer counts. */
  stopping: boolean;
  /** An older version still serving until its replacement is ready. */
  retiring: boolean;
  readyAt?: number;
}

/** A crash of a ready instance restarts it after this, doubling up to the cap. */
const CRASH_BACKOFF_MS = 1_000;
const CRASH_BACKOFF_CAP_MS = 30_000;
/** An instance that served this long resets the crash backoff. */
const STABLE_AFTER_MS = 60_000;

export class FunctionInstances {
  private desired = 0;
  private readonly instances = new Set<Instance>();
  private readonly stops = new Set<Promise<void>>();
  private crashes = 0;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(
    private current: FunctionDefinition,
    private readonly deps: FunctionInstancesDeps,
  ) {}

  get definition(): FunctionDefinition {
    return this.current;
  }

  replicas(): ReplicaCounts {
    return { desired: this.desired, ready: this.endpoints().length };
  }

  endpoints(): string[] {
    return [...this.instances].flatMap((i) => (!i.stopping && i.endpoint ? [i.endpoint] : []));
  }

  /** Process ids of every instance still running (for tests and `faas describe`). */
  pids(): number[] {
    return [...this.instances].flatMap((i) => (i.process?.running ? [i.process.pid] : []));
  }

  /** Resolves once surplus instances have stopped; starts are reported by events, not awaited. */
  scale(replicas: number): Promise<void> {
    this.desired = replicas;
    return this.reconcile();
  }

  /** Takes a new definition; instances of another source are replaced. */
  update(def: FunctionDefinition): void {
    this.current = def;
    for (const instance of this.instances) {
      if (instance.stopping || sameRevision(instance.def, def)) continue;
      if (instance.endpoint) instance.retiring = true;
      else void this.stopInstance(instance);
    }
    void this.reconcile();
  }

  /** Resolves when every stop begun so far (scale-down, replacement, removal) has finished. */
  async settled(): Promise<void> {
    while (this.stops.size > 0) await Promise.all(this.stops);
  }

  /** Stops every instance and forgets the desired count. */
  async stopAll(): Promise<void> {
    this.desired = 0;
    clearTimeout(this.restartTimer);
    await Promise.all([...this.instances].map((i) => this.stopInstance(i)));
  }

  /** Starts what is missing and stops what is too much; resolves when those stops are done. */
  private reconcile(): Promise<void> {
    const counted = [...this.instances].filter((i) => !i.stopping && !i.retiring);
    for (let n = counted.length; n < this.desired; n++) void this.startInstance();
    // Scale down: instances still starting go first, they serve nobody yet.
    const byServing = counted.sort((a, b) => Number(Boolean(a.endpoint)) - Number(Boolean(b.endpoint)));
    const surplus = byServing.slice(0, Math.max(0, counted.length - this.desired));
    if (this.desired === 0) surplus.push(...[...this.instances].filter((i) => i.retiring && !i.stopping));
    return Promise.all(surplus.map((instance) => this.stopInstance(instance))).then(() => undefined);
  }

  private async startInstance(): Promise<void> {
    const def = this.current;
    const instance: Instance = { def, stopping: false, retiring: false };
    this.instances.add(instance);
    const log = this.deps.logger;
    const launching = this.deps.launch(def);
    instance.launched = launching.catch(() => undefined);
    try {
      instance.process = await launching;
      if (instance.stopping) return;
      instance.process.exited.then((how) => this.onExit(instance, how));
      instance.endpoint = await instance.process.ready;
    } catch (error) {
      this.instances.delete(instance);
      if (instance.stopping) return;
      const cause = error as Error & { logTail?: string };
      log.error({ reason: cause.message }, 'start failed');
      this.deps.startFailed({ function: def.name, reason: cause.message, logTail: cause.logTail ?? '', at: new Date() });
      return;
    }
    if (instance.stopping) return;
    instance.readyAt = Date.now();
    log.info({ endpoint: instance.endpoint, pid: instance.process.pid }, 'ready');
    this.retireReplaced();
    this.deps.endpointsChanged();
  }

  /** Drains older versions once enough instances of the current one serve. */
  private retireReplaced(): void {
    const fresh = [...this.instances].filter((i) => !i.stopping && !i.retiring && i.endpoint).length;
    const retiring = [...this.instances].filter((i) => !i.stopping && i.retiring);
    for (const instance of retiring.slice(0, Math.max(0, fresh + retiring.length - this.desired))) void this.stopInstance(instance);
  }

  private async stopInstance(instance: Instance): Promise<void> {
    if (instance.stopping) {
      await (await instance.launched)?.exited;
      return;
    }
    instance.stopping = true;
    if (instance.endpoint) this.deps.endpointsChanged();
    const stopping = (async () => {
      const process = await instance.launched;
      await process?.stop(this.deps.stopGraceMs(instance.def));
      this.instances.delete(instance);
    })();
    this.stops.add(stopping);
    await stopping.finally(() => this.stops.delete(stopping));
  }

  private onExit(instance: Instance, how: string): void {
    if (instance.stopping || !instance.endpoint) return;
    // A ready instance died on its own: take it out of rotation and, like a kubelet, restart it.
    instance.stopping = true;
    this.instances.delete(instance);
    this.deps.endpointsChanged();
    const stable = instance.readyAt !== undefined && Date.now() - instance.readyAt >= STABLE_AFTER_MS;
    this.crashes = stable ? 1 : this.crashes + 1;
    const delay = Math.min(CRASH_BACKOFF_CAP_MS, CRASH_BACKOFF_MS * 2 ** (this.crashes - 1));
    this.deps.logger.warn({ pid: instance.process?.pid, restartInMs: delay }, `${how} while serving`);
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => void this.reconcile(), delay);
    this.restartTimer.unref();
  }
}

/** The same script with the same lock: its running instances need no replacing. */
export function sameRevision(a: FunctionDefinition, b: FunctionDefinition): boolean {
  return a.sourceHash === b.sourceHash && a.lock === b.lock;
}
