import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAdminCredentials } from '../../../gateway/admin/credentials.js';

const secretFile = (content: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'admin-secret-')), 'password');
  writeFileSync(path, content);
  return path;
};

describe('resolveAdminCredentials', () => {
  it('reads the user and password from the environment, user defaulting to admin', () => {
    expect(resolveAdminCredentials({ FAAS_ADMIN_PASSWORD: 's3cret' }, { generate: false })).toEqual({ credentials: { user: 'admin', password: 's3cret' } });
    expect(resolveAdminCredentials({ FAAS_ADMIN_USER: 'ops', FAAS_ADMIN_PASSWORD: 'x' }, { generate: true }).credentials).toEqual({ user: 'ops', password: 'x' });
  });

  it('reads a mounted secret file, dropping the one trailing newline', () => {
    expect(resolveAdminCredentials({ FAAS_ADMIN_PASSWORD_FILE: secretFile('from-file\n') }, { generate: false }).credentials).toEqual({ user: 'admin', password: 'from-file' });
    expect(resolveAdminCredentials({ FAAS_ADMIN_PASSWORD_FILE: secretFile('crlf\r\n') }, { generate: false }).credentials?.password).toBe('crlf');
    expect(resolveAdminCredentials({ FAAS_ADMIN_PASSWORD_FILE: secretFile(' spaces kept \n\n') }, { generate: false }).credentials?.password).toBe(' spaces kept \n');
  });

  it('generates a password only when asked, and returns it to print once', () => {
    expect(resolveAdminCredentials({}, { generate: false })).toEqual({ credentials: undefined, problem: expect.stringContaining('set FAAS_ADMIN_PASSWORD') });
    const first = resolveAdminCredentials({}, { generate: true });
    const second = resolveAdminCredentials({}, { generate: true });
    expect(first.generated).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(first.credentials).toEqual({ user: 'admin', password: first.generated });
    expect(second.generated).not.toBe(first.generated);
  });

  it('leaves the admin API off, saying why, when the mounted secret is missing or empty', () => {
    expect(resolveAdminCredentials({ FAAS_ADMIN_PASSWORD_FILE: '/nonexistent/pw' }, { generate: true })).toEqual({
      credentials: undefined,
      problem: expect.stringMatching(/^FAAS_ADMIN_PASSWORD_FILE=\/nonexistent\/pw cannot be read \(ENOENT\); create the admin Secret/),
    });
    expect(resolveAdminCredentials({ FAAS_ADMIN_PASSWORD_FILE: secretFile('\n') }, { generate: false }).problem).toContain('is empty');
  });

  it('refuses settings that could only fail later, saying which variable to fix', () => {
    expect(() => resolveAdminCredentials({ FAAS_ADMIN_PASSWORD: '' }, { generate: true })).toThrowError('FAAS_ADMIN_PASSWORD is set but empty');
    expect(() => resolveAdminCredentials({ FAAS_ADMIN_PASSWORD: 'a', FAAS_ADMIN_PASSWORD_FILE: '/x' }, { generate: false })).toThrowError('unset one of them');
    expect(() => resolveAdminCredentials({ FAAS_ADMIN_USER: 'a:b', FAAS_ADMIN_PASSWORD: 'x' }, { generate: false })).toThrowError("contain no ':'");
  });
});
