import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixtureDir, livingGroupMembers } from '../support/local-backend-harness.js';

describe('a gateway that dies without stopping its backend', () => {
  it('leaves no function process behind: the instance notices its parent is gone and stops', async () => {
    // Given a gateway process (SIGKILL gives it no chance to clean up) with one awake function.
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../support/local-backend-child.ts', import.meta.url)), fixtureDir('functions-lifecycle'), 'with-child'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
    const pgid = Number(/^pgid (\d+)$/.exec(line)?.[1]);
    expect(livingGroupMembers(pgid).length).toBeGreaterThanOrEqual(2);

    // When the gateway is killed outright,
    child.kill('SIGKILL');
    await once(child, 'exit');

    // then the function's whole process group goes away on its own (or the test times out).
    while (livingGroupMembers(pgid).length > 0) await sleep(50);
  });
});
