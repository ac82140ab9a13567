import { describe, expect, it } from 'vitest';
import type { LogLine } from '../../../gateway/backends/backend.js';
import { OutputHistory } from '../../../gateway/backends/local/output-history.js';

describe('OutputHistory', () => {
  it('keeps the newest lines within the line count and the byte budget', async () => {
    const history = new OutputHistory({ lines: 3, bytes: 10 }, () => 7);
    for (const text of ['a', 'b', 'c', 'd']) history.add('f', 'stdout', text, '42');
    const seen: LogLine[] = [];
    await history.logs('f', (line) => seen.push(line), { follow: false, signal: new AbortController().signal });
    expect(seen).toEqual(['b', 'c', 'd'].map((text) => ({ at: 7, stream: 'stdout', text, instance: '42' })));

    history.add('f', 'stderr', '123456789');
    history.add('f', 'stderr', 'x'.repeat(50));
    const after: string[] = [];
    await history.logs('f', (line) => after.push(line.text), { follow: false, signal: new AbortController().signal });
    expect(after).toEqual(['x'.repeat(10)]);
  });

  it('follows new lines until the reader leaves', async () => {
    const history = new OutputHistory();
    history.add('f', 'stdout', 'old');
    const abort = new AbortController();
    const seen: string[] = [];
    const done = history.logs('f', (line) => seen.push(line.text), { follow: true, signal: abort.signal });
    history.add('f', 'stdout', 'new');
    history.add('g', 'stdout', 'not mine');
    abort.abort();
    await done;
    history.add('f', 'stdout', 'after');
    expect(seen).toEqual(['old', 'new']);
  });
});
