/**
 * `POST /system/functions` (create) and `PUT /system/functions` (update) with OpenFaaS's
 * `FunctionDeployment` body. faas-cli's `deploy` PUTs first and POSTs only after a 404.
 *
 * A deployment names a container image, which a platform that runs scripts from
 * ConfigMaps cannot run. It must carry the script: in the `faas.poorman.dev/source`
 * annotation (what `faas-cli deploy --annotation` and stack.yml can send) or in a
 * top-level `source` field. `image`, `envProcess` and `readOnlyRootFilesystem` describe
 * a container and are ignored: every function runs its script with uv, read-only.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { AdminHandler } from './admin-context.js';
import { AdminError, notFound } from './admin-error.js';
import { deploymentOverrides } from './deployment-overrides.js';
import { LOCK_ANNOTATION, SOURCE_ANNOTATION } from './function-status.js';
import { parseJsonBody, readBody } from './json-body.js';
import { checkNamespace } from './namespace.js';
import { checkFunctionName, scriptDefinition } from './script-definition.js';
import { storeFunction } from './store-function.js';
import { sendJson } from './send-json.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Optional(Type.Union([schema, Type.Null()]));
const StringMap = Type.Record(Type.String(), Type.String());
const Resources = Type.Object({ memory: Type.Optional(Type.String()), cpu: Type.Optional(Type.String()) });

/** faas-provider's FunctionDeployment, plus `source`. Unknown fields are allowed, as OpenFaaS allows them. */
export const FunctionDeploymentSchema = Type.Object({
  service: Type.String({ minLength: 1, description: 'Name of the function.' }),
  source: Type.Optional(Type.String({ description: 'The Python script, PEP 723 block included (this platform\'s extension).' })),
  lock: Type.Optional(Type.String({ description: "The script's lock as `uv lock --script` writes it; required when the script has dependencies (this platform's extension)." })),
  image: Type.Optional(Type.String()),
  namespace: Type.Optional(Type.String()),
  envProcess: Type.Optional(Type.String()),
  envVars: Nullable(StringMap),
  constraints: Nullable(Type.Array(Type.String())),
  secrets: Nullable(Type.Array(Type.String())),
  labels: Nullable(StringMap),
  annotations: Nullable(StringMap),
  limits: Nullable(Resources),
  requests: Nullable(Resources),
  readOnlyRootFilesystem: Type.Optional(Type.Boolean()),
});
export type FunctionDeployment = Static<typeof FunctionDeploymentSchema>;

export function deployFunction(mode: 'create-or-replace' | 'update'): AdminHandler {
  return async ({ req, res, deps }) => {
    const body = parseJsonBody(await readBody(req, deps.bodyLimit), FunctionDeploymentSchema, 'a FunctionDeployment');
    const name = body.service;
    checkFunctionName(name, 'service');
    checkNamespace(body.namespace, deps.namespace, name);
    // PUT of a missing function must be 404: that is how faas-cli decides to POST. POST of an
    // existing one replaces it, because a catalog fed by a watch may not show a deploy made
    // a moment ago, and refusing then would fail faas-cli's PUT-404-POST sequence.
    if (mode === 'update' && !deps.backend.functions().has(name)) throw notFound(name);
    const { overrides, fields } = deploymentOverrides(body);
    const definition = scriptDefinition(name, sourceOf(body), overrides, fields, lockOf(body));
    const outcome = await storeFunction(deps, definition, 'the admin API');
    sendJson(res, 202, { message: `function "${name}" ${outcome}`, function: name });
  };
}

function lockOf(body: FunctionDeployment): string | undefined {
  const inAnnotation = body.annotations?.[LOCK_ANNOTATION];
  if (body.lock !== undefined && inAnnotation !== undefined && body.lock !== inAnnotation) {
    throw new AdminError('bad_request', `field 'lock' and annotation '${LOCK_ANNOTATION}' both carry a lock and they differ; send it once`, { function: body.service });
  }
  return body.lock ?? inAnnotation;
}

function sourceOf(body: FunctionDeployment): string {
  const inField = body.source;
  const inAnnotation = body.annotations?.[SOURCE_ANNOTATION];
  if (inField !== undefined && inAnnotation !== undefined && inField !== inAnnotation) {
    throw new AdminError('bad_request', `field 'source' and annotation '${SOURCE_ANNOTATION}' both carry a script and they differ; send it once`, { function: body.service });
  }
  const source = inField ?? inAnnotation;
  if (source === undefined || source.trim() === '') {
    const image = body.image ? ` (image "${body.image}")` : '';
    throw new AdminError(
      'bad_request',
      `function "${body.service}" was not deployed: a deployment${image} must carry its Python script, because functions here run as PEP 723 scripts on a stock Python + uv image, not as container images. ` +
        `Put the script's text in the annotation '${SOURCE_ANNOTATION}' (faas-cli deploy --image python-uv --name ${body.service} --annotation ${SOURCE_ANNOTATION}="$(cat ${body.service}.py)"), ` +
        `or in a top-level "source" field, or POST it base64-encoded to /admin/python`,
      { function: body.service },
    );
  }
  return source;
}
