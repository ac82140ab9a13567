/**
 * A script's lock as uv writes it (`uv lock --script <script>` → `<script>.lock` beside it), and
 * which scripts need one: those that declare dependencies. A script without any runs on the
 * platform's Python (locally, the one uv finds for its `requires-python`) and needs no lock.
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
  return fields.dependencies.length > 0;
}
