import { describe, expect, it } from 'vitest';
import { dotFileEnv } from '../../../gateway/backends/local/dot-file-env.js';

describe('dotFileEnv', () => {
  it('reads KEY=value lines, export, comments, quotes and CRLF', () => {
    const text = '# settings\r\nHIDDEN_MESSAGE="secret"\r\nexport MODE=fast # inline comment\n\nSINGLE=\'a # b\'\nEMPTY=\nMULTI="line1\\nline2"\n';
    expect(dotFileEnv(text)).toEqual({ HIDDEN_MESSAGE: 'secret', MODE: 'fast', SINGLE: 'a # b', EMPTY: '', MULTI: 'line1\nline2' });
  });

  it('takes an INI file: its KEY = value lines are environment, sections, comments and other keys are skipped', () => {
    const ini = '; database\n[db]\nDB_HOST = db.internal\ndb.port = 5432\n2BAD=x\nTOKEN = "abc ; not a comment"\nOPEN="x\nNO_EQUALS\n';
    expect(dotFileEnv(ini)).toEqual({ DB_HOST: 'db.internal', TOKEN: 'abc ; not a comment', OPEN: '"x' });
  });
});
