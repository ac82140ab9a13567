/**
 * Where each key of a TOML document is written, so a problem found after parsing (a wrong
 * type, an unknown key) points at its line. smol-toml returns plain values without
 * positions; this scan reads only the line structure: table headers, `key =` lines,
 * one level of inline tables, and skips the inside of multi-line strings.
 */

/** Dotted path (`tool.faas.memory`) → 1-based line in the TOML text. */
export type KeyLines = ReadonlyMap<string, number>;

const KEY_PART = String.raw`(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')`;
const DOTTED_KEY = String.raw`${KEY_PART}(?:\s*\.\s*${KEY_PART})*`;
const HEADER = new RegExp(String.raw`^\s*\[\[?\s*(${DOTTED_KEY})\s*\]\]?\s*(?:#.*)?$`);
const ASSIGNMENT = new RegExp(String.raw`^\s*(${DOTTED_KEY})\s*=\s*(.*)$`);
const INLINE_ASSIGNMENT = new RegExp(String.raw`(?:^|[{,])\s*(${DOTTED_KEY})\s*=`, 'g');
const PARTS = new RegExp(KEY_PART, 'g');

export function splitDottedKey(key: string): string[] {
  return [...key.matchAll(PARTS)].map(([part]) => (part.startsWith('"') ? (JSON.parse(part) as string) : part.replace(/^'|'$/g, '')));
}

export function keyLines(toml: string): KeyLines {
  const lines = new Map<string, number>();
  const record = (path: readonly string[], line: number) => {
    const dotted = path.join('.');
    if (!lines.has(dotted)) lines.set(dotted, line);
  };
  let table: string[] = [];
  let openString: string | undefined;
  let openArray: ArrayScan | undefined;

  toml.split('\n').forEach((text, index) => {
    const line = index + 1;
    if (openArray !== undefined) {
      openArray = scanArray(openArray, text, line, record);
      return;
    }
    if (openString !== undefined) {
      if (text.split(openString).length % 2 === 0) openString = undefined;
      return;
    }
    const header = HEADER.exec(text);
    if (header) {
      table = splitDottedKey(header[1]!);
      table.forEach((_, depth) => record(table.slice(0, depth + 1), line));
      return;
    }
    const assignment = ASSIGNMENT.exec(text);
    if (!assignment) return;
    const path = [...table, ...splitDottedKey(assignment[1]!)];
    path.slice(table.length).forEach((_, depth) => record(path.slice(0, table.length + depth + 1), line));
    const rest = assignment[2]!;
    if (rest.startsWith('[')) {
      openArray = scanArray({ path, depth: 0, items: 0 }, rest, line, record);
      return;
    }
    if (rest.startsWith('{')) {
      for (const [, inner] of rest.matchAll(INLINE_ASSIGNMENT)) record([...path, ...splitDottedKey(inner!)], line);
    }
    for (const quote of ['"""', "'''"]) {
      if (rest.split(quote).length % 2 === 0) openString = quote;
    }
  });
  return lines;
}

interface ArrayScan {
  readonly path: readonly string[];
  depth: number;
  items: number;
}

/**
 * Follows an array value over its lines, recording where each top-level item starts
 * (`dependencies.2`), so an error about one item points at that item's line.
 * Returns the scan while the array is still open.
 */
function scanArray(scan: ArrayScan, text: string, line: number, record: (path: readonly string[], line: number) => void): ArrayScan | undefined {
  for (let at = 0; at < text.length; at++) {
    const char = text[at]!;
    if (char === '#') break;
    if (char === '[' || char === '{') {
      if (scan.depth === 1 && char === '[') record([...scan.path, String(scan.items)], line);
      scan.depth++;
    } else if (char === ']' || char === '}') {
      scan.depth--;
      if (scan.depth === 0) return undefined;
    } else if (char === ',') {
      if (scan.depth === 1) scan.items++;
    } else if (scan.depth === 1 && !/\s/.test(char)) {
      record([...scan.path, String(scan.items)], line);
      if (char === '"' || char === "'") {
        // Skip the string so brackets and commas inside it are not counted.
        const close = char === '"' ? /(?<!\\)"/g : /'/g;
        close.lastIndex = at + 1;
        const end = close.exec(text);
        at = end === null ? text.length : end.index;
      }
    }
  }
  return scan;
}

/** Line of the longest known prefix of `path`, e.g. a list item falls back to its key's line. */
export function lineOfKey(lines: KeyLines, path: readonly string[]): number | undefined {
  for (let length = path.length; length > 0; length--) {
    const line = lines.get(path.slice(0, length).join('.'));
    if (line !== undefined) return line;
  }
  return undefined;
}
