/**
 * Turns a schema failure into a sentence a person can act on: which key, what was given,
 * what form is expected, with the schema's own examples or the nearest valid form.
 */
import type { TSchema } from '@sinclair/typebox';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { DNS1123_LABEL_PATTERN, DNS1123_SUBDOMAIN_PATTERN, DURATION_PATTERN, FaasSettingsSchema, LABEL_KEY_PATTERN, LABEL_VALUE_PATTERN, QUANTITY_PATTERN } from './schema.js';
import { tomlLiteral } from './toml-literal.js';

/** The schema's pattern for `env` names, read from it rather than written a second time. */
const ENV_NAME_PATTERN = Object.keys(FaasSettingsSchema.properties.env.patternProperties)[0]!;

/** Words for the forms the spec's patterns accept; the examples come from each key's schema. */
const PATTERN_FORMS: Readonly<Record<string, string>> = {
  [DURATION_PATTERN]: 'a duration: a number and a unit (ms, s, m, h)',
  [QUANTITY_PATTERN]: 'a Kubernetes quantity',
  [DNS1123_LABEL_PATTERN]: "a DNS-1123 name (lower-case letters, digits and '-', starting and ending with a letter or digit)",
  [ENV_NAME_PATTERN]: "an environment variable name (letters, digits and '_', not starting with a digit)",
  [DNS1123_SUBDOMAIN_PATTERN]: "a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', starting and ending with a letter or digit)",
  [LABEL_KEY_PATTERN]: "a Kubernetes label key (an optional DNS prefix and '/', then letters, digits, '-', '_' and '.', starting and ending with a letter or digit)",
  [LABEL_VALUE_PATTERN]: "a Kubernetes label value (letters, digits, '-', '_' and '.', starting and ending with a letter or digit, or empty)",
};

/** What a pattern accepts, in words. */
export function patternForm(pattern: string): string {
  return PATTERN_FORMS[pattern] ?? `of the form ${pattern}`;
}

/** The sentence for one TypeBox error at `path` (as written), with the fix. */
export function issueMessage(error: ValueError, path: readonly string[], propertySchema: TSchema): string {
  const label = `'${path[0]}${path.slice(1).map((part) => (/^[0-9]+$/.test(part) ? `[${part}]` : `.${part}`)).join('')}'`;
  const given = displayValue(error.value);
  const schema = error.schema;
  const example = exampleOf(propertySchema, path.length > 1);
  switch (error.type) {
    case ValueErrorType.Integer:
    case ValueErrorType.Number:
      return typeof error.value === 'string' && /^\s*-?[0-9]+\s*$/.test(error.value)
        ? `${label} must be a whole number, not the string ${given}; remove the quotes: ${path[0]} = ${error.value.trim()}`
        : `${label} must be a whole number, not ${given}; e.g. ${path[0]} = ${tomlLiteral(propertySchema.default ?? 1)}`;
    case ValueErrorType.IntegerMinimum:
    case ValueErrorType.NumberMinimum:
      return `${label} is ${given}; it must be at least ${schema.minimum}`;
    case ValueErrorType.IntegerMaximum:
    case ValueErrorType.NumberMaximum:
      return `${label} is ${given}; it must be at most ${schema.maximum}`;
    case ValueErrorType.StringPattern: {
      const form = patternForm(schema.pattern as string);
      const nearest = typeof error.value === 'string' ? nearestForm(schema.pattern as string, error.value, path[0]!) : undefined;
      const fix = nearest !== undefined ? `; did you mean ${JSON.stringify(nearest)}?` : example === undefined ? '' : `; write e.g. ${example}`;
      return `${label} is ${given}, which is not ${form}${fix}`;
    }
    case ValueErrorType.StringMinLength:
      return `${label} is empty; give a value${example === undefined ? '' : `, e.g. ${example}`}`;
    case ValueErrorType.StringMaxLength:
      return `${label} is ${String(error.value).length} characters; the limit is ${schema.maxLength}`;
    case ValueErrorType.ArrayUniqueItems: {
      const items = error.value as unknown[];
      const repeated = items.find((item, index) => items.indexOf(item) !== index);
      return `${label} lists ${displayValue(repeated)} more than once; keep one`;
    }
    case ValueErrorType.Union: {
      const options = ((schema.anyOf ?? []) as TSchema[]).map((option) => JSON.stringify(option.const));
      return `${label} is ${given}; it must be one of ${options.join(', ')}`;
    }
    case ValueErrorType.ObjectAdditionalProperties: {
      // The path ends at the key that is not in the table's schema.
      const known = Object.keys((schema.properties ?? {}) as object);
      return `${label} is not a known key; the keys there are ${known.map((name) => `'${name}'`).join(', ')}`;
    }
    default: {
      // For an item of a list or table, the whole key's example shows where the item goes.
      const whole = path.length > 1 ? exampleOf(propertySchema, false) : example;
      return `${label} must be ${kindOf(schema)}, not ${given}${whole === undefined ? '' : `; e.g. ${path[0]} = ${whole}`}`;
    }
  }
}

/** The usual slips in quantities and durations (`128MB`, `1 Gi`, `2 min`), corrected. */
function nearestForm(pattern: string, value: string, key: string): string | undefined {
  if (pattern === QUANTITY_PATTERN) {
    // Byte units only make sense for memory; "1GB" of CPU has no near miss.
    const bytes = /memory/i.test(key) ? /^([0-9.]+)\s*([kKMGTP])i?B$/.exec(value.trim()) : null;
    if (bytes) return `${bytes[1]}${bytes[2]!.toUpperCase()}i`;
    const spaced = value.replace(/\s+/g, '');
    if (spaced !== value && new RegExp(pattern).test(spaced)) return spaced;
  }
  if (pattern === DURATION_PATTERN) {
    if (/^[0-9]+(\.[0-9]+)?$/.test(value.trim())) return `${value.trim()}s`;
    const words: Readonly<Record<string, string>> = { ms: 'ms', millisecond: 'ms', sec: 's', second: 's', min: 'm', minute: 'm', hour: 'h', hr: 'h' };
    const spelled = value.trim().replace(/([0-9.]+)\s*([a-z]+?)s?\b/gi, (match, amount: string, unit: string) => {
      const short = words[unit.toLowerCase()] ?? (/^[smh]$/i.test(unit) ? unit.toLowerCase() : undefined);
      return short === undefined ? match : `${amount}${short}`;
    }).replace(/\s+/g, '');
    if (spelled !== value && new RegExp(pattern).test(spelled)) return spelled;
  }
  return undefined;
}

/** The schema's first example in TOML form; for an item of a list or table, the first item's. */
function exampleOf(schema: TSchema, item: boolean): string | undefined {
  const examples = schema.examples as unknown[] | undefined;
  const first = examples?.[0];
  if (first === undefined) return undefined;
  if (!item) return examples!.length > 1 ? examples!.slice(0, 2).map(tomlLiteral).join(' or ') : tomlLiteral(first);
  const inner = Array.isArray(first) ? first[0] : Object.values(first as object)[0];
  return inner === undefined ? undefined : tomlLiteral(inner);
}

function kindOf(schema: TSchema): string {
  switch (schema.type) {
    case 'integer':
      return 'a whole number';
    case 'string':
      return 'a string (in quotes)';
    case 'array':
      return `a list of ${schema.items?.type === 'string' ? 'strings' : 'values'}`;
    case 'object':
      return 'a table (`{ KEY = "value" }`)';
    default:
      return `of type ${String(schema.type)}`;
  }
}

function displayValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  // smol-toml's dates are Dates; their ISO form is how they were written.
  if (value instanceof Date) return value.toISOString();
  return tomlLiteral(value);
}
