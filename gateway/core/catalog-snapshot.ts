/**
 * The function catalog as the request path reads it: a snapshot refreshed when the backend says
 * the set changed, so a call never pays for the backend rebuilding its map.
 */
import type { BackendEvents, FunctionCatalog } from '../backends/backend.js';
import type { FunctionDefinition, ScriptError } from '../../constructs/spec/function-definition.js';

const NONE: ReadonlyMap<string, readonly ScriptError[]> = new Map();

export class CatalogSnapshot implements FunctionCatalog {
  private current: ReadonlyMap<string, FunctionDefinition>;
  private readonly unsubscribe: () => void;

  constructor(private readonly source: FunctionCatalog & Pick<BackendEvents, 'onFunctionsChanged'>) {
    this.current = source.functions();
    this.unsubscribe = source.onFunctionsChanged(() => this.refresh());
  }

  functions(): ReadonlyMap<string, FunctionDefinition> {
    return this.current;
  }

  /** Read from the backend each time: only a call that found no function asks. */
  invalidFunctions(): ReadonlyMap<string, readonly ScriptError[]> {
    return this.source.invalidFunctions?.() ?? NONE;
  }

  refresh(): void {
    this.current = this.source.functions();
  }

  close(): void {
    this.unsubscribe();
  }
}
