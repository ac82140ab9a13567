/** `POST /system/scale-function/<name>` with `{"replicas": n}`; the path names the function. */
import { Type } from '@sinclair/typebox';
import type { AdminHandler } from './admin-context.js';
import { AdminError, backendFailed, notFound } from './admin-error.js';
import { parseJsonBody, readBody } from './json-body.js';
import { checkNamespace } from './namespace.js';
import { sendJson } from './send-json.js';

export const ScaleFunctionRequestSchema = Type.Object({
  serviceName: Type.Optional(Type.String()),
  replicas: Type.Integer({ minimum: 0, description: 'Replicas wanted; 0 puts the function to sleep.' }),
  namespace: Type.Optional(Type.String()),
});

export const scaleFunction: AdminHandler = async ({ req, res, name, deps }) => {
  const fn = name!;
  const body = parseJsonBody(await readBody(req, deps.bodyLimit), ScaleFunctionRequestSchema, 'a scale request {"replicas": <n>}');
  checkNamespace(body.namespace, deps.namespace, fn);
  if (body.serviceName !== undefined && body.serviceName !== '' && body.serviceName !== fn) {
    throw new AdminError('bad_request', `field 'serviceName' ("${body.serviceName}") differs from the function in the path ("${fn}"); make them equal or omit serviceName`, { function: fn });
  }
  const def = deps.backend.functions().get(fn);
  if (!def) throw notFound(fn);
  if (body.replicas > def.maxReplicas) {
    throw new AdminError('bad_request', `field 'replicas' (${body.replicas}) must be <= max-replicas (${def.maxReplicas}) of function "${fn}"; raise max-replicas in its [tool.faas] block to allow more`, { function: fn });
  }
  await deps.backend.scale(fn, body.replicas).catch((error: unknown) => {
    throw backendFailed(deps.backend.kind, 'scale', fn, error);
  });
  deps.logger.info({ function: fn, replicas: body.replicas }, 'function scaled through the admin API');
  sendJson(res, 202, { message: `function "${fn}" scaled to ${body.replicas}`, function: fn, replicas: body.replicas });
};
