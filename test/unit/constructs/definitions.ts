/** Resolved functions for construct tests, made by the real script loader from literal scripts. */
import { loadFunction } from '../../../constructs/spec/load-function.js';
import type { FunctionDefinition } from '../../../constructs/spec/function-definition.js';

/** A PEP 723 script with the given `[tool.faas]` lines and body. */
export function script(settings: string[] = [], body = 'def handle(req):\n    return req\n'): string {
  return [
    '# /// script',
    '# requires-python = ">=3.11"',
    '# dependencies = []',
    ...(settings.length > 0 ? ['#', '# [tool.faas]', ...settings.map((line) => `# ${line}`)] : []),
    '# ///',
    body,
  ].join('\n');
}

/** Loads `text` as `functions/<stem>.py`; fails the test with the loader's errors if it is invalid. */
export function definition(stem: string, text: string = script()): FunctionDefinition {
  const result = loadFunction(`functions/${stem}.py`, text);
  if (!result.ok) throw new Error(result.errors.map((error) => `${error.file}:${error.line}: ${error.message}`).join('\n'));
  return result.function;
}

/** A stand-in bootstrap so tests do not depend on the real file's bytes. */
export const BOOTSTRAP = '# bootstrap for tests\n';
