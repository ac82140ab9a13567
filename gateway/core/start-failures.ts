/**
 * The last failed start of each function, until an instance of it is ready again or its script
 * changes: what tells a function failing to start from one still starting, for the admin API.
 */
import type { BackendEvents, FunctionCatalog, Scaler, StartFailure } from '../backends/backend.js';

export class LastStartFailures {
  /** The failure, and the script's hash it happened with. */
  private readonly failures = new Map<string, { readonly failure: StartFailure; readonly sourceHash: string | undefined }>();
  private readonly unsubscribe: Array<() => void>;

  constructor(private readonly backend: BackendEvents & FunctionCatalog & Pick<Scaler, 'replicas'>) {
    this.unsubscribe = [
      backend.onStartFailed((failure) => this.failures.set(failure.function, { failure, sourceHash: this.hash(failure.function) })),
      backend.onEndpointsChanged((name) => {
        if (this.backend.replicas(name).ready > 0) this.failures.delete(name);
      }),
      backend.onFunctionsChanged(() => {
        for (const [name, { sourceHash }] of this.failures) if (this.hash(name) !== sourceHash) this.failures.delete(name);
      }),
    ];
  }

  get(name: string): StartFailure | undefined {
    return this.failures.get(name)?.failure;
  }

  close(): void {
    for (const unsubscribe of this.unsubscribe) unsubscribe();
  }

  private hash(name: string): string | undefined {
    return this.backend.functions().get(name)?.sourceHash;
  }
}
