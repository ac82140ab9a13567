/**
 * A Backend whose instances are real node:http servers on 127.0.0.1 port 0, started when a
 * function is scaled up and closed when it is scaled to zero. It counts every start so tests of
 * the gateway core can assert "exactly one", and can make a start slow or fail.
 */
import { EventEmitter } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FunctionDefinition } from '../../constructs/spec/function-definition.js';
import type { Backend, ReplicaCounts, StartFailure } from '../../gateway/backends/backend.js';

export interface TestFunction {
  readonly handler: RequestListener;
  /** ms between the scale-up call and the server being ready. */
  readonly startDelayMs?: number;
  /** When set, a start fails after startDelayMs with this stderr tail. */
  readonly failStart?: () => string | undefined;
  readonly minReplicas?: number;
  readonly idleTimeoutSeconds?: number;
  readonly timeoutSeconds?: number;
}

export function definition(name: string, overrides: Partial<FunctionDefinition> = {}): FunctionDefinition {
  return {
    name,
    file: `functions/${name}.py`,
    dependencies: [],
    minReplicas: 0,
    maxReplicas: 5,
    idleTimeout: '5m',
    idleTimeoutSeconds: 300,
    timeout: '30s',
    timeoutSeconds: 30,
    memory: '128Mi',
    cpu: '100m',
    env: {},
    secrets: [],
    asyncTimeout: '5m',
    asyncTimeoutSeconds: 300,
    asyncAttempts: 5,
    asyncMaxDelay: '1m',
    asyncMaxDelaySeconds: 60,
    asyncMaxInflight: 10,
    asyncCallbackTimeout: '10s',
    asyncCallbackTimeoutSeconds: 10,
    asyncCallbackAttempts: 3,
    source: '',
    sourceHash: '',
    ...overrides,
  };
}

interface Instance {
  server: Server;
  url: string;
}

export class HttpServerBackend implements Backend {
  readonly keepsPrivateFiles = false;
  readonly kind = 'local' as const;
  /** Servers started, per function. */
  readonly starts = new Map<string, number>();
  /** Every scale call, in order. */
  readonly scaleCalls: Array<{ name: string; replicas: number }> = [];
  private readonly definitions = new Map<string, FunctionDefinition>();
  private readonly instances = new Map<string, Instance[]>();
  private readonly desired = new Map<string, number>();
  private readonly events = new EventEmitter();

  constructor(private readonly specs: Record<string, TestFunction>) {
    this.events.setMaxListeners(0);
    for (const [name, spec] of Object.entries(specs)) this.define(name, spec);
  }

  /** Adds a function after start, as a deploy would, and says so. */
  add(name: string, spec: TestFunction): void {
    this.specs[name] = spec;
    this.define(name, spec);
    this.events.emit('functions');
  }

  private define(name: string, spec: TestFunction): void {
    const overrides: Partial<FunctionDefinition> = {};
    if (spec.minReplicas !== undefined) Object.assign(overrides, { minReplicas: spec.minReplicas });
    if (spec.idleTimeoutSeconds !== undefined) Object.assign(overrides, { idleTimeoutSeconds: spec.idleTimeoutSeconds, idleTimeout: `${spec.idleTimeoutSeconds}s` });
    if (spec.timeoutSeconds !== undefined) Object.assign(overrides, { timeoutSeconds: spec.timeoutSeconds, timeout: `${spec.timeoutSeconds}s` });
    this.definitions.set(name, definition(name, overrides));
  }

  async start(): Promise<void> {
    await Promise.all([...this.definitions.values()].filter((d) => d.minReplicas > 0).map((d) => this.scale(d.name, d.minReplicas)));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.instances.keys()].map((name) => this.scale(name, 0)));
  }

  functions(): ReadonlyMap<string, FunctionDefinition> {
    return this.definitions;
  }

  replicas(name: string): ReplicaCounts {
    return { desired: this.desired.get(name) ?? 0, ready: this.instances.get(name)?.length ?? 0 };
  }

  readyEndpoints(name: string): readonly string[] {
    return this.instances.get(name)?.map((instance) => instance.url) ?? [];
  }

  async scale(name: string, replicas: number): Promise<void> {
    this.scaleCalls.push({ name, replicas });
    const spec = this.specs[name];
    if (!spec) throw new Error(`no function ${name}`);
    this.desired.set(name, replicas);
    const running = this.instances.get(name) ?? [];
    if (replicas === 0) {
      this.instances.delete(name);
      await Promise.all(running.map((instance) => closeServer(instance.server)));
      this.events.emit('endpoints', name);
      return;
    }
    for (let i = running.length; i < replicas; i++) void this.startInstance(name, spec);
  }

  private async startInstance(name: string, spec: TestFunction): Promise<void> {
    this.starts.set(name, (this.starts.get(name) ?? 0) + 1);
    if (spec.startDelayMs) await new Promise((resolve) => setTimeout(resolve, spec.startDelayMs));
    const tail = spec.failStart?.();
    if (tail !== undefined) {
      this.desired.set(name, 0);
      const failure: StartFailure = { function: name, reason: 'exited with code 1 during start', logTail: tail, at: new Date() };
      this.events.emit('failed', failure);
      return;
    }
    const server = createServer(spec.handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const list = this.instances.get(name) ?? [];
    list.push({ server, url });
    this.instances.set(name, list);
    this.events.emit('endpoints', name);
  }

  async deploy(): Promise<'created' | 'updated'> {
    throw new Error('HttpServerBackend does not deploy');
  }

  async remove(): Promise<boolean> {
    return false;
  }

  onFunctionsChanged(listener: () => void): () => void {
    this.events.on('functions', listener);
    return () => this.events.off('functions', listener);
  }

  onEndpointsChanged(listener: (name: string) => void): () => void {
    this.events.on('endpoints', listener);
    return () => this.events.off('endpoints', listener);
  }

  onStartFailed(listener: (failure: StartFailure) => void): () => void {
    this.events.on('failed', listener);
    return () => this.events.off('failed', listener);
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
