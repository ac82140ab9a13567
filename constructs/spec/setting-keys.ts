/**
 * The keys a script writes are the kebab-case of the schema's property names
 * (`minReplicas` → `min-replicas`); this is the only place that mapping lives.
 */
import type { TSchema } from '@sinclair/typebox';
import { FaasSettingsSchema, ScriptRequirementsSchema } from './schema.js';

export interface SettingKey {
  /** As written in the script: `min-replicas`. */
  readonly key: string;
  /** As in the schema and the spec: `minReplicas`. */
  readonly property: string;
  readonly schema: TSchema;
}

export function kebabCase(property: string): string {
  return property.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

function keysOf(object: { properties: Record<string, TSchema> }): readonly SettingKey[] {
  return Object.entries(object.properties).map(([property, schema]) => ({ key: kebabCase(property), property, schema }));
}

/** Every `[tool.faas]` key, in schema order. */
export const FAAS_SETTING_KEYS = keysOf(FaasSettingsSchema);

/** The top-level PEP 723 fields the platform reads (`requires-python`, `dependencies`). */
export const SCRIPT_FIELD_KEYS = keysOf(ScriptRequirementsSchema);
