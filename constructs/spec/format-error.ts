import type { ScriptError } from './function-definition.js';

/**
 * `file:line: message`, the form editors and CI annotate; an error that is not in a file
 * (line 0, e.g. an admin API field) drops the line.
 */
export function formatError(error: ScriptError): string {
  return error.line > 0 ? `${error.file}:${error.line}: ${error.message}` : `${error.file}: ${error.message}`;
}
