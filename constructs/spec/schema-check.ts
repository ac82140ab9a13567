/**
 * Checks an object against one of the spec's TypeBox schemas and turns each failure into
 * a sentence a person can act on: which key, what was given, what form is expected, with
 * the schema's own examples. Shared by the script loader (kebab-case keys) and the admin
 * API / Function object path (the schema's camelCase names).
 */
import type { TObject, TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { closestMatch } from './did-you-mean.js';
import { DNS1123_LABEL_PATTERN, DURATION_PATTERN, QUANTITY_PATTERN } from './schema.js';
import { tomlLiteral } from './toml-literal.js';

/** One failure, located by its path of keys as the user wrote them (`['env', 'A']`). */
export interface FieldIssue {
  readonly path: readonly string[];
  readonly message: string;
}

export interface CheckOptions {
  /** How a property is written where the input comes from: kebab-case in scripts, as-is in the API. */
  readonly keyOf: (property: string) => string;
  /** Where the keys live, for messages: `[tool.faas]`. */
  readonly where: string;
  /**
   * Keys the schema does not know: an error (`[tool.faas]`), or ignored unless they look like
   * a typo of a known key (PEP 723's top level, where other tools keep their own fields).
   */
  readonly unknownKeys: 'error' | 'typos-only';
}

export interface CheckResult {
  /** Known keys under their schema names, every missing one filled from the schema's `default`. */
  readonly value: Record<string, unknown>;
  readonly issues: readonly FieldIssue[];
}

/** Words for the forms the spec's patterns accept; the examples come from each key's schema. */
const PATTERN_FORMS: Readonly<Record<string, string>> = {
  [DURATION_PATTERN]: 'a duration: a number and a unit (ms, s, m, h)',
  [QUANTITY_PATTERN]: 'a Kubernetes quantity',
  [DNS1123_LABEL_PATTERN]: "a DNS-1123 name (lower-case letters, digits and '-', starting and ending with a letter or digit)",
  '^[A-Za-z_][A-Za-z0-9_]*$': "an environment variable name (letters, digits and '_', not starting with a digit)",
};

export function checkObject(schema: TObject, input: Readonly<Record<string, unknown>>, options: CheckOptions): CheckResult {
  const issues: FieldIssue[] = [];
  const byKey = keyMap(schema, options.keyOf);
  const given: Record<string, unknown> = {};

  for (const [key, item] of Object.entries(input)) {
    const property = byKey.get(key);
    if (property !== undefined) {
      given[property] = item;
      continue;
    }
    const suggestion = closestMatch(key, [...byKey.keys()]);
    if (options.unknownKeys === 'typos-only' && suggestion === undefined) continue;
    const hint = suggestion === undefined ? `the keys are ${[...byKey.keys()].map((k) => `'${k}'`).join(', ')}` : `did you mean '${suggestion}'?`;
    issues.push({ path: [key], message: `unknown key '${key}' in ${options.where}; ${hint}` });
  }

  // Schema order, so every resolved spec reads the same way whatever order the script used.
  const value: Record<string, unknown> = {};
  for (const [property, propertySchema] of Object.entries(schema.properties)) {
    const item = given[property] ?? (propertySchema.default === undefined ? undefined : structuredClone(propertySchema.default));
    if (item !== undefined) value[property] = item;
  }

  const seen = new Set<string>();
  // The compiled check answers the common case (valid input) fast; errors are rare and detailed.
  const errors = compiled(schema).Check(value) ? [] : Value.Errors(schema, value);
  for (const error of errors) {
    const [property, ...rest] = error.path.split('/').slice(1);
    // One message per value: a wrong type makes its pattern and range errors noise.
    if (property === undefined || seen.has(error.path) || seen.has(`/${property}`)) continue;
    seen.add(error.path);
    const key = options.keyOf(property);
    const path = [key, ...rest];
    issues.push({ path, message: describe(error, path, schema.properties[property]!) });
  }

  for (const [property, propertySchema] of Object.entries(schema.properties)) {
    issues.push(...recordKeyIssues(propertySchema, value[property], options.keyOf(property)));
  }
  return { value, issues };
}

const checks = new WeakMap<TObject, TypeCheck<TObject>>();
const keyMaps = new WeakMap<TObject, Map<(property: string) => string, ReadonlyMap<string, string>>>();
const patterns = new Map<string, RegExp>();

/** Written key → schema property, built once per schema and naming. */
function keyMap(schema: TObject, keyOf: (property: string) => string): ReadonlyMap<string, string> {
  let byNaming = keyMaps.get(schema);
  if (byNaming === undefined) keyMaps.set(schema, (byNaming = new Map()));
  let map = byNaming.get(keyOf);
  if (map === undefined) byNaming.set(keyOf, (map = new Map(Object.keys(schema.properties).map((property) => [keyOf(property), property]))));
  return map;
}

function regExp(pattern: string): RegExp {
  let compiledPattern = patterns.get(pattern);
  if (compiledPattern === undefined) patterns.set(pattern, (compiledPattern = new RegExp(pattern)));
  return compiledPattern;
}

function compiled(schema: TObject): TypeCheck<TObject> {
  let check = checks.get(schema);
  if (check === undefined) checks.set(schema, (check = TypeCompiler.Compile(schema)));
  return check;
}

/** TypeBox leaves keys of a `Record` that miss its key pattern alone; the spec rejects them. */
function recordKeyIssues(schema: TSchema, item: unknown, key: string): FieldIssue[] {
  const keyPatterns = schema.patternProperties as Record<string, unknown> | undefined;
  if (keyPatterns === undefined || item === null || typeof item !== 'object' || Array.isArray(item)) return [];
  const pattern = Object.keys(keyPatterns)[0]!;
  return Object.keys(item)
    .filter((name) => !regExp(pattern).test(name))
    .map((name) => ({
      path: [key, name],
      message: `'${key}' has the key ${JSON.stringify(name)}, which is not ${PATTERN_FORMS[pattern] ?? `of the form ${pattern}`}; rename it, e.g. ${JSON.stringify(name.replace(/[^A-Za-z0-9_]/g, '_').replace(/^([0-9])/, '_$1'))}`,
    }));
}

function describe(error: ValueError, path: readonly string[], propertySchema: TSchema): string {
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
      const form = PATTERN_FORMS[schema.pattern as string] ?? `of the form ${schema.pattern}`;
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
    default:
      // For an item of a list or table, the whole key's example shows where the item goes.
      const whole = path.length > 1 ? exampleOf(propertySchema, false) : example;
      return `${label} must be ${kindOf(schema)}, not ${given}${whole === undefined ? '' : `; e.g. ${path[0]} = ${whole}`}`;
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
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && value.constructor?.name === 'TomlDate') return String(value);
  return tomlLiteral(value);
}
