import { stat } from 'node:fs/promises';
import { normalize } from 'node:path';
import type { ScriptError } from '../../constructs/spec/function-definition.js';
import { listScripts } from '../../constructs/spec/load-folder.js';

/** Scripts named on the command line: a folder stands for its `*.py` files, a file for itself. */
export async function collectScripts(paths: readonly string[]): Promise<{ files: string[]; errors: ScriptError[] }> {
  const files: string[] = [];
  const errors: ScriptError[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (info === undefined) {
      errors.push({ file: path, line: 0, message: 'no such file or folder; give a functions folder or a .py script' });
    } else if (info.isDirectory()) {
      files.push(...(await listScripts(path)));
    } else if (path.endsWith('.py')) {
      files.push(normalize(path));
    } else {
      errors.push({ file: path, line: 0, message: 'not a Python script; a function is a .py file (or give the folder that holds them)' });
    }
  }
  return { files: [...new Set(files)], errors };
}
