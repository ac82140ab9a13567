import { appendFileSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A run killed outright (SIGKILL, OOM) cannot clean up after itself. Each
 * cluster's work dir names its owner and its process groups, so the next
 * start can stop what a dead owner left running.
 */
export const WORK_DIR_PREFIX = 'poorman-faas-cluster-';

export function recordOwner(workDir: string): void {
  writeFileSync(join(workDir, 'owner'), String(process.pid));
}

export function recordProcessGroup(workDir: string, pid: number): void {
  appendFileSync(join(workDir, 'pids'), `${pid}\n`);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readPids(file: string): number[] {
  try {
    return readFileSync(file, 'utf8').split('\n').map(Number).filter((pid) => Number.isInteger(pid) && pid > 0);
  } catch {
    return [];
  }
}

/** Only a process still running one of our cached binaries is ours to kill; pids get reused. */
function runsClusterBinary(pid: number): boolean {
  try {
    return readlinkSync(`/proc/${pid}/exe`).includes('/poorman-faas/cluster/');
  } catch {
    return false;
  }
}

export function reapStaleClusters(): void {
  const root = tmpdir();
  for (const entry of readdirSync(root)) {
    if (!entry.startsWith(WORK_DIR_PREFIX)) continue;
    const dir = join(root, entry);
    const [owner] = readPids(join(dir, 'owner'));
    if (owner === undefined || isAlive(owner)) continue;
    for (const pid of readPids(join(dir, 'pids'))) {
      if (!runsClusterBinary(pid)) continue;
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
