/**
 * The environment in the seed's `dot_file`, which is a `.env` file or an INI file (the seed's
 * `your-config.ini`). The file itself reaches the function whole; of its lines, those that are
 * `KEY=value` with a variable name for a key (`export ` allowed, the value optionally quoted)
 * become environment variables, and every other line (`[section]`, `;` or `#` comments, INI keys
 * that are not variable names) is the function's to read, never an error.
 */
const LINE = /^(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*=[ \t]*(.*)$/;

export function dotFileEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const match = LINE.exec(raw.trim());
    if (match) env[match[1]!] = unquote(match[2]!);
  }
  return env;
}

function unquote(value: string): string {
  const quote = value[0];
  if (quote === '"' || quote === "'") {
    const end = value.indexOf(quote, 1);
    // An INI value may start with a quote it never closes; it is then taken as written.
    if (end < 0) return value;
    const inner = value.slice(1, end);
    return quote === '"' ? inner.replace(/\\n/g, '\n').replace(/\\"/g, '"') : inner;
  }
  // An unquoted value ends at a comment that follows whitespace, as in shells and INI files.
  return value.replace(/[ \t]+[#;].*$/, '');
}
