/**
 * One script → one resolved function, or every error in it, each with the line of the
 * .py file to fix. Pure: the caller reads the file.
 */
import { createHash } from 'node:crypto';
import { basename, extname } from 'node:path';
import { parse, TomlError } from 'smol-toml';
import { keyLines, lineOfKey, type KeyLines } from '../pep723/key-lines.js';
import { splitScript } from '../pep723/split-script.js';
import type { FunctionDefinition, LoadResult, ScriptError } from './function-definition.js';
import { functionNameFromStem, functionNameProblem } from './function-name.js';
import { requirementProblem, requiresPythonProblem } from './python-requirements.js';
import { checkObject } from './schema-check.js';
import { ScriptRequirementsSchema } from './schema.js';
import { kebabCase } from './setting-keys.js';
import { validateSettings } from './validate-settings.js';
import { lockMismatch } from '../environment/lock-check.js';
import { lockPathOf, needsLock } from '../environment/script-lock.js';

type Table = Record<string, unknown>;

/**
 * @param lock the text of the script's lock (`<file>.lock`), when there is one; a script with
 *   dependencies must have one that matches them.
 */
export function loadFunction(file: string, text: string, lock?: string): LoadResult {
  const errors: ScriptError[] = [];
  const fail = (line: number, message: string, key?: string, lock?: ScriptError['lock']) =>
    errors.push({ file, line, message, ...(key === undefined ? {} : { key }), ...(lock === undefined ? {} : { lock }) });

  const name = functionNameFromStem(basename(file, extname(file)));
  const nameProblem = functionNameProblem(name);
  if (nameProblem !== undefined) fail(1, `${nameProblem} (the name comes from the file name)`);

  const split = splitScript(text);
  if (!split.ok) {
    fail(split.error.line, split.error.message);
    return { ok: false, errors };
  }
  const block = split.block;
  // The TOML's line n is the file's line `offset + n`: the block starts right after its opener.
  const offset = block?.startLine ?? 0;

  let document: Table = {};
  if (block !== undefined) {
    try {
      document = parse(block.content) as Table;
    } catch (error) {
      if (!(error instanceof TomlError)) throw error;
      const merged = mergedBlockProblem(block.content, offset, block.endLine);
      if (merged !== undefined) {
        fail(merged.line, merged.message);
        return { ok: false, errors };
      }
      const reason = error.message.split('\n')[0]!.replace(/^Invalid TOML document:\s*/, '');
      const unclosed = unclosedValue(block.content, error.line);
      if (unclosed !== undefined) {
        fail(offset + unclosed.line, `invalid TOML in the \`# /// script\` block: the value of '${unclosed.key}' is not closed (${reason}); close it before the \`# ///\` on line ${block.endLine}`, unclosed.key);
      } else {
        const hint = /redefine/.test(reason) ? '; a key or table may appear only once, so merge this one into the first' : '';
        fail(offset + error.line, `invalid TOML in the \`# /// script\` block (column ${error.column + 2}): ${reason}${hint}`);
      }
      return { ok: false, errors };
    }
  }
  // Key positions are only needed to report an error, so they are found on the first one.
  let lines: KeyLines | undefined;
  const lineOf = (path: readonly string[]) => {
    lines ??= keyLines(block?.content ?? '');
    const found = lineOfKey(lines, path);
    return found === undefined ? (block?.startLine ?? 1) : offset + found;
  };

  const requirements = checkScriptFields(document, lineOf, fail);
  const faasTable = faasTableOf(document, lineOf, fail);
  const settings = faasTable === undefined ? undefined : validateSettings(faasTable);
  if (settings !== undefined && !settings.ok) {
    for (const issue of settings.issues) fail(lineOf(['tool', 'faas', ...issue.path]), issue.message, issue.path[0]);
  }

  const locked = requirements === undefined ? undefined : lockFor(file, name, requirements, lock);
  if (locked !== undefined && !locked.ok) fail(lineOf(['dependencies']), locked.problem, 'dependencies', locked.missing ? 'missing' : 'stale');

  if (errors.length > 0 || requirements === undefined || settings === undefined || !settings.ok) {
    return { ok: false, errors: errors.sort((a, b) => a.line - b.line) };
  }
  const definition: FunctionDefinition = {
    name,
    file,
    ...(requirements.requiresPython === undefined ? {} : { requiresPython: requirements.requiresPython }),
    dependencies: requirements.dependencies,
    ...settings.settings,
    source: text,
    sourceHash: createHash('sha256').update(text).digest('hex'),
    ...(locked?.ok === true ? { lock: locked.lock } : {}),
  };
  return { ok: true, function: definition };
}

/**
 * The lock a script with dependencies runs from, or why it cannot: a missing lock is never
 * resolved here, since a resolution at deploy or wake time would install what nobody reviewed.
 */
export function lockFor(
  file: string,
  name: string,
  requirements: { requiresPython?: string; dependencies: readonly string[] },
  lock: string | undefined,
): { ok: true; lock: string } | { ok: false; problem: string; missing: boolean } | undefined {
  if (!needsLock(requirements)) return undefined;
  const lockFile = lockPathOf(file);
  if (lock === undefined) {
    return {
      ok: false,
      missing: true,
      problem: `the script has dependencies but no lock (${lockFile}); run \`faas lock ${name}\` and commit the lock beside the script (\`faas dev\` writes a missing one)`,
    };
  }
  const problem = lockMismatch(requirements, lock, lockFile);
  return problem === undefined ? { ok: true, lock } : { ok: false, missing: false, problem: problem.replace('`faas lock`', `\`faas lock ${name}\``) };
}

/**
 * smol-toml reports a value left open (`dependencies = ["a"`) past the block's end; the
 * line to fix is where that value starts, the last assignment before the end.
 */
function unclosedValue(content: string, errorLine: number): { line: number; key: string } | undefined {
  const lines = content.split('\n');
  // `content` ends with a newline, so its last element is the empty remainder.
  if (errorLine < lines.length - 1 || (errorLine === lines.length - 1 && lines[errorLine - 1]!.trim() !== '')) return undefined;
  for (let index = lines.length - 2; index >= 0; index--) {
    const assignment = /^\s*([A-Za-z0-9_."'-]+?)\s*=/.exec(lines[index]!);
    if (assignment) return { line: index + 1, key: assignment[1]!.replace(/["']/g, '') };
  }
  return undefined;
}

/**
 * A `# ///` followed directly by more comment lines does not end the block: PEP 723 closes
 * at the last one, so a second block or comments right after it land in the TOML.
 */
function mergedBlockProblem(content: string, offset: number, endLine: number): { line: number; message: string } | undefined {
  const index = content.split('\n').findIndex((line) => line === '///' || /^\/\/\/ [a-zA-Z0-9-]+$/.test(line));
  if (index === -1) return undefined;
  return {
    line: offset + index + 1,
    message: `the \`# ///\` here does not end the \`# /// script\` block, because comment lines follow it: the block runs on to the last \`# ///\`, on line ${endLine} (PEP 723); put an empty line after this one to end the block here`,
  };
}

/** `requires-python` and `dependencies`, checked; other top-level fields belong to other tools. */
function checkScriptFields(
  document: Table,
  lineOf: (path: readonly string[]) => number,
  fail: (line: number, message: string, key?: string) => void,
): { requiresPython?: string; dependencies: string[] } | undefined {
  const { tool: _tool, ...fields } = document;
  const { value, issues } = checkObject(ScriptRequirementsSchema, fields, {
    keyOf: kebabCase,
    where: 'the `# /// script` block',
    unknownKeys: 'typos-only',
  });
  for (const issue of issues) fail(lineOf(issue.path), issue.message, issue.path[0]);
  if (issues.length > 0) return undefined;

  const requiresPython = value.requiresPython as string | undefined;
  const dependencies = value.dependencies as string[];
  let ok = true;
  if (requiresPython !== undefined) {
    const problem = requiresPythonProblem(requiresPython);
    if (problem !== undefined) (ok = false), fail(lineOf(['requires-python']), problem, 'requires-python');
  }
  dependencies.forEach((requirement, index) => {
    const problem = requirementProblem(requirement);
    if (problem !== undefined) (ok = false), fail(lineOf(['dependencies', String(index)]), problem, 'dependencies');
  });
  return ok ? { ...(requiresPython === undefined ? {} : { requiresPython }), dependencies } : undefined;
}

/** The `[tool.faas]` table; absent is an empty table (all defaults). */
function faasTableOf(
  document: Table,
  lineOf: (path: readonly string[]) => number,
  fail: (line: number, message: string, key?: string) => void,
): Table | undefined {
  const tool = document.tool;
  if (tool === undefined) return {};
  if (!isTable(tool)) {
    fail(lineOf(['tool']), "'tool' must be a table; write the platform's settings under a `[tool.faas]` header", 'tool');
    return undefined;
  }
  const faas = tool.faas;
  if (faas === undefined) return {};
  if (!isTable(faas)) {
    fail(lineOf(['tool', 'faas']), "'tool.faas' must be a table; write `[tool.faas]` on its own line and the settings below it", 'tool.faas');
    return undefined;
  }
  return faas;
}

function isTable(value: unknown): value is Table {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);
}

