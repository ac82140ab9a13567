/**
 * A script's lock as uv writes it (`uv lock --script <script>` → `<script>.lock` beside it), and
 * which scripts need one: those that declare dependencies or a `requires-python`. A script with
 * neither runs on the platform's Python and needs no lock.
 */

/** The lock file of a script: uv's own naming, `<script>.lock`. */
export function lockPathOf(scriptPath: string): string {
  return `${scriptPath}.lock`;
}

/** The PEP 723 fields a lock is resolved from. */
export interface LockedFields {
  readonly requiresPython?: string;
  readonly dependencies: readonly string[];
}

/** True when the script's environment is more than the platform's Python, so it must be locked. */
export function needsLock(fields: LockedFields): boolean {
  return fields.dependencies.length > 0 || fields.requiresPython !== undefined;
}
