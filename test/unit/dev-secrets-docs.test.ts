import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('dev secrets', () => {
  it('are ignored by git, so a key written under .secrets/<name>/ is never committed', () => {
    expect(execFileSync('git', ['check-ignore', '--no-index', '.secrets/db-password/password'], { encoding: 'utf8' }).trim()).toBe('.secrets/db-password/password');
  });

  it('are documented in the README: the folder and FAAS_SECRETS_DIR', () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(readme).toContain('`.secrets/<name>/`');
    expect(readme).toMatch(/`FAAS_SECRETS_DIR` tells the function where/);
  });
});
