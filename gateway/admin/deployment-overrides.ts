/**
 * What an OpenFaaS deployment sets besides the script, as overrides of the script's
 * `[tool.faas]` block: envVars, memory (limits or requests), requests.cpu, secrets and
 * OpenFaaS's scaling labels. What cannot hold here (a CPU limit, placement constraints)
 * is refused by name rather than dropped.
 */
import { AdminError } from './admin-error.js';
import type { FunctionDeployment } from './deploy-function.js';
import { SCALE_MAX_LABEL, SCALE_MIN_LABEL, SCALE_ZERO_DURATION_LABEL, SCALE_ZERO_LABEL } from './function-status.js';
import type { OverrideFields, SpecOverrides } from './script-definition.js';

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
