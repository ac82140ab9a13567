/**
 * `uv lock --script`: resolves a script's dependencies and writes `<script>.lock` beside it,
 * the one step that needs the package index. `faas lock` runs it, and `faas dev` for a script
 * that has dependencies but no lock yet.
 */
import { readFile } from 'node:fs/promises';
import { lockPathOf } from '../../../constructs/environment/script-lock.js';
import { runUv } from './run-uv.js';

export interface LockScriptOptions {
  readonly uvPath: string;
  /** Let uv pick newer versions than the lock holds (`--upgrade`); otherwise it keeps what still fits. */
  readonly upgrade?: boolean;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly onLine?: (line: string) => void;
}

/** What happened to the lock file. */
export type LockOutcome = 'written' | 'updated' | 'unchanged';

export async function lockScript(file: string, options: LockScriptOptions): Promise<LockOutcome> {
  const lockFile = lockPathOf(file);
  const before = await readFile(lockFile, 'utf8').catch(() => undefined);
  await runUv(['lock', '--script', file, ...(options.upgrade ? ['--upgrade'] : [])], {
    uvPath: options.uvPath,
    timeoutMs: options.timeoutMs ?? 600_000,
    signal: options.signal,
    onLine: options.onLine,
    doing: `lock the dependencies of ${file}`,
    fix: "fix the script's dependencies",
  });
  const after = await readFile(lockFile, 'utf8');
  return before === undefined ? 'written' : before === after ? 'unchanged' : 'updated';
}
