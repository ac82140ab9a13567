/**
 * Between a resolved function and the `spec` of its Function object (faas.poorman.dev):
 * synth writes specs, the Kubernetes backend and the admin API read them back — through
 * the same schema and the same checks as a script, so no path accepts what another refuses.
 */
import { createHash } from 'node:crypto';
import type { FunctionDefinition, LoadResult, ScriptError } from './function-definition.js';
import { functionNameProblem } from './function-name.js';
import { requirementProblem, requiresPythonProblem } from './python-requirements.js';
import { checkObject } from './schema-check.js';
import { FaasSettingsSchema, FunctionSpecSchema, type FunctionSpec } from './schema.js';
import { validateSettings } from './validate-settings.js';
import { lockFor } from './load-function.js';

export function specFromDefinition(definition: FunctionDefinition): FunctionSpec {
  return {
    ...(definition.requiresPython === undefined ? {} : { requiresPython: definition.requiresPython }),
    dependencies: [...definition.dependencies],
    minReplicas: definition.minReplicas,
    maxReplicas: definition.maxReplicas,
    idleTimeout: definition.idleTimeout,
    timeout: definition.timeout,
    memory: definition.memory,
    cpu: definition.cpu,
    env: { ...definition.env },
    secrets: [...definition.secrets],
    // Written only when set, so a function placed anywhere keeps the spec it always had.
    ...placementSpec(definition),
    asyncTimeout: definition.asyncTimeout,
    asyncAttempts: definition.asyncAttempts,
    asyncMaxDelay: definition.asyncMaxDelay,
    asyncMaxInflight: definition.asyncMaxInflight,
    asyncCallbackTimeout: definition.asyncCallbackTimeout,
    asyncCallbackAttempts: definition.asyncCallbackAttempts,
    source: definition.source,
    ...(definition.lock === undefined ? {} : { lock: definition.lock }),
  };
}

/** The placement settings that are set: an empty map or list is the same as none. */
export function placementSpec(definition: FunctionDefinition): Partial<Pick<FunctionSpec, 'nodeSelector' | 'tolerations' | 'imagePullSecrets' | 'priorityClassName'>> {
  const { nodeSelector = {}, tolerations = [], imagePullSecrets = [], priorityClassName } = definition;
  return {
    ...(Object.keys(nodeSelector).length === 0 ? {} : { nodeSelector: { ...nodeSelector } }),
    ...(tolerations.length === 0 ? {} : { tolerations: tolerations.map((toleration) => ({ ...toleration })) }),
    ...(imagePullSecrets.length === 0 ? {} : { imagePullSecrets: [...imagePullSecrets] }),
    ...(priorityClassName === undefined ? {} : { priorityClassName }),
  };
}

const same = (property: string) => property;

/**
 * A Function object's spec (or an admin API body shaped like it) → resolved function.
 * Errors name the field (`'maxReplicas' is 0; ...`) and carry line 0: they are not in a file.
 * @param file what errors are attributed to. @default `Function/<name>`
 */
export function definitionFromSpec(name: string, spec: unknown, file = `Function/${name}`): LoadResult {
  const errors: ScriptError[] = [];
  const fail = (message: string, key?: string, lock?: ScriptError['lock']) =>
    errors.push({ file, line: 0, message, ...(key === undefined ? {} : { key }), ...(lock === undefined ? {} : { lock }) });

  const nameProblem = functionNameProblem(name);
  if (nameProblem !== undefined) fail(nameProblem, 'name');
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    fail(`the spec must be an object with at least 'source' (the script), not ${spec === null ? 'null' : typeof spec}`);
    return { ok: false, errors };
  }

  const checked = checkObject(FunctionSpecSchema, spec as Record<string, unknown>, { keyOf: same, where: 'the function spec', unknownKeys: 'error' });
  for (const issue of checked.issues) fail(issue.message, issue.path.join('.'));
  if (checked.issues.length > 0) return { ok: false, errors };

  const value = checked.value as FunctionSpec;
  const settingsInput = Object.fromEntries(Object.keys(FaasSettingsSchema.properties).map((property) => [property, checked.value[property]]));
  const settings = validateSettings(settingsInput, { keyOf: same, where: 'the function spec' });
  if (!settings.ok) for (const issue of settings.issues) fail(issue.message, issue.path.join('.'));
  if (value.requiresPython !== undefined) {
    const problem = requiresPythonProblem(value.requiresPython, 'requiresPython');
    if (problem !== undefined) fail(problem, 'requiresPython');
  }
  for (const requirement of value.dependencies) {
    const problem = requirementProblem(requirement);
    if (problem !== undefined) fail(problem, 'dependencies');
  }
  // Only dependencies that are themselves valid can be compared with a lock.
  const locked = errors.length > 0 ? undefined : lockFor(file, name, value, value.lock);
  if (locked !== undefined && !locked.ok) fail(locked.problem.replace(`(${file}.lock)`, "(field 'lock')").replace(`${file}.lock does`, "field 'lock' does"), 'lock', locked.missing ? 'missing' : 'stale');
  if (errors.length > 0 || !settings.ok) return { ok: false, errors };

  return {
    ok: true,
    function: {
      name,
      file,
      ...(value.requiresPython === undefined ? {} : { requiresPython: value.requiresPython }),
      dependencies: value.dependencies,
      ...settings.settings,
      source: value.source,
      sourceHash: createHash('sha256').update(value.source).digest('hex'),
      ...(locked?.ok === true ? { lock: locked.lock } : {}),
    },
  };
}
