/**
 * Splits a Python script into the parts PEP 723 defines — before the `script` block, the
 * block's TOML, the rest — following the reference regex and uv's reader
 * (crates/uv-scripts). Pure: text in, result out; TOML is parsed elsewhere.
 */

/** The `script` metadata block of a script, located in the file. */
export interface ScriptBlock {
  /** The block's type; always `script` for the block this module returns. */
  readonly type: 'script';
  /** The embedded TOML: each line without its leading `#` and one space, each ending in `\n`. */
  readonly content: string;
  /** 1-based line of the opening `# /// script`. */
  readonly startLine: number;
  /** 1-based line of the closing `# ///`. */
  readonly endLine: number;
}

/** What is wrong with a malformed block; one kind per failure so callers and tests can tell them apart. */
export type BlockErrorKind =
  | 'unclosed-block'
  | 'malformed-opener'
  | 'ignored-block'
  | 'missing-space'
  | 'closing-tag-trailing-text'
  | 'line-without-hash'
  | 'duplicate-block';

export interface BlockError {
  readonly kind: BlockErrorKind;
  /** 1-based line in the script to go to. */
  readonly line: number;
  /** What is wrong and what to change. */
  readonly message: string;
}

export type SplitResult =
  | { readonly ok: true; readonly block: ScriptBlock | undefined }
  | { readonly ok: false; readonly error: BlockError };

const OPENER = '# /// script';
const CLOSER = '///';
/** Near misses of the opener (`#/// script`, `# /// script  `) that uv would silently skip. */
const ALMOST_OPENER = /^\s*#\s*\/\/\/\s*script\s*$/;

/** Lines without their terminators; `\r\n` and `\n` both end a line, as in uv. */
export function scriptLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  // A final newline ends the last line rather than starting an empty one.
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * A comment line's content per PEP 723: `#` alone is an empty line, `# x` is `x`.
 * Anything else (code, blank line, `#x`) is not part of a block: `undefined`.
 */
function commentContent(line: string): string | undefined {
  if (line === '#') return '';
  if (line.startsWith('# ')) return line.slice(2);
  return undefined;
}

/** 1-based line of a character offset. */
function lineAt(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

/**
 * Finds the `script` block. No block at all is `{ ok: true, block: undefined }`: a plain
 * script is valid PEP 723. A block that is opened but malformed is an error with the line
 * to fix, and so is a block uv would silently skip at run time (its dependencies would
 * never be installed).
 */
export function splitScript(text: string): SplitResult {
  // uv looks only at the first occurrence of the opener's text; what it skips, the pod never installs.
  const first = text.indexOf(OPENER);
  if (first === -1) {
    const lines = scriptLines(text);
    const almost = lines.findIndex((line) => ALMOST_OPENER.test(line));
    if (almost === -1) return { ok: true, block: undefined };
    return fail('malformed-opener', almost + 1, `${JSON.stringify(lines[almost])} looks like a PEP 723 opener but is not exactly \`# /// script\`, so the block would be ignored; write the line as exactly \`# /// script\` at the start of the line`);
  }
  const lines = scriptLines(text);
  const firstLine = lineAt(text, first);
  const realOpener = lines.indexOf(OPENER);
  const atLineStart = first === 0 || text[first - 1] === '\n' || text[first - 1] === '\r';

  if (!atLineStart || lines[firstLine - 1] !== OPENER) {
    if (first === 1 && text.startsWith('\uFEFF')) {
      return fail('ignored-block', 1, 'the file starts with a byte order mark (BOM), so uv would not see the `# /// script` block; save the file as UTF-8 without BOM');
    }
    if (atLineStart && ALMOST_OPENER.test(lines[firstLine - 1]!)) {
      return fail('malformed-opener', firstLine, `${JSON.stringify(lines[firstLine - 1])} looks like a PEP 723 opener but is not exactly \`# /// script\`, so uv would ignore the block; remove the trailing text`);
    }
    if (realOpener === -1) return { ok: true, block: undefined };
    return fail('ignored-block', realOpener + 1, `uv reads only the first \`# /// script\` in a file, and that is the text on line ${firstLine} (${JSON.stringify(lines[firstLine - 1]!.trim())}), so it would ignore this block and install nothing; reword that line or move this block above it`);
  }
  const openerIndex = firstLine - 1;

  // Every comment line after the opener belongs to the block; the first other line ends it.
  const content: string[] = [];
  let stop = openerIndex + 1;
  for (; stop < lines.length; stop++) {
    const stripped = commentContent(lines[stop]!);
    if (stripped === undefined) break;
    content.push(stripped);
  }

  // The closing tag is the LAST `# ///` of that run, so `# ///` lines inside TOML strings are content.
  const closerOffset = content.lastIndexOf(CLOSER);
  if (closerOffset === -1) return { ok: false, error: unclosedError(lines, openerIndex, stop, content) };

  const endIndex = openerIndex + 1 + closerOffset;
  const block: ScriptBlock = {
    type: 'script',
    content: content.slice(0, closerOffset).map((line) => `${line}\n`).join(''),
    startLine: openerIndex + 1,
    endLine: endIndex + 1,
  };

  const second = secondScriptBlock(lines, endIndex + 1);
  if (second !== undefined) {
    return fail('duplicate-block', second + 1, `a second \`# /// script\` block (the first opens on line ${block.startLine}); PEP 723 allows one — merge its keys into the first block and delete this one`);
  }
  return { ok: true, block };
}

function fail(kind: BlockErrorKind, line: number, message: string): SplitResult {
  return { ok: false, error: { kind, line, message } };
}

/**
 * Index of the opener of another complete `script` block after the first one, as uv
 * decides it: any typed block's comment lines are its own (a `# /// script` inside a
 * `# /// other` block does not count), and an opener never closed is not a block.
 */
function secondScriptBlock(lines: readonly string[], from: number): number | undefined {
  for (let index = from; index < lines.length; index++) {
    const type = /^# \/\/\/ ([a-zA-Z0-9-]+)$/.exec(lines[index]!)?.[1];
    if (type === undefined) continue;
    const opener = index;
    let closed = false;
    for (index++; index < lines.length; index++) {
      if (commentContent(lines[index]!) === undefined) break;
      const next = lines[index + 1];
      if (lines[index] === `# ${CLOSER}` && (next === undefined || commentContent(next) === undefined)) {
        closed = true;
        break;
      }
    }
    if (closed && type === 'script') return opener;
  }
  return undefined;
}

/** Says why no closing tag was found, pointing at the line that most likely needs the change. */
function unclosedError(lines: readonly string[], openerIndex: number, stop: number, content: readonly string[]): BlockError {
  // A tag with something after it (`# /// end`, `# ///  `) was probably meant to close the block.
  for (let offset = content.length - 1; offset >= 0; offset--) {
    const line = content[offset]!;
    if (line.startsWith(CLOSER)) {
      return {
        kind: 'closing-tag-trailing-text',
        line: openerIndex + 2 + offset,
        message: `the closing tag has trailing text (${JSON.stringify(`# ${line}`)}); remove it so the line is exactly \`# ///\``,
      };
    }
  }
  const breaker = lines[stop];
  const closerLater = lines.slice(stop).some((line) => line === `# ${CLOSER}`);
  if (breaker !== undefined && breaker.trimEnd() === `#${CLOSER}`) {
    return {
      kind: 'missing-space',
      line: stop + 1,
      message: 'the closing tag needs a space after `#`: write exactly `# ///`',
    };
  }
  if (breaker !== undefined && closerLater && breaker.startsWith('#')) {
    return {
      kind: 'missing-space',
      line: stop + 1,
      message: 'every line inside the `# /// script` block must be `#` alone or start with `# ` (hash, space); add a space after `#` on this line',
    };
  }
  // A blank line is the usual way a block gets cut short; code means the closer was forgotten.
  if (breaker !== undefined && closerLater && breaker.trim() === '') {
    return {
      kind: 'line-without-hash',
      line: stop + 1,
      message: `this line ends the \`# /// script\` block before its closing \`# ///\`; every line between the tags, empty ones included, must start with \`#\``,
    };
  }
  return {
    kind: 'unclosed-block',
    line: openerIndex + 1,
    message: 'the `# /// script` block has no closing `# ///`; add a line that is exactly `# ///` after the metadata, and make every line between the tags, empty ones included, start with `#`',
  };
}
