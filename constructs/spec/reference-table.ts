/**
 * The README's reference of the function format, generated from the schema so the two
 * cannot drift: `faas docs` prints it, `faas docs --write README.md` puts it in place.
 */
import type { TSchema } from '@sinclair/typebox';
import { MAX_FUNCTION_NAME_LENGTH, RESERVED_NAME_PREFIX } from './function-name.js';
import { DNS1123_LABEL_PATTERN, DURATION_PATTERN, QUANTITY_PATTERN } from './schema.js';
import { FAAS_SETTING_KEYS, SCRIPT_FIELD_KEYS, type SettingKey } from './setting-keys.js';
import { tomlLiteral } from './toml-literal.js';

export const REFERENCE_START = '<!-- faas-reference:start -->';
export const REFERENCE_END = '<!-- faas-reference:end -->';

const FORMS: Readonly<Record<string, string>> = {
  [DURATION_PATTERN]: 'duration',
  [QUANTITY_PATTERN]: 'quantity',
  [DNS1123_LABEL_PATTERN]: 'DNS-1123 name',
};

function typeOf(schema: TSchema): string {
  if (schema.type === 'integer') return `integer (${schema.minimum}–${schema.maximum})`;
  if (schema.type === 'string') return schema.pattern === undefined ? 'string' : `string (${FORMS[schema.pattern as string] ?? 'pattern'})`;
  if (schema.type === 'array') {
    const item = schema.items as TSchema;
    return `list of ${item.pattern === undefined ? 'strings' : `${FORMS[item.pattern as string] ?? 'string'}s`}`;
  }
  if (schema.type === 'object') return 'table of strings';
  return String(schema.type);
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function code(value: unknown): string {
  return `\`${tomlLiteral(value)}\``;
}

function table(keys: readonly SettingKey[]): string[] {
  const rows = keys.map(({ key, schema }) => {
    const example = (schema.examples as unknown[] | undefined)?.[0] ?? schema.default;
    const fallback = schema.default === undefined ? 'unset' : code(schema.default);
    return `| \`${key}\` | ${typeOf(schema)} | ${fallback} | ${cell(schema.description ?? '')} | ${example === undefined ? '' : code(example)} |`;
  });
  return ['| key | type | default | description | example |', '|---|---|---|---|---|', ...rows];
}

/** The Markdown between the README's reference markers (markers excluded). */
export function referenceMarkdown(): string {
  return [
    '### Function scripts',
    '',
    `A function is \`functions/<name>.py\`. Its name is the file name without \`.py\`, lower-cased, with \`_\` turned into \`-\`; it must be a DNS-1123 label that starts with a letter, at most ${MAX_FUNCTION_NAME_LENGTH} characters (so that every object derived from it fits in 63), and not start with \`${RESERVED_NAME_PREFIX}\` (kept for the platform). Each \`*.py\` directly in the functions folder is a function; sub-folders and files starting with \`.\` or \`_\` (\`__init__.py\`) are not read.`,
    '',
    'Metadata is a PEP 723 `# /// script` block, read the way uv reads it. A script without a block is a valid function with no dependencies and every default below. Every key is optional.',
    '',
    'A block that uv would silently skip at run time is an error, because its dependencies would never be installed: an opener with trailing text (`# /// script  `), the opener\'s text earlier inside another line (uv looks only at its first occurrence), a byte order mark before the block. So is what uv refuses to run: a dependency that is not a PEP 508 requirement (`fastapi>>1`), and a Python syntax error (`faas validate` and synth parse every script with one `python3` when it is on PATH).',
    '',
    '#### PEP 723 fields',
    '',
    ...table(SCRIPT_FIELD_KEYS),
    '',
    'Other top-level fields and other `[tool.*]` tables are left to their tools (uv reads `[tool.uv]`).',
    '',
    '#### `[tool.faas]`',
    '',
    ...table(FAAS_SETTING_KEYS),
    '',
    'Durations are a number and a unit (`ms`, `s`, `m`, `h`), combinable: `1h30m`. Quantities are Kubernetes quantities (`128Mi`, `1Gi`, `100m`, `1`). `faas validate` reports every problem of every script at once as `file:line: message`.',
  ].join('\n');
}
