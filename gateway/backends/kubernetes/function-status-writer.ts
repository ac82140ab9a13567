import { PatchStrategy, setHeaderOptions, type CustomObjectsApi } from '@kubernetes/client-node';
import { FUNCTION_GROUP, FUNCTION_PLURAL, FUNCTION_VERSION } from './api-names.js';

export interface FunctionStatusFields {
  readonly replicas?: number;
  readonly readyReplicas?: number;
  readonly lastInvocation?: Date;
}

export interface FunctionStatusWriterOptions {
  readonly custom: CustomObjectsApi;
  readonly namespace: string;
  /** Changes are gathered this long and written as one patch per function. @default 1000 */
  readonly flushDelayMs?: number;
  /** A new lastInvocation alone is written at most this often, so traffic does not turn into API writes. @default 15000 */
  readonly invocationEveryMs?: number;
  readonly onError?: (name: string, error: unknown) => void;
}

/**
 * Writes Function status (replicas, ready, last invocation) for `kubectl get functions`, batched per
 * function: a burst of requests or readiness flips becomes one merge patch of the status subresource.
 */
export class FunctionStatusWriter {
  private readonly pending = new Map<string, { fields: FunctionStatusFields; timer: NodeJS.Timeout }>();
  private readonly lastInvocationWritten = new Map<string, number>();
  private readonly written = new Map<string, FunctionStatusFields>();
  private readonly mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

  constructor(private readonly options: FunctionStatusWriterOptions) {}

  update(name: string, fields: FunctionStatusFields): void {
    const now = Date.now();
    const next = fields;
    if (fields.lastInvocation && fields.replicas === undefined && fields.readyReplicas === undefined) {
      const last = this.lastInvocationWritten.get(name) ?? 0;
      if (now - last < (this.options.invocationEveryMs ?? 15_000)) return;
    }
    const before = this.written.get(name);
    if (
      before &&
      !fields.lastInvocation &&
      (fields.replicas === undefined || fields.replicas === before.replicas) &&
      (fields.readyReplicas === undefined || fields.readyReplicas === before.readyReplicas)
    ) {
      return;
    }
    const queued = this.pending.get(name);
    if (queued) {
      queued.fields = { ...queued.fields, ...next };
      return;
    }
    const timer = setTimeout(() => void this.flush(name), this.options.flushDelayMs ?? 1000);
    timer.unref();
    this.pending.set(name, { fields: next, timer });
  }

  forget(name: string): void {
    const queued = this.pending.get(name);
    if (queued) clearTimeout(queued.timer);
    this.pending.delete(name);
    this.written.delete(name);
    this.lastInvocationWritten.delete(name);
  }

  async close(): Promise<void> {
    const names = [...this.pending.keys()];
    await Promise.all(names.map((n) => this.flush(n)));
  }

  private async flush(name: string): Promise<void> {
    const queued = this.pending.get(name);
    if (!queued) return;
    clearTimeout(queued.timer);
    this.pending.delete(name);
    const { fields } = queued;
    const status: Record<string, unknown> = {};
    if (fields.replicas !== undefined) status.replicas = fields.replicas;
    if (fields.readyReplicas !== undefined) status.readyReplicas = fields.readyReplicas;
    if (fields.lastInvocation) status.lastInvocation = fields.lastInvocation.toISOString();
    try {
      await this.options.custom.patchNamespacedCustomObjectStatus(
        {
          group: FUNCTION_GROUP,
          version: FUNCTION_VERSION,
          plural: FUNCTION_PLURAL,
          namespace: this.options.namespace,
          name,
          body: { status },
        },
        this.mergePatch,
      );
      this.written.set(name, { ...this.written.get(name), ...fields });
      if (fields.lastInvocation) this.lastInvocationWritten.set(name, fields.lastInvocation.getTime());
    } catch (e) {
      this.options.onError?.(name, e);
    }
  }
}
