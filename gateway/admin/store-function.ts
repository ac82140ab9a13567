/** Hands a checked definition to the backend, for every route that deploys. */
import type { FunctionDefinition } from '../../constructs/spec/function-definition.js';
import { SpecError } from '../../constructs/spec/spec-error.js';
import type { AdminApiDeps } from './admin-context.js';
import { backendFailed } from './admin-error.js';
import { waitForCatalog } from './catalog-wait.js';
import { rejectedByBackend } from './script-definition.js';

export async function storeFunction(deps: AdminApiDeps, definition: FunctionDefinition, via: string): Promise<'created' | 'updated'> {
  let outcome: 'created' | 'updated';
  try {
    outcome = await deps.backend.deploy(definition);
  } catch (error) {
    // A backend checks again (the local one reloads the folder); its verdict is the caller's 400.
    if (error instanceof SpecError) throw rejectedByBackend(definition.name, error.errors);
    throw backendFailed(deps.backend.kind, 'deploy', definition.name, error);
  }
  const seen = await waitForCatalog(deps.backend, definition.name, (current) => current?.sourceHash === definition.sourceHash);
  deps.logger.info({ function: definition.name, outcome, sourceHash: definition.sourceHash, listed: seen }, `function ${outcome} through ${via}`);
  return outcome;
}
