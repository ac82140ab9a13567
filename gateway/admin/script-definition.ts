/**
 * Script text + overrides from an API call → a resolved FunctionDefinition, checked by the
 * same spec code that `faas synth` uses, so the API accepts exactly what a folder would.
 *
 * The script's PEP 723 block is the base; what the call sets (OpenFaaS envVars, limits,
 * requests, secrets, scale labels; the seed's dot_file and replica) overrides it.
 */
import type { FunctionDefinition, ScriptError } from '../../constructs/spec/function-definition.js';
import { formatError } from '../../constructs/spec/format-error.js';
import { functionNameProblem } from '../../constructs/spec/function-name.js';
import { loadFunction } from '../../constructs/spec/load-function.js';
import { kebabCase } from '../../constructs/spec/setting-keys.js';
import { definitionFromSpec, specFromDefinition } from '../../constructs/spec/spec-conversion.js';
import type { FunctionSpec } from '../../constructs/spec/schema.js';
import { AdminError } from './admin-error.js';
import { withFaasSettings } from './script-settings.js';

export type SpecOverrides = Partial<Pick<FunctionSpec, 'env' | 'memory' | 'cpu' | 'secrets' | 'minReplicas' | 'maxReplicas' | 'idleTimeout'>>;

/** For each overridable spec property, the request field it came from, for error messages. */
export type OverrideFields = Partial<Record<keyof SpecOverrides, string>>;

export function checkFunctionName(name: string, field: string): void {
  const problem = functionNameProblem(name);
  if (problem !== undefined) {
    throw new AdminError('bad_request', `field '${field}': ${problem}`, { function: name, errors: [`field '${field}': ${problem}`] });
  }
}

/** Overrides, or a function of the script's own spec that gives them (when they depend on it). */
export type OverridesOf = SpecOverrides | ((script: FunctionSpec) => SpecOverrides);

/** @param lock the script's lock (`uv lock --script`), required when it has dependencies. */
export function scriptDefinition(name: string, source: string, overridesOf: OverridesOf, fields: OverrideFields, lock?: string): FunctionDefinition {
  // Errors then read `echo.py:4: ...`, the file the user would have written.
  const file = `${name}.py`;
  const loaded = loadFunction(file, source, lock);
  if (!loaded.ok) throw invalidScript(name, loaded.errors, 'its PEP 723 metadata');
  const base = specFromDefinition(loaded.function);
  const overrides = typeof overridesOf === 'function' ? overridesOf(base) : overridesOf;
  if (Object.keys(overrides).length === 0) return loaded.function;
  const spec: FunctionSpec = {
    ...base,
    ...overrides,
    env: { ...base.env, ...overrides.env },
    secrets: [...new Set([...base.secrets, ...(overrides.secrets ?? [])])],
  };
  const checked = definitionFromSpec(name, spec, file);
  if (!checked.ok) {
    const located = checked.errors.map((error) => {
      const field = error.key === undefined ? undefined : fields[camelCase(error.key.split('.')[0]!) as keyof SpecOverrides];
      return field === undefined ? error : { ...error, file: `field '${field}'`, line: 0 };
    });
    throw invalidScript(name, located, 'the settings this request gives it');
  }
  // The overrides are written into the script, so the script alone still says everything.
  const settings = Object.fromEntries(Object.keys(overrides).map((property) => [kebabCase(property), spec[property as keyof SpecOverrides]]));
  let rewritten: string;
  try {
    rewritten = withFaasSettings(source, settings);
  } catch (error) {
    throw new AdminError('bad_request', `function "${name}": ${(error as Error).message}`, { function: name });
  }
  const reloaded = loadFunction(file, rewritten, lock);
  if (!reloaded.ok) {
    throw new AdminError('internal', `function "${name}": writing the settings into the script broke it: ${reloaded.errors.map(formatError).join('; ')}`, { function: name });
  }
  return reloaded.function;
}

/** Spec errors may name a key as the script writes it (`min-replicas`) or as the spec does. */
function camelCase(key: string): string {
  return key.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

export function invalidScript(name: string, errors: readonly ScriptError[], where: string): AdminError {
  const lines = errors.map(formatError);
  const count = lines.length === 1 ? 'a problem' : `${lines.length} problems`;
  return new AdminError('invalid_script', `function "${name}" was not deployed: ${count} in ${where}: ${lines.join('; ')}`, {
    function: name,
    errors: lines,
  });
}

/** A SpecError (or anything carrying ScriptErrors) thrown by a backend's deploy, as a 400. */
export function rejectedByBackend(name: string, errors: readonly ScriptError[]): AdminError {
  return invalidScript(name, errors, 'its definition');
}
