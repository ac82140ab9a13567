/**
 * A value as a person would type it in a `[tool.faas]` table (`"2m"`, `["a"]`,
 * `{ GREETING = "hi" }`), for examples in messages, the template and the docs.
 */
export function tomlLiteral(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(tomlLiteral).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    return `{ ${entries.map(([key, item]) => `${/^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key)} = ${tomlLiteral(item)}`).join(', ')} }`;
  }
  return JSON.stringify(value);
}
