/**
 * `POST /ui/api/validate`: the problems a deploy of this script would be refused for, each at its
 * line, without deploying anything: the same name rule and PEP 723 checks as the admin API, and
 * Python's own parse where a python3 is at hand (as `faas validate` does).
 */
import { Type } from '@sinclair/typebox';
import { functionNameProblem } from '../../constructs/spec/function-name.js';
import { loadFunction } from '../../constructs/spec/load-function.js';
import { pythonSyntaxErrors } from '../../constructs/spec/python-syntax.js';

export const ValidateRequestSchema = Type.Object({
  name: Type.String({ description: 'The function name the script would be deployed as.' }),
  source: Type.String({ description: 'The PEP 723 script.' }),
});

export interface ValidationProblem {
  /** 1-based line of the script; 0 for the name. */
  readonly line: number;
  readonly key?: string;
  readonly message: string;
}

export interface Validation {
  readonly ok: boolean;
  readonly name: string;
  readonly problems: readonly ValidationProblem[];
}

export async function validateScript(name: string, source: string): Promise<Validation> {
  const problems: ValidationProblem[] = [];
  const nameProblem = functionNameProblem(name);
  if (nameProblem !== undefined) problems.push({ line: 0, key: 'name', message: nameProblem });
  const file = `${name || 'function'}.py`;
  const loaded = loadFunction(file, source);
  if (!loaded.ok) for (const error of loaded.errors) problems.push({ line: error.line, ...(error.key !== undefined && { key: error.key }), message: error.message });
  for (const error of await pythonSyntaxErrors([{ file, text: source }])) problems.push({ line: error.line, message: error.message });
  problems.sort((a, b) => a.line - b.line);
  return { ok: problems.length === 0, name, problems };
}
