/**
 * A Backend that keeps functions and replica counts in memory: a complete, real
 * implementation of the interface (instances become ready as soon as they are asked
 * for), for testing what sits above the backend seam without processes or a cluster.
 */
import { EventEmitter } from 'node:events';
import type { FunctionDefinition } from '../../constructs/spec/function-definition.js';
import type { Backend, PrivateFiles, ReplicaCounts, StartFailure } from '../../gateway/backends/backend.js';

export class MemoryBackend implements Backend {
  readonly kind = 'local' as const;
  readonly keepsPrivateFiles = true;
  /** What each deploy was given besides the script, by function. */
  readonly privateFiles = new Map<string, PrivateFiles>();
  private readonly defs = new Map<string, FunctionDefinition>();
  private readonly counts = new Map<string, number>();
  private readonly events = new EventEmitter();

  /**
   * @param watchLagMs with a value, writes show in `functions()` only this long after they
   *   resolve, as with the Kubernetes backend, which learns of its own writes through a watch.
   */
  constructor(
    initial: Iterable<FunctionDefinition> = [],
    private readonly watchLagMs?: number,
  ) {
    for (const def of initial) this.defs.set(def.name, def);
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {
    this.counts.clear();
  }

  functions(): ReadonlyMap<string, FunctionDefinition> {
    return this.defs;
  }

  replicas(name: string): ReplicaCounts {
    const n = this.counts.get(name) ?? 0;
    return { desired: n, ready: n };
  }

  async scale(name: string, replicas: number): Promise<void> {
    if (!this.defs.has(name)) throw new Error(`no function named "${name}"`);
    this.counts.set(name, replicas);
    this.events.emit('endpoints', name);
  }

  readyEndpoints(_name: string): readonly string[] {
    // Its instances are counts, not servers: code that proxies needs the local backend.
    return [];
  }

  async deploy(definition: FunctionDefinition, files?: PrivateFiles): Promise<'created' | 'updated'> {
    const existed = this.defs.has(definition.name);
    if (files !== undefined) this.privateFiles.set(definition.name, files);
    this.afterLag(() => {
      this.defs.set(definition.name, definition);
      if (!existed) this.counts.set(definition.name, definition.minReplicas);
    });
    return existed ? 'updated' : 'created';
  }

  async remove(name: string): Promise<boolean> {
    const existed = this.defs.has(name);
    if (existed) {
      this.afterLag(() => {
        this.defs.delete(name);
        this.counts.delete(name);
      });
    }
    return existed;
  }

  private afterLag(change: () => void): void {
    const apply = () => {
      change();
      this.events.emit('functions');
    };
    if (this.watchLagMs === undefined) apply();
    else setTimeout(apply, this.watchLagMs);
  }

  onFunctionsChanged(listener: () => void): () => void {
    return this.subscribe('functions', listener);
  }

  onEndpointsChanged(listener: (name: string) => void): () => void {
    return this.subscribe('endpoints', listener);
  }

  onStartFailed(listener: (failure: StartFailure) => void): () => void {
    return this.subscribe('start-failed', listener);
  }

  private subscribe<A extends unknown[]>(event: string, listener: (...args: A) => void): () => void {
    this.events.on(event, listener);
    return () => this.events.off(event, listener);
  }
}
