import { describe, expect, it } from 'vitest';
import { parseDotEnv } from '../../../gateway/admin/dot-env.js';

describe('parseDotEnv', () => {
  it('reads KEY=value lines, export, comments, quotes and CRLF', () => {
    const text = '# settings\r\nHIDDEN_MESSAGE="secret"\r\nexport MODE=fast # inline comment\n\nSINGLE=\'a # b\'\nEMPTY=\nMULTI="line1\\nline2"\n';
    expect(parseDotEnv(text, 'dot_file')).toEqual({
      ok: true,
      env: { HIDDEN_MESSAGE: 'secret', MODE: 'fast', SINGLE: 'a # b', EMPTY: '', MULTI: 'line1\nline2' },
    });
  });

  it('reports each bad line with its number', () => {
    expect(parseDotEnv('OK=1\n2BAD=x\nNO_EQUALS\nOPEN="x\n', 'dot_file')).toEqual({
      ok: false,
      errors: [
        expect.stringMatching(/^dot_file line 2: "2BAD=x" is not KEY=value/),
        expect.stringMatching(/^dot_file line 3: "NO_EQUALS" is not KEY=value/),
        expect.stringMatching(/^dot_file line 4: the value of OPEN opens a quote/),
      ],
    });
  });
});
