import { describe, expect, it } from 'vitest';
import { equalSecrets, isAuthorized, parseBasicAuth } from '../../../gateway/admin/basic-auth.js';

const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;
const expected = { user: 'admin', password: 'p:a:ss' };

describe('Basic auth', () => {
  it('splits user from password at the first colon, so passwords may contain colons', () => {
    expect(parseBasicAuth(basic('admin:p:a:ss'))).toEqual({ user: 'admin', password: 'p:a:ss' });
    expect(parseBasicAuth(`basic  ${Buffer.from('u:').toString('base64')}`)).toEqual({ user: 'u', password: '' });
  });

  it('finds no credentials in a Bearer token, an empty header or a value without a colon', () => {
    for (const header of [undefined, '', 'Bearer ', 'Bearer abc', 'Basic', 'Basic !!!', basic('nocolon')]) {
      expect(parseBasicAuth(header)).toBeUndefined();
    }
  });

  it('authorizes only the exact user and password', () => {
    expect(isAuthorized({ authorization: basic('admin:p:a:ss') }, expected)).toBe(true);
    for (const wrong of ['admin:p:a:s', 'admin:p:a:ssx', 'Admin:p:a:ss', ':p:a:ss', 'admin:']) {
      expect(isAuthorized({ authorization: basic(wrong) }, expected)).toBe(false);
    }
    expect(isAuthorized({}, expected)).toBe(false);
  });

  it('compares secrets of different lengths without throwing', () => {
    expect(equalSecrets('a', 'a much longer secret')).toBe(false);
    expect(equalSecrets('', '')).toBe(true);
  });
});
