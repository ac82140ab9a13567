import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { toStructuralSchema } from '../../../constructs/function-crd-schema.js';
import { functionOpenApiSchema } from '../../../constructs/function-crd.js';
import { FunctionSpecSchema } from '../../../constructs/spec/schema.js';

const convert = (schema: object) => toStructuralSchema(schema as Record<string, unknown>);

describe('toStructuralSchema', () => {
  it('turns a key pattern into additionalProperties', () => {
    expect(convert(Type.Record(Type.String({ pattern: '^[A-Z]+$' }), Type.String(), { default: {} }))).toStrictEqual({
      type: 'object',
      default: {},
      additionalProperties: { type: 'string' },
    });
  });

  it('turns unique scalar items into a set list', () => {
    expect(convert(Type.Array(Type.String(), { uniqueItems: true }))).toStrictEqual({
      type: 'array',
      items: { type: 'string' },
      'x-kubernetes-list-type': 'set',
    });
  });

  it('keeps the first example, drops $id, and keeps defaults', () => {
    expect(convert(Type.String({ $id: 'x', default: '5m', examples: ['2m', '1h'] }))).toStrictEqual({ type: 'string', default: '5m', example: '2m' });
  });

  it('requires only the keys without a default, since the API server fills the others in', () => {
    const schema = convert(Type.Object({ a: Type.String(), b: Type.Integer({ default: 1 }) }));
    expect(schema.required).toStrictEqual(['a']);
  });

  it('drops additionalProperties: false, which a CRD refuses', () => {
    expect(convert(Type.Object({ a: Type.String() }, { additionalProperties: false }))).toStrictEqual({
      type: 'object',
      required: ['a'],
      properties: { a: { type: 'string' } },
    });
  });

  it('turns a literal into a one-value enum', () => {
    expect(convert(Type.Literal('synth'))).toStrictEqual({ type: 'string', enum: ['synth'] });
  });

  it('refuses what a structural schema cannot say, naming where', () => {
    expect(() => convert(Type.Object({ x: Type.Union([Type.String(), Type.Number()]) }))).toThrowError('spec.x: a union other than of string literals');
    expect(() => convert(Type.Object({ list: Type.Array(Type.Object({}), { uniqueItems: true }) }))).toThrowError(
      'spec.list: uniqueItems on a list of non-scalar items',
    );
  });

  it('derives the Function spec from the one spec schema, source the only required key', () => {
    const spec = functionOpenApiSchema().properties as Record<string, Record<string, unknown>>;
    const { 'x-kubernetes-validations': rules, ...derived } = spec.spec!;
    expect(derived).toStrictEqual(convert(FunctionSpecSchema));
    // The one rule across fields, which no per-field keyword can state.
    expect(rules).toStrictEqual([expect.objectContaining({ rule: 'self.minReplicas <= self.maxReplicas' })]);
    expect(spec.spec!.required).toStrictEqual(['source']);
    expect(Object.keys(spec.spec!.properties as object).sort()).toStrictEqual(Object.keys(FunctionSpecSchema.properties).sort());
  });

  it('leaves no keyword a v1 CRD refuses anywhere in the schema', () => {
    const refused = new Set(['patternProperties', 'uniqueItems', '$id', '$schema', '$ref', 'definitions', 'dependencies', 'additionalItems', 'examples', 'const', 'anyOf', 'oneOf']);
    const found: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (node === null || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        if (refused.has(key) && !path.endsWith('.properties')) found.push(`${path}.${key}`);
        if (key === 'additionalProperties' && typeof value === 'boolean') found.push(`${path}.${key}`);
        if (key !== 'default' && key !== 'example' && key !== 'enum') walk(value, `${path}.${key}`);
      }
    };
    walk(functionOpenApiSchema(), 'openAPIV3Schema');
    expect(found).toStrictEqual([]);
  });
});
