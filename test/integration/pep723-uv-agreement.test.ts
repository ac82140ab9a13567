/**
 * The block splitter against the real uv: for each PEP 723 edge case, what `faas validate`
 * decides must match what `uv run` does with the same file. Every script pins
 * `requires-python = ">=3.99"`, so uv failing with "No interpreter found for Python >=3.99"
 * proves uv read the block, and uv printing "ran" proves it saw no block.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitScript } from '../../constructs/pep723/split-script.js';

const PIN = '# requires-python = ">=3.99"';
const BODY = 'print("ran")';

interface Case {
  readonly name: string;
  readonly text: string;
  /** What uv does: reads the block, sees no block, or rejects the file. */
  readonly uv: 'reads-block' | 'no-block' | 'rejects';
  /** What the splitter returns; `error` where it refuses a block uv would silently skip. */
  readonly ours: 'block' | 'no-block' | 'error';
}

const cases: Case[] = [
  { name: 'simple', text: ['# /// script', PIN, '# ///', BODY].join('\n'), uv: 'reads-block', ours: 'block' },
  { name: 'shebang', text: ['#!/usr/bin/env -S uv run --script', '# /// script', PIN, '# ///', BODY].join('\n'), uv: 'reads-block', ours: 'block' },
  { name: 'crlf', text: ['# /// script', PIN, '# ///', BODY, ''].join('\r\n'), uv: 'reads-block', ours: 'block' },
  { name: 'no final newline', text: ['#!/usr/bin/env python3', '# /// script', PIN, '# ///'].join('\n'), uv: 'reads-block', ours: 'block' },
  { name: '# lines after the closing tag', text: ['# /// script', PIN, '# ///', '#', '#', BODY].join('\n'), uv: 'reads-block', ours: 'block' },
  { name: '/// inside a TOML string', text: ['# /// script', PIN, "# notes = '''", '# /// <summary>', '# ///', "# '''", '# ///', BODY].join('\n'), uv: 'reads-block', ours: 'block' },
  { name: 'other block type first', text: ['# /// other', '# x', '# ///', '# /// script', PIN, '# ///', BODY].join('\n'), uv: 'reads-block', ours: 'block' },
  { name: 'other block type after', text: ['# /// script', PIN, '# ///', '', '# /// other', '# x', '# ///', BODY].join('\n'), uv: 'reads-block', ours: 'block' },
  { name: 'unclosed second opener', text: ['# /// script', PIN, '# ///', BODY, '# /// script', ''].join('\n'), uv: 'reads-block', ours: 'block' },
  { name: 'no block', text: [BODY, ''].join('\n'), uv: 'no-block', ours: 'no-block' },
  { name: 'pass # /// script', text: ['pass # /// script', PIN, '# ///', BODY].join('\n'), uv: 'no-block', ours: 'no-block' },
  { name: 'no space after #', text: ['# /// script', '#requires-python = ">=3.99"', '# ///', BODY].join('\n'), uv: 'rejects', ours: 'error' },
  { name: 'no closing tag', text: ['# /// script', PIN, BODY].join('\n'), uv: 'rejects', ours: 'error' },
  { name: 'closing tag with trailing text', text: ['# /// script', PIN, '# /// end', BODY].join('\n'), uv: 'rejects', ours: 'error' },
  { name: 'two blocks', text: ['# /// script', PIN, '# ///', '', '# /// script', '# dependencies = []', '# ///', BODY].join('\n'), uv: 'rejects', ours: 'error' },
  // Stricter than uv on purpose: uv skips these blocks silently, so their dependencies would never be installed.
  { name: 'opener with trailing spaces', text: ['# /// script  ', PIN, '# ///', BODY].join('\n'), uv: 'no-block', ours: 'error' },
  { name: 'opener text earlier in a line', text: ['x = 1  # /// script', '# /// script', PIN, '# ///', BODY].join('\n'), uv: 'no-block', ours: 'error' },
  { name: 'byte order mark', text: `\uFEFF${['# /// script', PIN, '# ///', BODY].join('\n')}`, uv: 'no-block', ours: 'error' },
];

function uvRun(file: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile('uv', ['run', '--offline', '--no-project', '--script', file], { env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number(error.code ?? 1), output: `${stdout}${stderr}` });
    });
  });
}

describe('PEP 723 block splitting agrees with uv', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'faas-uv-agreement-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each(cases)('$name: uv $uv, faas $ours', async ({ name, text, uv, ours }) => {
    const file = join(dir, `${name.replace(/[^a-z0-9]+/gi, '-')}.py`);
    await writeFile(file, text);
    const run = await uvRun(file);
    if (uv === 'reads-block') expect(run.output).toContain('>=3.99');
    if (uv === 'no-block') expect(run).toEqual({ code: 0, output: 'ran\n' });
    if (uv === 'rejects') {
      expect(run.code).not.toBe(0);
      expect(run.output).not.toContain('>=3.99');
    }

    const split = splitScript(text);
    const verdict = !split.ok ? 'error' : split.block === undefined ? 'no-block' : 'block';
    expect(verdict).toBe(ours);
  });
});
