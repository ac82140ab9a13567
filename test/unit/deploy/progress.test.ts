import { describe, expect, it } from 'vitest';
import { createProgress } from '../../../infra/cli/progress.js';

function stream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, write: (text: string) => writes.push(text) } as unknown as NodeJS.WriteStream };
}

describe('createProgress', () => {
  it('writes plain lines, each step once, where the output is a log', () => {
    const { writes, stream: out } = stream(false);
    const progress = createProgress(out);
    progress.update('waiting for the gateway: 0 of 1 replicas updated');
    progress.update('waiting for the gateway: 0 of 1 replicas updated');
    progress.log('Deployment faas/echo created');
    progress.stop();
    expect(writes).toEqual(['waiting for the gateway: 0 of 1 replicas updated\n', 'Deployment faas/echo created\n']);
  });

  it('redraws one line in place on a terminal and clears it at the end', () => {
    const { writes, stream: out } = stream(true);
    const progress = createProgress(out);
    progress.update('applied 1/20 objects');
    progress.log('Namespace faas created');
    progress.stop();
    expect(writes[0]).toMatch(/^\r\x1b\[K. applied 1\/20 objects$/);
    expect(writes).toContain('Namespace faas created\n');
    expect(writes.at(-1)).toBe('\r\x1b[K');
  });

  it('writes nothing when quiet (-o json)', () => {
    const { writes, stream: out } = stream(true);
    const progress = createProgress(out, true);
    progress.update('x');
    progress.log('y');
    progress.stop();
    expect(writes).toEqual([]);
  });
});
