import { describe, expect, it } from 'vitest';
import { loadFunction } from '../../../constructs/spec/load-function.js';
import { withFaasSettings } from '../../../gateway/admin/script-settings.js';
import { fixtureLock } from '../../support/script-locks.js';

const loaded = (text: string) => {
  const result = loadFunction('fn.py', text, fixtureLock('httpx'));
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.line}: ${e.message}`).join('\n'));
  return result.function;
};

describe('withFaasSettings', () => {
  it('replaces only the overridden keys and keeps every other line, comments included', () => {
    const script = [
      '# /// script',
      '# dependencies = ["httpx"]',
      '#',
      '# [tool.faas]',
      '# min-replicas = 0   # sleeps when idle',
      '# memory = "64Mi"',
      '# secrets = [',
      '#   "a",',
      '# ]',
      '#',
      '# [tool.other]',
      '# x = 1',
      '# ///',
      'print("hi")',
      '',
    ].join('\n');
    const out = withFaasSettings(script, { memory: '256Mi', secrets: ['a', 'b'] });
    expect(out).toBe(
      [
        '# /// script',
        '# dependencies = ["httpx"]',
        '#',
        '# [tool.faas]',
        '# min-replicas = 0   # sleeps when idle',
        '# memory = "256Mi"',
        '# secrets = ["a", "b"]',
        '#',
        '# [tool.other]',
        '# x = 1',
        '# ///',
        'print("hi")',
        '',
      ].join('\n'),
    );
    expect(loaded(out)).toMatchObject({ memory: '256Mi', secrets: ['a', 'b'], minReplicas: 0, dependencies: ['httpx'] });
  });

  it('turns a [tool.faas.env] sub-table into the one env line', () => {
    const script = '# /// script\n# [tool.faas]\n# cpu = "50m"\n#\n# [tool.faas.env]\n# A = "1"\n# ///\n';
    const out = withFaasSettings(script, { env: { A: '1', B: 'two words' } });
    expect(out).toBe('# /// script\n# [tool.faas]\n# cpu = "50m"\n# env = { A = "1", B = "two words" }\n#\n# ///\n');
    expect(loaded(out).env).toEqual({ A: '1', B: 'two words' });
  });

  it('adds a [tool.faas] table to a block without one', () => {
    const out = withFaasSettings('# /// script\n# dependencies = []\n# ///\n', { 'min-replicas': 2, 'max-replicas': 2 });
    expect(out).toBe('# /// script\n# dependencies = []\n#\n# [tool.faas]\n# min-replicas = 2\n# max-replicas = 2\n# ///\n');
  });

  it('adds a block to a script without one, after the shebang, keeping CRLF', () => {
    const out = withFaasSettings('#!/usr/bin/env python3\r\nprint(1)\r\n', { 'idle-timeout': '10m' });
    expect(out).toBe('#!/usr/bin/env python3\r\n# /// script\r\n# [tool.faas]\r\n# idle-timeout = "10m"\r\n# ///\r\nprint(1)\r\n');
    expect(loaded(out).idleTimeoutSeconds).toBe(600);
  });

  it('leaves the script as it is when nothing is overridden', () => {
    const script = '# /// script\n# [tool.faas]\n# memory = "64Mi"\n# ///\n';
    expect(withFaasSettings(script, {})).toBe(script);
  });

  it('refuses to edit [tool.faas] written as dotted keys, saying how to write it', () => {
    expect(() => withFaasSettings('# /// script\n# tool.faas.memory = "64Mi"\n# ///\n', { memory: '1Gi' })).toThrowError('write it as a [tool.faas] table');
  });
});
