/** `GET /system/functions` and `GET /system/function/<name>`. */
import type { FunctionDefinition } from '../../constructs/spec/function-definition.js';
import type { AdminApiDeps, AdminHandler } from './admin-context.js';
import { notFound } from './admin-error.js';
import { createdAt } from './created-at.js';
import { functionStatus, type FunctionStatus } from './function-status.js';
import { checkNamespace } from './namespace.js';
import { sendJson } from './send-json.js';

export const listFunctions: AdminHandler = async ({ res, url, deps }) => {
  checkNamespace(url.searchParams.get('namespace'), deps.namespace);
  const statuses = [...deps.backend.functions().values()]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((def) => statusOf(def, deps));
  sendJson(res, 200, statuses);
};

export const describeFunction: AdminHandler = async ({ res, url, name, deps }) => {
  const fn = name!;
  checkNamespace(url.searchParams.get('namespace'), deps.namespace, fn);
  const def = deps.backend.functions().get(fn);
  if (!def) throw notFound(fn);
  sendJson(res, 200, statusOf(def, deps));
};

function statusOf(def: FunctionDefinition, deps: AdminApiDeps): FunctionStatus {
  return functionStatus(def, deps.backend.replicas(def.name), deps.namespace, deps.invocationCount(def.name), createdAt(def));
}
