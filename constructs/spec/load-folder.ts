/**
 * The functions folder → every function in it, and every error of every script at once:
 * one broken script never hides the others.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FunctionDefinition, ScriptError } from './function-definition.js';
import { loadFunction } from './load-function.js';
import { pythonSyntaxErrors } from './python-syntax.js';
import { lockPathOf } from '../environment/script-lock.js';

export interface FolderLoad {
  /** Valid functions, sorted by file name. */
  readonly functions: FunctionDefinition[];
  /** Every error of every script, in file order, plus one per name claimed by two files. */
  readonly errors: ScriptError[];
}

/**
 * Each `*.py` directly in `dir` is a function. Skipped: dotfiles (editor and lock files) and
 * names starting with `_` (`__init__.py`, private modules), which Python keeps for non-entry points.
 */
export async function listScripts(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.name.endsWith('.py') && !/^[._]/.test(entry.name) && (entry.isFile() || entry.isSymbolicLink()))
    .map((entry) => join(dir, entry.name))
    .sort();
}

export async function loadFunctionsFolder(dir: string): Promise<FolderLoad> {
  return loadFunctionFiles(await listScripts(dir));
}

/** Loads the given scripts together, so names are unique across all of them. */
export async function loadFunctionFiles(files: readonly string[]): Promise<FolderLoad> {
  const [texts, locks] = await Promise.all([Promise.all(files.map(readScript)), Promise.all(files.map(readLock))]);
  const functions: FunctionDefinition[] = [];
  const errors: ScriptError[] = [];
  const readable = files.flatMap((file, index) => (typeof texts[index] === 'string' ? [{ file, text: texts[index] }] : []));
  const syntaxErrors = await pythonSyntaxErrors(readable);
  files.forEach((file, index) => {
    const text = texts[index]!;
    if (typeof text !== 'string') return void errors.push(text);
    const lock = locks[index];
    if (typeof lock === 'object') return void errors.push(lock);
    const result = loadFunction(file, text, lock);
    const syntax = syntaxErrors.filter((error) => error.file === file);
    if (result.ok && syntax.length === 0) functions.push(result.function);
    if (!result.ok) errors.push(...result.errors);
    errors.push(...syntax);
  });
  return { functions: withoutDuplicates(functions, errors), errors };
}

// ignoreBOM keeps a byte order mark in the text, where the block check refuses it as uv would skip the block.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The script's text, or why it cannot be a script; one unreadable file never stops the others. */
async function readScript(file: string): Promise<string | ScriptError> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    return { file, line: 1, message: `cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); check that it is a readable file` };
  }
  try {
    return UTF8.decode(bytes);
  } catch {
    // uv reads scripts as UTF-8 and refuses anything else, so the pod would never start.
    const lenient = new TextDecoder('utf-8').decode(bytes);
    const line = lenient.slice(0, lenient.indexOf('\uFFFD')).split('\n').length;
    return { file, line, message: 'the file is not valid UTF-8 (the first bad byte is on this line); save it as UTF-8' };
  }
}

/** The lock beside a script (`<script>.lock`), undefined when there is none. */
async function readLock(file: string): Promise<string | undefined | ScriptError> {
  const lockFile = lockPathOf(file);
  try {
    return await readFile(lockFile, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    return { file: lockFile, line: 1, message: `cannot read the lock (${code ?? (error as Error).message}); check that it is a readable file, or write it again with \`faas lock\`` };
  }
}

/** Two files that map to one name (`my_fn.py`, `My-Fn.py`) would deploy over each other: both are errors. */
function withoutDuplicates(functions: FunctionDefinition[], errors: ScriptError[]): FunctionDefinition[] {
  const byName = new Map<string, FunctionDefinition[]>();
  for (const definition of functions) byName.set(definition.name, [...(byName.get(definition.name) ?? []), definition]);
  for (const [name, claimants] of byName) {
    if (claimants.length < 2) continue;
    for (const definition of claimants) {
      const others = claimants.filter((other) => other !== definition).map((other) => other.file);
      errors.push({
        file: definition.file,
        line: 1,
        message: `the function name '${name}' is also the name of ${others.join(', ')} (names are the file name lower-cased, '_' as '-'); rename one of the files`,
      });
    }
  }
  errors.sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));
  return functions.filter((definition) => byName.get(definition.name)!.length === 1);
}
