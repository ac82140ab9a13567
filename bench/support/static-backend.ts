/**
 * A Backend whose every function is already running at fixed endpoints: the proxy benchmark
 * measures the request path alone, with no cold start and no process management.
 */
import type { FunctionDefinition } from '../../constructs/spec/function-definition.js';
import type { Backend, ReplicaCounts } from '../../gateway/backends/backend.js';

export class StaticBackend implements Backend {
  readonly keepsPrivateFiles = false;
  readonly kind = 'local' as const;
  private readonly definitions: ReadonlyMap<string, FunctionDefinition>;

  constructor(
    definitions: readonly FunctionDefinition[],
    private readonly endpoints: readonly string[],
  ) {
    this.definitions = new Map(definitions.map((d) => [d.name, d]));
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  functions(): ReadonlyMap<string, FunctionDefinition> {
    return this.definitions;
  }
  async scale(): Promise<void> {}
  replicas(name: string): ReplicaCounts {
    const n = this.definitions.has(name) ? this.endpoints.length : 0;
    return { desired: n, ready: n };
  }
  readyEndpoints(name: string): readonly string[] {
    return this.definitions.has(name) ? this.endpoints : [];
  }
  async deploy(): Promise<'created' | 'updated'> {
    throw new Error('the benchmark backend does not deploy');
  }
  async remove(): Promise<boolean> {
    return false;
  }
  onFunctionsChanged(): () => void {
    return () => undefined;
  }
  onEndpointsChanged(): () => void {
    return () => undefined;
  }
  onStartFailed(): () => void {
    return () => undefined;
  }
}
