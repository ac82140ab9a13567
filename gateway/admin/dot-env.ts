/**
 * The `.env` form of the seed's `dot_file`: `KEY=value` lines, `export ` allowed, `#`
 * comments, values optionally in single or double quotes. Problems carry the line.
 */
export type DotEnvResult =
  | { readonly ok: true; readonly env: Record<string, string> }
  | { readonly ok: false; readonly errors: readonly string[] };

const LINE = /^(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*=[ \t]*(.*)$/;

export function parseDotEnv(text: string, where: string): DotEnvResult {
  const env: Record<string, string> = {};
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = LINE.exec(line);
    if (!match) {
      errors.push(`${where} line ${index + 1}: ${JSON.stringify(raw)} is not KEY=value; names use letters, digits and '_' and do not start with a digit`);
      return;
    }
    const value = unquote(match[2]!);
    if (value === undefined) {
      errors.push(`${where} line ${index + 1}: the value of ${match[1]} opens a quote that is not closed on the same line; close it`);
      return;
    }
    env[match[1]!] = value;
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, env };
}

function unquote(value: string): string | undefined {
  const quote = value[0];
  if (quote === '"' || quote === "'") {
    const end = value.indexOf(quote, 1);
    if (end < 0) return undefined;
    const inner = value.slice(1, end);
    return quote === '"' ? inner.replace(/\\n/g, '\n').replace(/\\"/g, '"') : inner;
  }
  // An unquoted value ends at a comment that follows whitespace, as in shells.
  return value.replace(/[ \t]+#.*$/, '');
}
