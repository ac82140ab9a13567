/**
 * `faas lock [name...]`: resolve each script's dependencies once with uv and write its lock,
 * `<script>.lock` beside it (`uv lock --script`), to commit like any package lock. The only
 * command besides `faas dev` that contacts the package index; synth, deploy and every wake
 * read the lock.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { lockPathOf } from '../../../constructs/environment/script-lock.js';
import { formatError } from '../../../constructs/spec/format-error.js';
import { functionNameFromStem } from '../../../constructs/spec/function-name.js';
import { listScripts } from '../../../constructs/spec/load-folder.js';
import { loadFunction } from '../../../constructs/spec/load-function.js';
import { lockScript } from '../../../gateway/backends/local/uv-lock.js';
import { formatTable } from '../format-table.js';
import { createProgress } from '../progress.js';

export function register(program: Command): void {
  program
    .command('lock')
    .description('resolve the dependencies of every function (or the named ones) and write <script>.lock beside each (uv lock --script)')
    .argument('[names...]', 'function names or .py scripts (default: every function in the folder)')
    .option('--functions <dir>', 'functions folder', 'functions')
    .option('--upgrade', 'let uv pick the newest versions that fit, instead of keeping the locked ones')
    .action(async (names: string[], options: { functions: string; upgrade?: boolean }) => {
      const files = await scriptsNamed(names, options.functions);
      const uvPath = process.env.UV ?? 'uv';
      const progress = createProgress();
      const rows: string[][] = [];
      let failed = 0;
      for (const file of files) {
        const text = await readFile(file, 'utf8');
        const existing = await readFile(lockPathOf(file), 'utf8').catch(() => undefined);
        const loaded = loadFunction(file, text, existing);
        const problems = loaded.ok ? [] : loaded.errors.filter((error) => error.lock === undefined);
        if (problems.length > 0) {
          for (const problem of problems) console.error(formatError(problem));
          failed++;
          continue;
        }
        // A lock problem means the script has dependencies; a script that loads has them or needs no lock.
        if (loaded.ok && loaded.function.dependencies.length === 0) {
          rows.push([functionNameFromStem(basename(file, '.py')), '-', 'no dependencies: runs on the platform Python, needs no lock']);
          continue;
        }
        progress.update(`locking ${file}`);
        try {
          const outcome = await lockScript(file, { uvPath, upgrade: options.upgrade === true });
          rows.push([functionNameFromStem(basename(file, '.py')), lockPathOf(file), outcome]);
        } catch (error) {
          console.error(`${file}: ${(error as Error).message}`);
          failed++;
        }
      }
      progress.stop();
      if (rows.length > 0) console.log(formatTable(['name', 'lock', 'result'], rows));
      if (failed > 0) {
        console.error(`${failed} of ${files.length} scripts could not be locked`);
        process.exitCode = 1;
      }
    });
}

async function scriptsNamed(names: readonly string[], dir: string): Promise<string[]> {
  const scripts = await listScripts(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' && names.every((name) => name.endsWith('.py'))) return [];
    throw new Error(`cannot read the functions folder ${dir} (${error.code}); give it with --functions <dir>`);
  });
  if (names.length === 0) return scripts;
  return names.map((name) => {
    if (name.endsWith('.py')) return name;
    const found = scripts.find((file) => functionNameFromStem(basename(file, '.py')) === name);
    if (found === undefined) {
      const known = scripts.map((file) => functionNameFromStem(basename(file, '.py'))).join(', ') || 'none';
      throw new Error(`no function named '${name}' in ${dir} (known: ${known}); give its name or its .py file`);
    }
    return found;
  });
}
