import { describe, expect, it } from 'vitest';
import { keyLines, lineOfKey } from '../../../constructs/pep723/key-lines.js';

describe('keyLines', () => {
  const toml = [
    'requires-python = ">=3.11"', // 1
    'dependencies = [', // 2
    '  "fastapi",', // 3
    '  "uvicorn[standard]", "rich",', // 4
    ']', // 5
    'notes = """', // 6
    'memory = "not a key, inside a string"', // 7
    '"""', // 8
    '[tool.faas]', // 9
    'memory = "1Gi"', // 10
    'env = { A = "1", "B" = "2" }', // 11
    '[tool.faas.limits]', // 12
    'x.y = 1', // 13
  ].join('\n');
  const lines = keyLines(toml);

  it('finds keys under their table', () => {
    expect(lines.get('requires-python')).toBe(1);
    expect(lines.get('tool.faas')).toBe(9);
    expect(lines.get('tool.faas.memory')).toBe(10);
    expect(lines.get('tool.faas.limits.x.y')).toBe(13);
  });

  it('finds each item of a multi-line list', () => {
    expect([0, 1, 2].map((index) => lines.get(`dependencies.${index}`))).toEqual([3, 4, 4]);
  });

  it('finds keys of an inline table, quoted or not', () => {
    expect(lines.get('tool.faas.env.A')).toBe(11);
    expect(lines.get('tool.faas.env.B')).toBe(11);
  });

  it('skips the inside of multi-line strings', () => {
    expect(lines.get('memory')).toBeUndefined();
  });

  it('falls back to the closest known parent', () => {
    expect(lineOfKey(lines, ['tool', 'faas', 'env', 'C'])).toBe(11);
    expect(lineOfKey(lines, ['nowhere'])).toBeUndefined();
  });
});
