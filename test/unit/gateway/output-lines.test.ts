import { describe, expect, it } from 'vitest';
import { OutputLines } from '../../../gateway/backends/local/output-lines.js';

function collect(options: Partial<ConstructorParameters<typeof OutputLines>[0]> = {}) {
  const lines: string[] = [];
  const drops: Array<[number, number]> = [];
  let clock = 0;
  const output = new OutputLines({
    maxLineBytes: 10,
    bytesPerSecond: 100,
    burstBytes: 1000,
    onLine: (line) => lines.push(line),
    onDropped: (count, bytes) => drops.push([count, bytes]),
    now: () => clock,
    ...options,
  });
  return { output, lines, drops, tick: (ms: number) => (clock += ms) };
}

describe('OutputLines', () => {
  it('splits chunks into lines across chunk boundaries, CRLF included, and flushes the last one at the end', () => {
    const { output, lines } = collect();
    output.push(Buffer.from('one\ntw'));
    output.push(Buffer.from('o\r\nthree'));
    expect(lines).toEqual(['one', 'two']);
    output.end();
    expect(lines).toEqual(['one', 'two', 'three']);
  });

  it('cuts a line longer than the limit and says how much was cut, holding only the limit', () => {
    const { output, lines } = collect();
    for (let i = 0; i < 100; i++) output.push(Buffer.alloc(1000, 'a'));
    output.push(Buffer.from('\nnext\n'));
    expect(lines).toEqual([`${'a'.repeat(10)} … [line cut: 99990 more bytes]`, 'next']);
  });

  it('drops lines past the byte budget, and reports how many once lines pass again', () => {
    const { output, lines, drops, tick } = collect();
    for (let i = 0; i < 500; i++) output.push(Buffer.from('123456789\n'));
    expect(lines).toHaveLength(100); // the 1000-byte burst, 10 bytes a line
    expect(drops).toEqual([]);
    tick(1000); // 100 bytes of budget come back
    output.push(Buffer.from('after\n'));
    expect(drops).toEqual([[400, 4000]]);
    expect(lines.at(-1)).toBe('after');
  });

  it('reports drops still owed when the stream ends', () => {
    const { output, drops } = collect({ burstBytes: 10 });
    output.push(Buffer.from('123456789\nabc\ndef\n'));
    output.end();
    expect(drops).toEqual([[2, 8]]);
  });
});
