/**
 * `[tool.faas]` table → resolved settings: every key checked against `FaasSettingsSchema`,
 * every missing one filled from the schema's default, durations resolved to seconds.
 */
import { checkObject, type FieldIssue } from './schema-check.js';
import { parseDuration } from './durations.js';
import { DURATION_PATTERN, FaasSettingsSchema, type FaasSettings } from './schema.js';
import { kebabCase } from './setting-keys.js';

export interface ResolvedSettings extends FaasSettings {
  /** `idleTimeout` in seconds. */
  readonly idleTimeoutSeconds: number;
  /** `timeout` in seconds (fractions for `ms`). */
  readonly timeoutSeconds: number;
  readonly asyncTimeoutSeconds: number;
  readonly asyncMaxDelaySeconds: number;
  readonly asyncCallbackTimeoutSeconds: number;
}

/** Every setting written as a duration; each is resolved into `<name>Seconds`. */
const DURATION_PROPERTIES = Object.entries(FaasSettingsSchema.properties)
  .filter(([, schema]) => (schema as { pattern?: string }).pattern === DURATION_PATTERN)
  .map(([property]) => property as DurationProperty);
type DurationProperty = 'idleTimeout' | 'timeout' | 'asyncTimeout' | 'asyncMaxDelay' | 'asyncCallbackTimeout';

export type SettingsResult =
  | { readonly ok: true; readonly settings: ResolvedSettings }
  | { readonly ok: false; readonly issues: readonly FieldIssue[] };

export interface ValidateSettingsOptions {
  /** How keys are written in the input; scripts use kebab-case (the default), the API the schema's names. */
  readonly keyOf?: (property: string) => string;
  /** Where the keys live, for messages. @default '[tool.faas]' */
  readonly where?: string;
}

export function validateSettings(table: Readonly<Record<string, unknown>>, options: ValidateSettingsOptions = {}): SettingsResult {
  const keyOf = options.keyOf ?? kebabCase;
  const { value, issues } = checkObject(FaasSettingsSchema, table, { keyOf, where: options.where ?? '[tool.faas]', unknownKeys: 'error' });
  const problems = [...issues];
  const broken = new Set(issues.map((issue) => issue.path[0]));
  const settings = value as FaasSettings;

  if (!broken.has(keyOf('minReplicas')) && !broken.has(keyOf('maxReplicas')) && settings.minReplicas > settings.maxReplicas) {
    // When max-replicas was left to its default, say so: the user never wrote that number.
    const implicit = table[keyOf('maxReplicas')] === undefined ? `; that is the default, so set ${keyOf('maxReplicas')} = ${settings.minReplicas} or more` : '';
    problems.push({
      path: [keyOf('minReplicas')],
      message: `'${keyOf('minReplicas')}' (${settings.minReplicas}) must be <= '${keyOf('maxReplicas')}' (${settings.maxReplicas})${implicit}`,
    });
  }
  const seconds: Record<string, number> = {};
  for (const property of DURATION_PROPERTIES) {
    const key = keyOf(property);
    if (broken.has(key)) continue;
    const parsed = parseDuration(settings[property]);
    if (parsed === undefined || parsed <= 0) {
      problems.push({ path: [key], message: `'${key}' is ${JSON.stringify(settings[property])}; it must be longer than zero, e.g. "30s"` });
    } else {
      seconds[property] = parsed;
    }
  }
  if (seconds.asyncTimeout !== undefined && seconds.timeout !== undefined && seconds.asyncTimeout < seconds.timeout) {
    const implicit = table[keyOf('asyncTimeout')] === undefined ? `; that is the default, so set ${keyOf('asyncTimeout')} = ${JSON.stringify(settings.timeout)} or more` : '';
    problems.push({
      path: [keyOf('asyncTimeout')],
      message: `'${keyOf('asyncTimeout')}' (${settings.asyncTimeout}) must be >= '${keyOf('timeout')}' (${settings.timeout}): an asynchronous call may take at least as long as a synchronous one${implicit}`,
    });
  }
  for (const property of ['memory', 'cpu'] as const) {
    const key = keyOf(property);
    if (broken.has(key)) continue;
    const quantity = settings[property];
    if (quantity.startsWith('-') || !/[1-9]/.test(quantity.replace(/[eE][-+]?[0-9]+$/, ''))) {
      problems.push({ path: [key], message: `'${key}' is ${JSON.stringify(quantity)}; a replica needs a positive amount, e.g. ${property === 'memory' ? '"128Mi"' : '"100m"'}` });
    }
  }

  if (problems.length > 0) return { ok: false, issues: problems };
  return {
    ok: true,
    settings: {
      ...settings,
      idleTimeoutSeconds: seconds.idleTimeout!,
      timeoutSeconds: seconds.timeout!,
      asyncTimeoutSeconds: seconds.asyncTimeout!,
      asyncMaxDelaySeconds: seconds.asyncMaxDelay!,
      asyncCallbackTimeoutSeconds: seconds.asyncCallbackTimeout!,
    },
  };
}
