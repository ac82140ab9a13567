/**
 * What identifies a function's Python environment: its lock (uv's script lock, which records the
 * requirements and `requires-python` it was resolved for), the Python version and the platform.
 * Two functions with the same three share one environment, built once; a warm pool is keyed by it.
 */
import { createHash } from 'node:crypto';

/** Length, in hex digits, of an environment hash: 128 bits, short enough for labels and object names. */
export const ENVIRONMENT_HASH_LENGTH = 32;

/** Bumped when what an environment holds changes shape, so old builds are never reused. */
const FORMAT = 'poorman-faas-environment/1';

/**
 * The environment's identity, `ENVIRONMENT_HASH_LENGTH` hex digits.
 * @param lock the text of `<script>.lock`; `undefined` for a script without dependencies, which
 *   runs on the platform's own Python (every such function shares that one environment)
 * @param pythonVersion the interpreter's version, as exact as the caller knows it (`3.12`, `3.11.7`)
 * @param platform where it runs (`linux/amd64`, or Python's `linux-x86_64`)
 */
export function environmentHash(lock: string | undefined, pythonVersion: string, platform: string): string {
  if (pythonVersion.trim() === '') throw new Error("environmentHash: 'pythonVersion' is empty; pass the Python version, e.g. '3.12'");
  if (platform.trim() === '') throw new Error("environmentHash: 'platform' is empty; pass the platform, e.g. 'linux/amd64'");
  // Line endings are not part of what uv resolved: a lock checked out with CRLF is the same lock.
  const normalized = lock === undefined ? null : lock.replaceAll('\r\n', '\n');
  return createHash('sha256')
    .update(JSON.stringify([FORMAT, normalized, pythonVersion.trim(), platform.trim()]))
    .digest('hex')
    .slice(0, ENVIRONMENT_HASH_LENGTH);
}
