/**
 * Writes `[tool.faas]` settings into a script's PEP 723 block, so that what an API call
 * sets lives in the script itself: the local backend persists scripts as files under
 * functions/, and a restart (or the folder watcher) must find the same function there.
 *
 * Only the overridden keys change: their old lines (and `[tool.faas.<key>]` sub-tables)
 * are dropped and one `key = value` line each is added at the end of `[tool.faas]`;
 * every other line, comments included, stays as it was.
 */
import { splitDottedKey } from '../../constructs/pep723/key-lines.js';
import { scriptLines, splitScript } from '../../constructs/pep723/split-script.js';
import { tomlLiteral } from '../../constructs/spec/toml-literal.js';

const HEADER = /^\s*\[\s*([^[\]]+?)\s*\]\s*(?:#.*)?$/;
const ASSIGNMENT = /^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=\s*(.*)$/;

/** `settings` are keyed as a script writes them (`min-replicas`). */
export function withFaasSettings(text: string, settings: Readonly<Record<string, unknown>>): string {
  const keys = Object.keys(settings);
  if (keys.length === 0) return text;
  const split = splitScript(text);
  if (!split.ok) throw new Error(`cannot write settings into a script whose block is malformed (line ${split.error.line})`);
  const rendered = keys.map((key) => `${key} = ${tomlLiteral(settings[key])}`);
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const finalNewline = /\n$/.test(text);
  const lines = scriptLines(text);

  let out: string[];
  if (split.block === undefined) {
    // A shebang and a coding line must stay first, so the new block goes after them.
    let at = 0;
    if (lines[at]?.startsWith('#!')) at++;
    if (/^#.*coding[:=]/.test(lines[at] ?? '')) at++;
    const block = ['# /// script', '# [tool.faas]', ...rendered.map((line) => `# ${line}`), '# ///'];
    out = [...lines.slice(0, at), ...block, ...lines.slice(at)];
  } else {
    const { startLine, endLine } = split.block;
    const toml = lines.slice(startLine, endLine - 1).map((line) => (line === '#' ? '' : line.slice(2)));
    const edited = editFaasTable(toml, new Set(keys), rendered);
    out = [...lines.slice(0, startLine), ...edited.map((line) => (line === '' ? '#' : `# ${line}`)), ...lines.slice(endLine - 1)];
  }
  return bom + out.join(eol) + (finalNewline ? eol : '');
}

function headerPath(line: string): string[] | undefined {
  const match = HEADER.exec(line);
  return match ? splitDottedKey(match[1]!) : undefined;
}

const isFaas = (path: readonly string[] | undefined, length: number) =>
  path !== undefined && path.length === length && path[0] === 'tool' && path[1] === 'faas';

function editFaasTable(toml: readonly string[], keys: ReadonlySet<string>, rendered: readonly string[]): string[] {
  const start = toml.findIndex((line) => isFaas(headerPath(line), 2));
  if (start === -1) {
    if (toml.some((line) => /^\s*(tool\s*\.\s*faas\b|faas\s*=|\[\s*tool\s*\.\s*faas\s*\.)/.test(line))) {
      throw new Error('the script sets [tool.faas] in dotted or inline form; write it as a [tool.faas] table to let the API change it');
    }
    const body = [...toml];
    while (body.length > 0 && body[body.length - 1]!.trim() === '') body.pop();
    return [...body, ...(body.length > 0 ? [''] : []), '[tool.faas]', ...rendered];
  }

  const out: string[] = [];
  let insertAt = -1;
  let skipping = false;
  let openBrackets = 0;
  let inFaasBody = false;
  for (let i = 0; i < toml.length; i++) {
    const line = toml[i]!;
    const path = headerPath(line);
    if (path !== undefined) {
      if (inFaasBody) insertAt = lastContentIndex(out) + 1;
      inFaasBody = i === start;
      // A `[tool.faas.env]` sub-table of an overridden key goes, up to the next header.
      skipping = isFaas(path, 3) && keys.has(path[2]!);
      openBrackets = 0;
      if (!skipping) out.push(line);
      continue;
    }
    if (skipping) continue;
    if (openBrackets > 0) {
      openBrackets += bracketBalance(line);
      continue;
    }
    const assignment = inFaasBody ? ASSIGNMENT.exec(line) : null;
    if (assignment && keys.has(splitDottedKey(assignment[1]!)[0]!)) {
      // A multi-line array goes with its first line.
      openBrackets = Math.max(0, bracketBalance(assignment[2]!));
      continue;
    }
    out.push(line);
  }
  if (inFaasBody) insertAt = lastContentIndex(out) + 1;
  out.splice(insertAt, 0, ...rendered);
  return out;
}

/** Index of the last line that is not blank. */
function lastContentIndex(lines: readonly string[]): number {
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i]!.trim() !== '') return i;
  return -1;
}

/** `[` minus `]` outside strings and comments: how many arrays a line leaves open. */
function bracketBalance(text: string): number {
  const code = text.replace(/"(?:[^"\\]|\\.)*"|'[^']*'/g, '').replace(/#.*$/, '');
  return (code.match(/\[/g)?.length ?? 0) - (code.match(/\]/g)?.length ?? 0);
}
