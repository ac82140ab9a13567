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
import { SpecError } from '../../constructs/spec/spec-error.js';
import type { AdminHandler } from './admin-context.js';
import { AdminError, notFound } from './admin-error.js';
import {
  SCALE_MAX_LABEL,
  SCALE_MIN_LABEL,
  SCALE_ZERO_DURATION_LABEL,
  SCALE_ZERO_LABEL,
  SOURCE_ANNOTATION,
} from './function-status.js';
import { waitForCatalog } from './catalog-wait.js';
import { parseJsonBody, readBody } from './json-body.js';
import { checkNamespace } from './namespace.js';
import { checkFunctionName, rejectedByBackend, scriptDefinition, type OverrideFields, type SpecOverrides } from './script-definition.js';
import { sendJson } from './send-json.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Optional(Type.Union([schema, Type.Null()]));
const StringMap = Type.Record(Type.String(), Type.String());
const Resources = Type.Object({ memory: Type.Optional(Type.String()), cpu: Type.Optional(Type.String()) });

/** faas-provider's FunctionDeployment, plus `source`. Unknown fields are allowed, as OpenFaaS allows them. */
export const FunctionDeploymentSchema = Type.Object({
  service: Type.String({ minLength: 1, description: 'Name of the function.' }),
  source: Type.Optional(Type.String({ description: 'The Python script, PEP 723 block included (this platform\'s extension).' })),
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
    const definition = scriptDefinition(name, sourceOf(body), overrides, fields);
    let outcome: 'created' | 'updated';
    try {
      outcome = await deps.backend.deploy(definition);
    } catch (error) {
      if (error instanceof SpecError) throw rejectedByBackend(name, error.errors);
      throw error;
    }
    const seen = await waitForCatalog(deps.backend, name, (current) => current?.sourceHash === definition.sourceHash);
    deps.logger.info({ function: name, outcome, sourceHash: definition.sourceHash, seen }, 'function deployed through the admin API');
    sendJson(res, 202, { message: `function "${name}" ${outcome}`, function: name });
  };
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

/** What the deployment sets besides the script, as spec overrides. */
export function deploymentOverrides(body: FunctionDeployment): { overrides: SpecOverrides; fields: OverrideFields } {
  const overrides: { -readonly [K in keyof SpecOverrides]: SpecOverrides[K] } = {};
  const fields: OverrideFields = {};
  const refuse = (message: string): never => {
    throw new AdminError('bad_request', message, { function: body.service, errors: [message] });
  };

  if (body.envVars && Object.keys(body.envVars).length > 0) [overrides.env, fields.env] = [body.envVars, 'envVars'];
  if (body.secrets && body.secrets.length > 0) [overrides.secrets, fields.secrets] = [body.secrets, 'secrets'];
  if (body.constraints && body.constraints.length > 0) {
    refuse(`field 'constraints': placement constraints are not supported (functions are scheduled like any Deployment); remove them`);
  }
  if (body.limits?.cpu) {
    refuse(`field 'limits.cpu': no CPU limit is set on functions, so that the autoscaler can use spare CPU; give 'requests.cpu' instead`);
  }
  const memory = [body.limits?.memory, body.requests?.memory].filter((m): m is string => !!m);
  if (memory.length === 2 && memory[0] !== memory[1]) {
    refuse(`fields 'limits.memory' (${memory[0]}) and 'requests.memory' (${memory[1]}) differ; memory is both request and limit here, so give one value`);
  }
  if (memory.length > 0) [overrides.memory, fields.memory] = [memory[0]!, body.limits?.memory ? 'limits.memory' : 'requests.memory'];
  if (body.requests?.cpu) [overrides.cpu, fields.cpu] = [body.requests.cpu, 'requests.cpu'];

  const labels = body.labels ?? {};
  const integerLabel = (label: string): number | undefined => {
    const text = labels[label];
    if (text === undefined) return undefined;
    if (!/^[0-9]+$/.test(text.trim())) refuse(`label '${label}' is ${JSON.stringify(text)}; it must be a whole number like "1"`);
    return Number(text.trim());
  };
  const min = integerLabel(SCALE_MIN_LABEL);
  const max = integerLabel(SCALE_MAX_LABEL);
  if (min !== undefined) [overrides.minReplicas, fields.minReplicas] = [min, `labels.${SCALE_MIN_LABEL}`];
  if (max !== undefined) [overrides.maxReplicas, fields.maxReplicas] = [max, `labels.${SCALE_MAX_LABEL}`];
  const zero = labels[SCALE_ZERO_LABEL];
  if (zero !== undefined && zero !== 'true' && zero !== 'false') refuse(`label '${SCALE_ZERO_LABEL}' is ${JSON.stringify(zero)}; use "true" or "false"`);
  if (min === undefined && zero === 'true') [overrides.minReplicas, fields.minReplicas] = [0, `labels.${SCALE_ZERO_LABEL}`];
  if (min === undefined && zero === 'false') [overrides.minReplicas, fields.minReplicas] = [1, `labels.${SCALE_ZERO_LABEL}`];
  if (min !== undefined && zero !== undefined && (min === 0) !== (zero === 'true')) {
    refuse(`labels '${SCALE_MIN_LABEL}' (${min}) and '${SCALE_ZERO_LABEL}' (${zero}) contradict each other; drop one`);
  }
  const idle = labels[SCALE_ZERO_DURATION_LABEL];
  if (idle !== undefined) [overrides.idleTimeout, fields.idleTimeout] = [idle, `labels.${SCALE_ZERO_DURATION_LABEL}`];
  return { overrides, fields };
}
