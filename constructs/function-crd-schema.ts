/**
 * Turns the TypeBox (JSON Schema) definition of the function spec into the structural
 * openAPIV3Schema the Function CRD needs, so the CRD can never drift from the one spec
 * definition in `spec/schema.ts`.
 *
 * The API server accepts a narrower dialect than JSON Schema: it refuses `patternProperties`,
 * `uniqueItems: true`, `additionalProperties: false`, `$id`/`$schema`, and ignores keys it does
 * not know. Each of those is rewritten to its Kubernetes equivalent or dropped here; anything the
 * converter does not understand throws, so a new keyword in the spec fails synth loudly instead
 * of producing a CRD the cluster rejects.
 */

/** A JSON Schema node as TypeBox emits it (symbol keys such as `[Kind]` are not enumerable). */
type JsonSchema = Readonly<Record<string, unknown>>;

/** The structural schema node the API server stores (`JSONSchemaProps`, JSON spelling). */
export type StructuralSchema = { [key: string]: unknown };

/** Copied through unchanged: the API server understands them and they mean the same there. */
const KEPT = new Set([
  'type',
  'description',
  'default',
  'format',
  'enum',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'nullable',
]);

/** Documentation-only keywords of JSON Schema that a CRD has no place for. */
const DROPPED = new Set(['$id', '$schema', 'title', '$comment']);

/**
 * Converts one JSON Schema node (and its children) to a structural schema node.
 * @param path where the node is, for error messages (`spec.env`).
 */
export function toStructuralSchema(schema: JsonSchema, path = 'spec'): StructuralSchema {
  const out: StructuralSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (KEPT.has(key)) {
      out[key] = value;
    } else if (DROPPED.has(key)) {
      continue;
    } else if (key === 'examples') {
      // The API server keeps one `example`; `kubectl explain` does not show it, but editors do.
      if (Array.isArray(value) && value.length > 0) out.example = value[0];
    } else if (key === 'const') {
      out.enum = [value];
    } else if (key === 'anyOf') {
      // A union of string literals (`'Exists' | 'Equal'`) is the API server's enum.
      const options = value as JsonSchema[];
      if (!options.every((option) => option.type === 'string' && typeof option.const === 'string')) throw unsupported(path, 'a union other than of string literals');
      out.type = 'string';
      out.enum = options.map((option) => option.const);
    } else if (key === 'properties') {
      out.properties = Object.fromEntries(
        Object.entries(value as Record<string, JsonSchema>).map(([name, child]) => [
          name,
          toStructuralSchema(child, `${path}.${name}`),
        ]),
      );
    } else if (key === 'required') {
      // Keys with a default need not be written by hand: the API server fills them in first.
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const required = (value as string[]).filter((name) => properties[name]?.default === undefined);
      if (required.length > 0) out.required = required;
    } else if (key === 'items') {
      if (Array.isArray(value)) throw unsupported(path, 'items as a tuple');
      out.items = toStructuralSchema(value as JsonSchema, `${path}[]`);
    } else if (key === 'patternProperties') {
      out.additionalProperties = patternPropertiesToAdditional(value as Record<string, JsonSchema>, path);
    } else if (key === 'additionalProperties') {
      // Structural schemas prune unknown fields already; `false` itself is refused.
      if (value === false || value === true) continue;
      out.additionalProperties = toStructuralSchema(value as JsonSchema, `${path}.*`);
    } else if (key === 'uniqueItems') {
      if (value === true) out['x-kubernetes-list-type'] = uniqueListType(schema, path);
    } else {
      throw unsupported(path, `the keyword '${key}'`);
    }
  }
  if (out.properties !== undefined && out.additionalProperties !== undefined) {
    throw new Error(
      `${path}: has both fixed properties and a key pattern; a CRD schema allows only one of them. ` +
        'Give the map its own property in constructs/spec/schema.ts.',
    );
  }
  if (typeof out.type !== 'string') {
    throw new Error(`${path}: has no single 'type'; every node of a structural CRD schema needs one.`);
  }
  return out;
}

function patternPropertiesToAdditional(patterns: Record<string, JsonSchema>, path: string): StructuralSchema {
  const values = Object.values(patterns);
  if (values.length !== 1) {
    throw unsupported(path, `${values.length} key patterns (only one converts to additionalProperties)`);
  }
  // The key pattern itself cannot be expressed without CEL; the spec's validator still checks it.
  return toStructuralSchema(values[0] as JsonSchema, `${path}.*`);
}

function uniqueListType(schema: JsonSchema, path: string): 'set' {
  const itemType = (schema.items as JsonSchema | undefined)?.type;
  if (itemType !== 'string' && itemType !== 'integer' && itemType !== 'number') {
    throw unsupported(path, 'uniqueItems on a list of non-scalar items');
  }
  // A `set` list is how Kubernetes spells "unique scalar items"; the API server enforces it.
  return 'set';
}

function unsupported(path: string, what: string): Error {
  return new Error(
    `${path}: ${what} has no equivalent in a Kubernetes structural schema; ` +
      'change constructs/spec/schema.ts or teach constructs/function-crd-schema.ts to convert it.',
  );
}
