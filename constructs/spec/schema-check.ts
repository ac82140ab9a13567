/**
 * Checks an object against one of the spec's TypeBox schemas: unknown keys, defaults, types,
 * patterns, each failure located by the key path the user wrote. Shared by the script loader
 * (kebab-case keys) and the admin API / Function object path (the schema's camelCase names).
 */
import type { TObject, TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import { closestMatch } from './did-you-mean.js';
import { issueMessage, patternForm } from './issue-message.js';

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
    issues.push({ path, message: issueMessage(error, path, schema.properties[property]!) });
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
    .map((name) => {
      const renamed = name.replace(/[^A-Za-z0-9_]/g, '_').replace(/^([0-9])/, '_$1');
      const hint = regExp(pattern).test(renamed) ? `, e.g. ${JSON.stringify(renamed)}` : '';
      return { path: [key, name], message: `'${key}' has the key ${JSON.stringify(name)}, which is not ${patternForm(pattern)}; rename it${hint}` };
    });
}

