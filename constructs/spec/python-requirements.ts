/**
 * Light checks of the two PEP 723 fields uv reads, so the common mistakes surface at
 * `faas validate` with a line number instead of at the pod's first start. Only the
 * shape is checked; uv remains the judge of the full PEP 508 / PEP 440 grammar.
 */

/** A PEP 508 requirement starts with a project name, then extras, a version, a marker or `@ URL`. */
const REQUIREMENT = /^\s*[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?\s*(?:$|[[(;@<>=!~\s])/;
const SPECIFIER = /^\s*(?:~=|===|==|!=|<=|>=|<|>)\s*[A-Za-z0-9.*+!_-]+\s*$/;

export function requirementProblem(requirement: string): string | undefined {
  if (REQUIREMENT.test(requirement)) return undefined;
  const hint = /^[a-z+]+:\/\//.test(requirement) || requirement.startsWith('git+')
    ? `for a URL write 'name @ ${requirement}'`
    : "write a project name with an optional version, e.g. 'requests>=2.31'";
  return `dependency ${JSON.stringify(requirement)} is not a PEP 508 requirement; ${hint}`;
}

/** @param key how the field is named where it was written (`requires-python` in a script). */
export function requiresPythonProblem(specifiers: string, key = 'requires-python'): string | undefined {
  const clauses = specifiers.split(',');
  if (clauses.every((clause) => SPECIFIER.test(clause))) return undefined;
  const bare = /^\s*[0-9][0-9.]*\s*$/.test(specifiers) ? `; did you mean '>=${specifiers.trim()}'?` : ", e.g. '>=3.11' or '>=3.11,<3.14'";
  return `'${key}' is ${JSON.stringify(specifiers)}, which is not a PEP 440 version specifier${bare}`;
}
