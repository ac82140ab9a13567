/** `DELETE /system/functions` with `{"functionName": ..., "namespace"?: ...}`, as faas-cli's `remove` sends. */
import { Type } from '@sinclair/typebox';
import type { AdminHandler } from './admin-context.js';
import { backendFailed, notFound } from './admin-error.js';
import { waitForCatalog } from './catalog-wait.js';
import { parseJsonBody, readBody } from './json-body.js';
import { checkNamespace } from './namespace.js';
import { sendJson } from './send-json.js';

export const DeleteFunctionRequestSchema = Type.Object({
  functionName: Type.String({ minLength: 1, description: 'Name of the function to remove.' }),
  namespace: Type.Optional(Type.String()),
});

export const removeFunction: AdminHandler = async ({ req, res, deps }) => {
  const body = parseJsonBody(
    await readBody(req, deps.bodyLimit),
    DeleteFunctionRequestSchema,
    'a delete request {"functionName": "<name>"}',
  );
  checkNamespace(body.namespace, deps.namespace, body.functionName);
  const removed = await deps.backend.remove(body.functionName).catch((error: unknown) => {
    throw backendFailed(deps.backend.kind, 'remove', body.functionName, error);
  });
  if (!removed) throw notFound(body.functionName);
  await waitForCatalog(deps.backend, body.functionName, (current) => current === undefined);
  deps.logger.info({ function: body.functionName }, 'function removed through the admin API');
  sendJson(res, 202, { message: `function "${body.functionName}" removed`, function: body.functionName });
};
