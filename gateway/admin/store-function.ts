/** Hands a checked definition to the backend, for every route that deploys. */
import type { FunctionDefinition } from '../../constructs/spec/function-definition.js';
import { pythonSyntaxErrors } from '../../constructs/spec/python-syntax.js';
import { SpecError } from '../../constructs/spec/spec-error.js';
import type { PrivateFiles } from '../backends/backend.js';
import type { AdminApiDeps } from './admin-context.js';
import { backendFailed } from './admin-error.js';
import { waitForCatalog } from './catalog-wait.js';
import { invalidScript, rejectedByBackend } from './script-definition.js';

export async function storeFunction(deps: AdminApiDeps, definition: FunctionDefinition, via: string, files?: PrivateFiles): Promise<'created' | 'updated'> {
  // The same parse `faas validate` runs, so the API never stores a script uv would refuse to run.
  // Skipped where the gateway has no python3 (its image); the function's start then reports it.
  const syntax = await pythonSyntaxErrors([{ file: `${definition.name}.py`, text: definition.source }]);
  if (syntax.length > 0) throw invalidScript(definition.name, syntax, 'its Python');
  let outcome: 'created' | 'updated';
  try {
    outcome = await deps.backend.deploy(definition, files);
  } catch (error) {
    // A backend checks again (the local one reloads the folder); its verdict is the caller's 400.
    if (error instanceof SpecError) throw rejectedByBackend(definition.name, error.errors);
    throw backendFailed(deps.backend.kind, 'deploy', definition.name, error);
  }
  const seen = await waitForCatalog(deps.backend, definition.name, (current) => current?.sourceHash === definition.sourceHash);
  deps.logger.info({ function: definition.name, outcome, sourceHash: definition.sourceHash, listed: seen }, `function ${outcome} through ${via}`);
  return outcome;
}
