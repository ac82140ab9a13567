/**
 * What a real node changes on the machine, recorded before it changes it, and undone by a
 * synchronous sweep: from stop(), from the exit hooks, and from the next start after a run that
 * was killed outright. The kubelet and the bridge plugin set VM-wide sysctls and create fixed
 * paths; everything else (state, sockets, volumes, logs) lives in the node's work dir.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Sysctls the kubelet (`vm.*`, `kernel.*`) and the bridge plugin (`ip_forward`) write. */
const SYSCTLS = ['vm/overcommit_memory', 'kernel/panic', 'kernel/panic_on_oops', 'net/ipv4/ip_forward'];
/** Paths the kubelet, containerd and the CNI plugins create outside the dirs they are given. */
const FIXED_PATHS = ['/var/lib/kubelet', '/var/log/containers', '/var/log/pods', '/var/lib/cni', '/run/containerd', '/run/netns', '/etc/cni', '/opt/cni'];
const CGROUP_ROOT = '/sys/fs/cgroup';

/** What one node did to the machine; written to `<workDir>/sweep.json` before the node starts. */
export interface SweepRecord {
  readonly workDir: string;
  /** The node's binaries; a process running one of them with the work dir in its arguments is ours. */
  readonly binDir: string;
  readonly sysctls: Record<string, string>;
  readonly createdPaths: string[];
  /** The kubelet's cgroup root, e.g. `/poorman-faas-node-123`, under every v1 hierarchy. */
  readonly cgroupRoot: string;
  /** Links the node adds: the CNI bridge. */
  readonly links: string[];
  /** `<address>/<prefix> dev <link>` the node adds to an existing link. */
  readonly addresses: { address: string; dev: string }[];
}

export function recordMachineState(record: Omit<SweepRecord, 'sysctls' | 'createdPaths'>): SweepRecord {
  const sysctls = Object.fromEntries(SYSCTLS.map((key) => [key, readFileSync(`/proc/sys/${key}`, 'utf8').trim()]));
  const full: SweepRecord = { ...record, sysctls, createdPaths: FIXED_PATHS.filter((p) => !existsSync(p)) };
  writeFileSync(join(record.workDir, 'sweep.json'), JSON.stringify(full, null, 2));
  return full;
}

export function readSweepRecord(workDir: string): SweepRecord | undefined {
  try {
    return JSON.parse(readFileSync(join(workDir, 'sweep.json'), 'utf8')) as SweepRecord;
  } catch {
    return undefined;
  }
}

/** Undoes everything in the record; each step goes on when another fails. Synchronous, for exit hooks. */
export function sweep(record: SweepRecord): void {
  const steps = [
    () => killNodeProcesses(record),
    () => killCgroup(record.cgroupRoot),
    () => unmountUnder([record.workDir, ...record.createdPaths]),
    () => removeCgroup(record.cgroupRoot),
    () => record.links.forEach((link) => quiet('ip', ['link', 'del', link])),
    () => record.addresses.forEach(({ address, dev }) => quiet('ip', ['addr', 'del', address, 'dev', dev])),
    () => record.createdPaths.forEach((p) => rmSync(p, { recursive: true, force: true })),
    () => Object.entries(record.sysctls).forEach(([key, value]) => writeFileSync(`/proc/sys/${key}`, value)),
  ];
  for (const step of steps) {
    try {
      step();
    } catch {
      // The other steps must still run.
    }
  }
}

function quiet(command: string, args: string[]): void {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
  } catch {
    // Already gone.
  }
}

function pids(): number[] {
  return readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number);
}

/** containerd, the kubelet and the shims (which leave containerd's process group by design). */
function killNodeProcesses(record: SweepRecord): void {
  for (const pid of pids()) {
    try {
      if (!readlinkSync(`/proc/${pid}/exe`).startsWith(record.binDir)) continue;
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(record.workDir)) continue;
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone meanwhile.
    }
  }
}

function hierarchies(): string[] {
  return readdirSync(CGROUP_ROOT).map((c) => join(CGROUP_ROOT, c));
}

function cgroupDirs(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    out.push(dir);
    for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) walk(join(dir, e.name));
  };
  walk(root);
  return out;
}

/** Every process left in the pods' cgroups: the containers themselves. */
function killCgroup(cgroupRoot: string): void {
  for (const h of hierarchies()) {
    for (const dir of cgroupDirs(join(h, cgroupRoot))) {
      const procs = existsSync(join(dir, 'cgroup.procs')) ? readFileSync(join(dir, 'cgroup.procs'), 'utf8') : '';
      for (const pid of procs.split('\n').filter(Boolean).map(Number)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Gone meanwhile.
        }
      }
    }
  }
}

function removeCgroup(cgroupRoot: string): void {
  for (const h of hierarchies()) {
    // Deepest first; a cgroup whose last process is still exiting refuses once, so try again.
    for (let attempt = 0; attempt < 20; attempt++) {
      const dirs = cgroupDirs(join(h, cgroupRoot)).reverse();
      if (dirs.length === 0) break;
      for (const d of dirs) {
        try {
          rmdirSync(d);
        } catch {
          // Busy; the next attempt.
        }
      }
      if (existsSync(join(h, cgroupRoot))) execFileSync('sleep', ['0.1']);
    }
  }
}

/** Volumes, overlay roots, network namespaces and shm mounts under the node's paths, deepest first. */
function unmountUnder(roots: string[]): void {
  const points = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => p !== undefined && roots.some((r) => p === r || p.startsWith(`${r}/`)))
    .map((p) => p.replace(/\\040/g, ' '))
    .sort((a, b) => b.length - a.length);
  for (const p of points) quiet('umount', ['-l', p]);
}
