import type { ScriptError } from './function-definition.js';
import { formatError } from './format-error.js';

/** Thrown where a single invalid function must stop the caller (admin API deploy, construct props). */
export class SpecError extends Error {
  /** Every problem found, each located in its script or naming its field. */
  readonly errors: readonly ScriptError[];

  constructor(errors: readonly ScriptError[]) {
    super(errors.map(formatError).join('\n'));
    this.name = 'SpecError';
    this.errors = errors;
  }
}
