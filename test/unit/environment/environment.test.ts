import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENT_HASH_LENGTH, environmentHash } from '../../../constructs/environment/environment-hash.js';
import { lockMismatch } from '../../../constructs/environment/lock-check.js';
import { lockPathOf, needsLock } from '../../../constructs/environment/script-lock.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/environment/${name}`, import.meta.url), 'utf8');
/** Written by `uv lock --script` for specifiers.py: its manifest shows how uv normalizes requirements. */
const lock = fixture('specifiers.py.lock');
const scriptFields = {
  requiresPython: '>= 3.11, <4',
  dependencies: ['FastAPI[standard-no-fastapi-cloud-cli] >= 0.100 , <1', 'Uvicorn; python_version>="3.9" and sys_platform == "linux"', 'anyio==4.*'],
};

describe('environmentHash', () => {
  it('is the same for the same lock, Python and platform, and fits a label', () => {
    const hash = environmentHash(lock, '3.12', 'linux/amd64');
    expect(hash).toMatch(new RegExp(`^[0-9a-f]{${ENVIRONMENT_HASH_LENGTH}}$`));
    expect(environmentHash(lock, '3.12', 'linux/amd64')).toBe(hash);
    expect(environmentHash(lock.replaceAll('\n', '\r\n'), '3.12', 'linux/amd64')).toBe(hash);
  });

  it('changes with each of the three', () => {
    const hashes = new Set([
      environmentHash(lock, '3.12', 'linux/amd64'),
      environmentHash(`${lock}\n# another resolution\n`, '3.12', 'linux/amd64'),
      environmentHash(lock, '3.13', 'linux/amd64'),
      environmentHash(lock, '3.12', 'linux/arm64'),
      environmentHash(undefined, '3.12', 'linux/amd64'),
      environmentHash('', '3.12', 'linux/amd64'),
    ]);
    expect(hashes.size).toBe(6);
  });

  it('refuses an empty Python version or platform', () => {
    expect(() => environmentHash(lock, ' ', 'linux/amd64')).toThrowError("'pythonVersion' is empty");
    expect(() => environmentHash(lock, '3.12', '')).toThrowError("'platform' is empty");
  });
});

describe('needsLock', () => {
  it('is true for a script with dependencies only', () => {
    expect(needsLock({ dependencies: ['fastapi'] })).toBe(true);
    expect(needsLock({ requiresPython: '>=3.11', dependencies: [] })).toBe(false);
    expect(needsLock({ dependencies: [] })).toBe(false);
    expect(lockPathOf('functions/echo.py')).toBe('functions/echo.py.lock');
  });
});

describe('lockMismatch', () => {
  it('accepts the lock uv wrote for the same metadata, however it was spelled', () => {
    expect(lockMismatch(scriptFields, lock, 'f.py.lock')).toBeUndefined();
    const respelled = { requiresPython: '<4,>=3.11', dependencies: ['fastapi[standard_no_fastapi_cloud_cli]<1,>=0.100', 'uvicorn', 'ANYIO == 4.*'] };
    expect(lockMismatch(respelled, lock, 'f.py.lock')).toBeUndefined();
  });

  it('names an added, a removed and a changed dependency, and the fix', () => {
    const message = lockMismatch({ ...scriptFields, dependencies: ['fastapi[standard-no-fastapi-cloud-cli]>=0.100,<1', 'anyio==4.*', 'httpx'] }, lock, 'functions/f.py.lock');
    expect(message).toBe(
      "functions/f.py.lock does not match the script's dependencies ('httpx' is not in it; it still has 'uvicorn'); run `faas lock` to resolve them again, and commit the lock",
    );
    expect(lockMismatch({ ...scriptFields, dependencies: [...scriptFields.dependencies.slice(0, 2), 'anyio==5.*'] }, lock, 'f.py.lock')).toContain("'anyio==5.*' is not in it; it still has 'anyio==4.*'");
  });

  it('names a changed requires-python, and ignores an unstated one', () => {
    expect(lockMismatch({ ...scriptFields, requiresPython: '>=3.12' }, lock, 'f.py.lock')).toContain(
      "it was resolved for requires-python '>=3.11, <4', the script asks '>=3.12'",
    );
    expect(lockMismatch({ dependencies: scriptFields.dependencies }, lock, 'f.py.lock')).toBeUndefined();
  });

  it('refuses what is not a uv lock', () => {
    expect(lockMismatch(scriptFields, 'not = [toml', 'f.py.lock')).toMatch(/^f\.py\.lock is not a uv lock \(.*\); write it again with `faas lock`$/);
    expect(lockMismatch(scriptFields, 'a = 1\n', 'f.py.lock')).toContain("has no 'version'");
  });
});
