import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const setupScript = fileURLToPath(new URL('./setup', import.meta.url));

/**
 * Runs test/cluster/setup (instant when the binaries are cached, minutes when
 * they must be built) and returns the directory holding them.
 */
export async function ensureBinaries(): Promise<string> {
  try {
    const { stdout } = await run(setupScript, [], { maxBuffer: 64 * 1024 * 1024 });
    const bin = stdout.trim().split('\n').at(-1);
    if (!bin) throw new Error('setup printed no bin dir');
    return bin;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`test/cluster/setup failed: ${String(error)}\n${stderr.split('\n').slice(-30).join('\n')}`);
  }
}
