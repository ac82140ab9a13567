import { describe, expect, it } from 'vitest';
import { splitScript, type SplitResult } from '../../../constructs/pep723/split-script.js';

function block(result: SplitResult) {
  if (!result.ok) throw new Error(`expected a block, got ${result.error.kind} at line ${result.error.line}`);
  return result.block;
}
function error(result: SplitResult) {
  if (result.ok) throw new Error('expected an error, got a valid split');
  return result.error;
}

describe('splitScript: PEP 723 edge cases', () => {
  it('reads a simple block and where it sits', () => {
    const text = ['# /// script', "# requires-python = '>=3.11'", '# dependencies = [', "#     'requests<3',", '# ]', '# ///', '', 'import requests', ''].join('\n');
    expect(block(splitScript(text))).toEqual({
      type: 'script',
      content: "requires-python = '>=3.11'\ndependencies = [\n    'requests<3',\n]\n",
      startLine: 1,
      endLine: 6,
    });
  });

  it('treats a script without any block as "no block", not an error', () => {
    expect(splitScript('import sys\nprint(sys.argv)\n')).toEqual({ ok: true, block: undefined });
  });

  it('does not take `pass # /// script` as an opener', () => {
    const text = ['pass # /// script', "# requires-python = '>=3.11'", '# ///', ''].join('\n');
    expect(splitScript(text)).toEqual({ ok: true, block: undefined });
  });

  it('rejects a content line with no space after `#` at that line', () => {
    const text = ['# /// script', "#requires-python = '>=3.11'", '# ///', ''].join('\n');
    expect(error(splitScript(text))).toMatchObject({ kind: 'missing-space', line: 2 });
  });

  it('rejects a block without a closing tag at the opener', () => {
    const text = ['# /// script', "# requires-python = '>=3.11'", '# dependencies = [', "#     'rich',", '# ]', '', 'import rich', ''].join('\n');
    const problem = error(splitScript(text));
    expect(problem).toMatchObject({ kind: 'unclosed-block', line: 1 });
    expect(problem.message).toContain('# ///');
  });

  it('rejects a closing tag with trailing text at the tag', () => {
    const text = ['# /// script', '# dependencies = []', '# /// end of metadata', '', 'print(1)', ''].join('\n');
    const problem = error(splitScript(text));
    expect(problem).toMatchObject({ kind: 'closing-tag-trailing-text', line: 3 });
    expect(problem.message).toContain('exactly `# ///`');
  });

  it('rejects a closing tag with trailing spaces', () => {
    expect(error(splitScript('# /// script\n# dependencies = []\n# ///   \n'))).toMatchObject({ kind: 'closing-tag-trailing-text', line: 3 });
  });

  it('rejects `#///` as a closing tag, asking for the space', () => {
    expect(error(splitScript('# /// script\n# dependencies = []\n#///\n'))).toMatchObject({ kind: 'missing-space', line: 3 });
  });

  it('rejects an empty line inside the block at that line', () => {
    const text = ['# /// script', '# dependencies = []', '', '# [tool.faas]', '# ///', ''].join('\n');
    expect(error(splitScript(text))).toMatchObject({ kind: 'line-without-hash', line: 3 });
  });

  it('blames a forgotten closing tag, not the code, when code follows the block and a later block closes', () => {
    const text = ['# /// script', '# dependencies = ["rich"]', 'import rich', '', '# /// other', '# ///', ''].join('\n');
    expect(error(splitScript(text))).toMatchObject({ kind: 'unclosed-block', line: 1 });
  });

  it('ignores another block type after the script block', () => {
    const text = ['# /// script', '# dependencies = ["rich"]', '# ///', '', '# /// pyproject', '# [project]', '# ///', ''].join('\n');
    expect(block(splitScript(text))).toMatchObject({ content: 'dependencies = ["rich"]\n', startLine: 1, endLine: 3 });
  });

  it('ignores another block type before the script block', () => {
    const text = ['# /// other', '# hello', '# ///', 'x = 1', '# /// script', '# dependencies = []', '# ///', ''].join('\n');
    expect(block(splitScript(text))).toMatchObject({ content: 'dependencies = []\n', startLine: 5, endLine: 7 });
  });

  it('accepts a shebang before the block and counts lines from the top of the file', () => {
    const text = ['#!/usr/bin/env -S uv run --script', '# /// script', '# dependencies = []', '# ///', ''].join('\n');
    expect(block(splitScript(text))).toEqual({ type: 'script', content: 'dependencies = []\n', startLine: 2, endLine: 4 });
  });

  it('keeps `///` lines inside a TOML string as content: the last `# ///` closes', () => {
    const text = ['# /// script', "# embedded-csharp = '''", '# /// <summary>', '# /// text', '# ///', '# /// </summary>', '# public class MyClass { }', "# '''", '# ///', ''].join('\n');
    expect(block(splitScript(text))).toMatchObject({
      content: "embedded-csharp = '''\n/// <summary>\n/// text\n///\n/// </summary>\npublic class MyClass { }\n'''\n",
      endLine: 9,
    });
  });

  it('drops `#` lines after the closing tag', () => {
    const text = ['# /// script', "# requires-python = '>=3.11'", '# ///', '#', '#', ''].join('\n');
    expect(block(splitScript(text))).toMatchObject({ content: "requires-python = '>=3.11'\n", endLine: 3 });
  });

  it('rejects a second script block at its opener', () => {
    const text = ['# /// script', '# dependencies = ["a"]', '# ///', '', '# /// script', '# dependencies = ["b"]', '# ///', ''].join('\n');
    const problem = error(splitScript(text));
    expect(problem).toMatchObject({ kind: 'duplicate-block', line: 5 });
    expect(problem.message).toContain('line 1');
  });

  it('reads CRLF files like LF files', () => {
    const text = '# /// script\r\n# dependencies = ["rich"]\r\n#\r\n# [tool.faas]\r\n# timeout = "5s"\r\n# ///\r\nprint(1)\r\n';
    expect(block(splitScript(text))).toEqual({
      type: 'script',
      content: 'dependencies = ["rich"]\n\n[tool.faas]\ntimeout = "5s"\n',
      startLine: 1,
      endLine: 6,
    });
  });

  it('accepts a closing tag on the last line without a final newline', () => {
    expect(block(splitScript('# /// script\n# dependencies = []\n# ///'))).toMatchObject({ content: 'dependencies = []\n', endLine: 3 });
  });

  it('accepts an empty block', () => {
    expect(block(splitScript('# /// script\n# ///\nprint(1)\n'))).toEqual({ type: 'script', content: '', startLine: 1, endLine: 2 });
  });

  it('accepts a bare `#` line as an empty TOML line', () => {
    expect(block(splitScript('# /// script\n#\n# a = 1\n#\n# ///\n'))).toMatchObject({ content: '\na = 1\n\n' });
  });

  it('flags an opener with trailing spaces instead of silently ignoring the block', () => {
    expect(error(splitScript('# /// script  \n# dependencies = ["rich"]\n# ///\n'))).toMatchObject({ kind: 'malformed-opener', line: 1 });
  });

  it('refuses a block after a byte order mark, which uv would not see', () => {
    expect(error(splitScript('\uFEFF# /// script\n# dependencies = ["rich"]\n# ///\n'))).toMatchObject({ kind: 'ignored-block', line: 1 });
  });

  it('refuses a block that uv would skip because the opener text appears earlier inside a line', () => {
    const text = ['pass # /// script', '# /// script', '# dependencies = ["rich"]', '# ///', ''].join('\n');
    const problem = error(splitScript(text));
    expect(problem).toMatchObject({ kind: 'ignored-block', line: 2 });
    expect(problem.message).toContain('line 1');
  });

  it('keeps the block when a `# /// documentation` comment follows the closing tag', () => {
    const text = ['# /// script', '# dependencies = []', '# ///', '# /// documentation', 'print("Hello, world!")', ''].join('\n');
    expect(block(splitScript(text))).toMatchObject({ content: 'dependencies = []\n', endLine: 3 });
  });

  it('keeps the block when a `# /// ` comment with a trailing space follows the closing tag', () => {
    expect(block(splitScript('# /// script\n# dependencies = []\n# ///\n# /// \nprint("Hello, world!")\n'))).toMatchObject({ content: 'dependencies = []\n', endLine: 3 });
  });

  it('does not count a second opener that is never closed as a second block', () => {
    const text = ['# /// script', '# dependencies = ["requests"]', '# ///', '', 'print("Hello, world!")', '', '# /// script', ''].join('\n');
    expect(block(splitScript(text))).toMatchObject({ content: 'dependencies = ["requests"]\n', endLine: 3 });
  });

  it('does not count an unclosed opener right after the closing tag as a second block', () => {
    const text = ['# /// script', '# dependencies = []', '# ///', '# /// script', 'print("Hello, world!")', ''].join('\n');
    expect(block(splitScript(text))).toMatchObject({ content: 'dependencies = []\n', endLine: 3 });
  });

  it('does not count a `# /// script` inside another block type as a second block', () => {
    const text = ['# /// script', '# dependencies = ["requests"]', '# ///', '', '# /// other', '# /// script', '# ///', 'print("Hello, world!")', ''].join('\n');
    expect(block(splitScript(text))).toMatchObject({ endLine: 3 });
  });
});
