import { execFile, execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { onExit } from './exit-cleanup.js';
import { isAlive } from './stale-clusters.js';

const run = promisify(execFile);

/**
 * A test host: a network namespace joined to the root namespace by a veth
 * pair, with a private /30. Fake pods get its address, and the real process
 * behind them runs inside it, so the traffic of a test only ever reaches a
 * namespace the test made.
 */
export interface TestHost {
  /** The address inside the namespace, reachable from the root namespace. */
  readonly ip: string;
  /** The root namespace's end of the link. */
  readonly gatewayIp: string;
  readonly netns: string;
  /** Spawns a process inside the namespace; it is killed by destroy(). */
  exec(command: string, args: readonly string[], options?: SpawnOptions): ChildProcess;
  /** Kills everything inside and removes the namespace and its link. */
  destroy(): Promise<void>;
}

// 10.213.0.0/16 is split into /30s; a slot is claimed by creating its owner
// file exclusively, so concurrent test runs on one machine never share one.
const SLOTS = 256;
const claims = join(tmpdir(), 'poorman-faas-netns');

function slotNames(slot: number) {
  const base = slot * 4;
  const prefix = `10.213.${base >> 8}.`;
  return {
    netns: `pfaas-${slot}`,
    hostLink: `pfaas${slot}h`,
    innerLink: `pfaas${slot}n`,
    gatewayIp: `${prefix}${(base & 255) + 1}`,
    ip: `${prefix}${(base & 255) + 2}`,
    owner: join(claims, `${slot}.owner`),
  };
}

function quietSync(args: string[]): string {
  try {
    return execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'ignore'], encoding: 'utf8' });
  } catch {
    return '';
  }
}

/** Removes a slot's processes, namespace and link; safe to call twice. */
function clearSync(slot: number): void {
  const names = slotNames(slot);
  for (const pid of quietSync(['netns', 'pids', names.netns]).split(/\s+/).filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  quietSync(['link', 'del', names.hostLink]);
  quietSync(['netns', 'del', names.netns]);
}

function teardownSync(slot: number): void {
  clearSync(slot);
  try {
    unlinkSync(slotNames(slot).owner);
  } catch {
    // Never claimed or already released.
  }
}

function ownerOf(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function claimSlot(): number {
  mkdirSync(claims, { recursive: true });
  for (let slot = 0; slot < SLOTS; slot++) {
    const { owner } = slotNames(slot);
    try {
      writeFileSync(owner, String(process.pid), { flag: 'wx' });
      return slot;
    } catch {
      // A run that died without cleaning up leaves its slot behind.
      const pid = ownerOf(owner);
      if (pid !== undefined && !isAlive(pid)) {
        teardownSync(slot);
        slot--;
      }
    }
  }
  throw new Error(`all ${SLOTS} test-host slots under ${claims} are in use`);
}

async function ip(args: string[]): Promise<void> {
  try {
    await run('ip', args);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    throw new Error(`ip ${args.join(' ')} failed: ${stderr.trim()} (test hosts need root or CAP_NET_ADMIN)`);
  }
}

/** Creates a test host; `label` only names it in messages. */
export async function createTestHost(label: string): Promise<TestHost> {
  const slot = claimSlot();
  const names = slotNames(slot);
  const unregister = onExit(() => teardownSync(slot));
  try {
    clearSync(slot);
    await ip(['netns', 'add', names.netns]);
    await ip(['link', 'add', names.hostLink, 'type', 'veth', 'peer', 'name', names.innerLink]);
    await ip(['link', 'set', names.innerLink, 'netns', names.netns]);
    await ip(['addr', 'add', `${names.gatewayIp}/30`, 'dev', names.hostLink]);
    await ip(['link', 'set', names.hostLink, 'up']);
    await ip(['-n', names.netns, 'addr', 'add', `${names.ip}/30`, 'dev', names.innerLink]);
    await ip(['-n', names.netns, 'link', 'set', names.innerLink, 'up']);
    await ip(['-n', names.netns, 'link', 'set', 'lo', 'up']);
  } catch (error) {
    teardownSync(slot);
    unregister();
    throw new Error(`creating test host ${label}: ${(error as Error).message}`);
  }
  let destroyed = false;
  return {
    ip: names.ip,
    gatewayIp: names.gatewayIp,
    netns: names.netns,
    exec(command, args, options = {}) {
      if (destroyed) throw new Error(`test host ${label} is destroyed`);
      return spawn('ip', ['netns', 'exec', names.netns, command, ...args], options);
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      teardownSync(slot);
      unregister();
    },
  };
}
