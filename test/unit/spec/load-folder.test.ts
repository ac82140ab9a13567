import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatError } from '../../../constructs/spec/format-error.js';
import { loadFunctionsFolder } from '../../../constructs/spec/load-folder.js';

const fixtures = 'test/fixtures/spec';

describe('loadFunctionsFolder', () => {
  let scratch: string | undefined;
  afterEach(async () => {
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
    scratch = undefined;
  });

  it('loads every valid script, sorted by file name', async () => {
    const { functions, errors } = await loadFunctionsFolder(`${fixtures}/valid`);
    expect(errors).toEqual([]);
    expect(functions.map((definition) => [definition.name, definition.file])).toEqual([
      ['api', `${fixtures}/valid/api.py`],
      ['crlf-handler', `${fixtures}/valid/crlf_handler.py`],
      ['empty-block', `${fixtures}/valid/empty-block.py`],
      ['plain', `${fixtures}/valid/plain.py`],
    ]);
    expect(functions[0]).toMatchObject({ minReplicas: 1, maxReplicas: 10, timeoutSeconds: 90, dependencies: ['fastapi>=0.110', 'uvicorn[standard]'] });
  });

  it('reports all errors of all broken scripts at once and still returns the good one', async () => {
    const { functions, errors } = await loadFunctionsFolder(`${fixtures}/broken`);
    expect(functions.map((definition) => definition.name)).toEqual(['ok']);
    expect(errors.map(formatError).map((line) => line.slice(0, line.indexOf(': ')))).toEqual([
      `${fixtures}/broken/bad_toml.py:2`,
      `${fixtures}/broken/minmax.py:5`,
      `${fixtures}/broken/quantity.py:4`,
      `${fixtures}/broken/quantity.py:5`,
      `${fixtures}/broken/unclosed.py:1`,
    ]);
  });

  it('rejects two files that map to one name, both of them, and keeps the rest', async () => {
    const { functions, errors } = await loadFunctionsFolder(`${fixtures}/duplicates`);
    expect(functions.map((definition) => definition.name)).toEqual(['other']);
    expect(errors.map(formatError)).toEqual([
      expect.stringMatching(new RegExp(`^${fixtures}/duplicates/My-Func\\.py:1: the function name 'my-func' is also the name of ${fixtures}/duplicates/my_func\\.py`)),
      expect.stringMatching(new RegExp(`^${fixtures}/duplicates/my_func\\.py:1: the function name 'my-func' is also the name of ${fixtures}/duplicates/My-Func\\.py`)),
    ]);
  });

  it('skips dotfiles, `_` modules, other extensions and sub-folders', async () => {
    scratch = await mkdtemp(join(tmpdir(), 'faas-folder-'));
    await writeFile(join(scratch, 'real.py'), 'x = 1\n');
    await writeFile(join(scratch, '__init__.py'), '');
    await writeFile(join(scratch, '_shared.py'), 'HELPER = 1\n');
    await mkdir(join(scratch, 'lib'));
    await writeFile(join(scratch, 'lib', 'nested.py'), 'x = 1\n');
    await writeFile(join(scratch, '.#real.py'), 'lock file of an editor');
    await writeFile(join(scratch, 'notes.txt'), 'not a function');
    const { functions, errors } = await loadFunctionsFolder(scratch);
    expect(errors).toEqual([]);
    expect(functions.map((definition) => definition.name)).toEqual(['real']);
  });

  it('reports a script that is not UTF-8 at the line of its first bad byte, and loads the others', async () => {
    scratch = await mkdtemp(join(tmpdir(), 'faas-folder-'));
    await writeFile(join(scratch, 'good.py'), 'x = 1\n');
    await writeFile(join(scratch, 'latin1.py'), Buffer.concat([Buffer.from('# /// script\n# ///\nname = "'), Buffer.from([0xe9]), Buffer.from('"\n')]));
    const { functions, errors } = await loadFunctionsFolder(scratch);
    expect(functions.map((definition) => definition.name)).toEqual(['good']);
    expect(errors.map(formatError)).toEqual([`${join(scratch, 'latin1.py')}:3: the file is not valid UTF-8 (the first bad byte is on this line); save it as UTF-8`]);
  });

  it('refuses what uv refuses: a Python syntax error, a requirement like fastapi>>1, a byte order mark before the block', async () => {
    scratch = await mkdtemp(join(tmpdir(), 'faas-folder-'));
    await writeFile(join(scratch, 'good.py'), 'def handle(req):\n    return "ok"\n');
    await writeFile(join(scratch, 'syntax.py'), '# /// script\n# dependencies = []\n# ///\n\ndef handle(req)\n    return 1\n');
    await writeFile(join(scratch, 'also_broken.py'), 'x = (\n');
    await writeFile(join(scratch, 'requirement.py'), '# /// script\n# dependencies = [\n#   "fastapi>>1",\n# ]\n# ///\n');
    await writeFile(join(scratch, 'bom.py'), '\uFEFF# /// script\n# dependencies = ["rich"]\n# ///\n');
    const { functions, errors } = await loadFunctionsFolder(scratch);
    expect(functions.map((definition) => definition.name)).toEqual(['good']);
    expect(errors.map(formatError)).toEqual([
      expect.stringMatching(new RegExp(`^${join(scratch, 'also_broken.py')}:1: Python syntax error: .*was never closed`)),
      expect.stringMatching(new RegExp(`^${join(scratch, 'bom.py')}:1: the file starts with a byte order mark`)),
      expect.stringMatching(new RegExp(`^${join(scratch, 'requirement.py')}:3: dependency "fastapi>>1" is not a PEP 508 requirement; .*\\(at character 9, expected`)),
      expect.stringMatching(new RegExp(`^${join(scratch, 'syntax.py')}:5: Python syntax error: expected ':'`)),
    ]);
  });

  it('fails with the folder name when the folder does not exist', async () => {
    await expect(loadFunctionsFolder(`${fixtures}/missing`)).rejects.toThrow(/missing/);
  });
});
