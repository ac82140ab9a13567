/**
 * Locks that `uv lock --script` wrote for test/fixtures/locks/<name>.py, for tests that build a
 * script with those dependencies in code: `httpx` (["httpx"]), `flask` (>=3.11, ["flask"]),
 * `fastapi-uvicorn` (>=3.11, ["fastapi", "uvicorn"]).
 */
import { readFileSync } from 'node:fs';

export type LockedSet = 'httpx' | 'flask' | 'fastapi-uvicorn';

export function fixtureLock(set: LockedSet): string {
  return readFileSync(new URL(`../fixtures/locks/${set}.py.lock`, import.meta.url), 'utf8');
}
