/** `GET /system/functions` and `GET /system/function/<name>`. */
import type { FunctionDefinition } from '../../constructs/spec/function-definition.js';
import { formatError } from '../../constructs/spec/format-error.js';
import { functionState, invalidState } from '../core/function-state.js';
import type { AdminApiDeps, AdminHandler } from './admin-context.js';
import { notFound } from './admin-error.js';
import { createdAt } from './created-at.js';
import { functionStatus, invalidFunctionStatus, type FunctionStatus } from './function-status.js';
import { checkNamespace } from './namespace.js';
import { sendJson } from './send-json.js';

export const listFunctions: AdminHandler = async ({ res, url, deps }) => {
  checkNamespace(url.searchParams.get('namespace'), deps.namespace);
  const statuses = [...deps.backend.functions().values()].map((def) => statusOf(def, deps));
  for (const name of invalidNames(deps)) statuses.push(invalidStatusOf(name, deps)!);
  sendJson(res, 200, statuses.sort((a, b) => a.name.localeCompare(b.name)));
};

export const describeFunction: AdminHandler = async ({ res, url, name, deps }) => {
  const fn = name!;
  checkNamespace(url.searchParams.get('namespace'), deps.namespace, fn);
  const def = deps.backend.functions().get(fn);
  const status = def ? statusOf(def, deps) : invalidStatusOf(fn, deps);
  if (!status) throw notFound(fn);
  sendJson(res, 200, status);
};

function statusOf(def: FunctionDefinition, deps: AdminApiDeps): FunctionStatus {
  const counts = deps.backend.replicas(def.name);
  return functionStatus(def, counts, deps.namespace, deps.invocationCount(def.name), functionState(counts, deps.startFailures?.get(def.name)), createdAt(def));
}

/** Scripts that do not load and serve no previous version (those are listed as that version). */
function invalidNames(deps: AdminApiDeps): string[] {
  const served = deps.backend.functions();
  return [...(deps.backend.invalidFunctions?.().keys() ?? [])].filter((name) => !served.has(name));
}

function invalidStatusOf(name: string, deps: AdminApiDeps): FunctionStatus | undefined {
  const errors = deps.backend.invalidFunctions?.().get(name);
  if (errors === undefined || deps.backend.functions().has(name)) return undefined;
  const problems = errors.map(formatError);
  return invalidFunctionStatus(name, problems, deps.namespace, invalidState(problems));
}
