/**
 * Checks of the two PEP 723 fields uv reads, so mistakes surface at `faas validate` and synth with a
 * line number instead of at the pod's first start. Requirements go through pip-requirements-js, a
 * port of PEP 508's complete grammar, in-process: synth runs where Python may not be installed.
 */
import { parsePipRequirementsLine } from 'pip-requirements-js';

const SPECIFIER = /^\s*(?:~=|===|==|!=|<=|>=|<|>)\s*[A-Za-z0-9.*+!_-]+\s*$/;

export function requirementProblem(requirement: string): string | undefined {
  const hint = /^[a-z+]+:\/\//.test(requirement) || requirement.startsWith('git+')
    ? `for a URL write 'name @ ${requirement}'`
    : "write a project name with an optional version, e.g. 'requests>=2.31'";
  const refuse = (why: string) => `dependency ${JSON.stringify(requirement)} is not a PEP 508 requirement; ${hint}${why}`;
  // pip's requirements files allow comments and options that a PEP 723 list does not.
  if (requirement.trim() === '' || /(^|\s)#/.test(requirement) || requirement.trim().startsWith('-')) return refuse('');
  try {
    const parsed = parsePipRequirementsLine(requirement);
    return parsed?.type === 'ProjectName' || parsed?.type === 'ProjectURL' ? undefined : refuse('');
  } catch (error) {
    const where = /col ([0-9]+): (.*)$/s.exec((error as Error).message);
    return refuse(where ? ` (at character ${where[1]}, ${where[2]!.trim()})` : '');
  }
}

/** @param key how the field is named where it was written (`requires-python` in a script). */
export function requiresPythonProblem(specifiers: string, key = 'requires-python'): string | undefined {
  const clauses = specifiers.split(',');
  if (clauses.every((clause) => SPECIFIER.test(clause))) return undefined;
  const bare = /^\s*[0-9][0-9.]*\s*$/.test(specifiers) ? `; did you mean '>=${specifiers.trim()}'?` : ", e.g. '>=3.11' or '>=3.11,<3.14'";
  return `'${key}' is ${JSON.stringify(specifiers)}, which is not a PEP 440 version specifier${bare}`;
}
