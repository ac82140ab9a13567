/**
 * Starts the gateway bundle the way its image starts it: the Dockerfile's command line,
 * environment and user, from a read-only copy of the folder the runtime stage's COPY fills, on a
 * root filesystem mounted read-only (a private mount namespace) with one tmpfs for writes, as
 * `readOnlyRootFilesystem` plus an emptyDir give the pod. Needs root (unshare, mount, setpriv).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseDockerfile, runtimeOf, type RuntimeSpec } from './dockerfile.js';
import { REPO_ROOT } from './packed-package.js';

const stages = parseDockerfile(readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8'));
export const imageRuntime: RuntimeSpec = runtimeOf(stages.at(-1)!);
const buildWorkdir = stages[0]!.instructions.find((i) => i.name === 'WORKDIR')!.args;

/** The runtime stage's `COPY --from=build <src> <dest>`: the folder in the built tree, and its place in the image. */
export function bundleCopy(): { fromTree: string; to: string } {
  const copy = stages.at(-1)!.instructions.find((i) => i.name === 'COPY')!;
  const words = copy.args.split(/\s+/).filter((word) => !word.startsWith('--'));
  if (!words[0]!.startsWith(`${buildWorkdir}/`)) throw new Error(`COPY ${words[0]} is not under the build stage's WORKDIR ${buildWorkdir}`);
  return { fromTree: words[0]!.slice(buildWorkdir.length + 1), to: words[1]! };
}

export interface ImageProcess {
  readonly process: ChildProcess;
  /** The gateway's address, from its "gateway listening" log line. */
  readonly url: string;
  /** The image's /app on this machine. */
  readonly app: string;
  /** A tmpfs inside the process's namespace, the one writable place. */
  readonly writable: string;
  /** Everything it logged. */
  readonly output: string[];
  stop(): Promise<void>;
}

/**
 * `builtTree` is a built copy of the repository (lib/ and dist/ inside). `env` is laid over the
 * Dockerfile's ENV, `setup` may put files into the temporary folder (readable by the image user)
 * before the start.
 */
export async function startAsImage(
  builtTree: string,
  env: (temp: string, writable: string) => Record<string, string>,
  setup: (temp: string) => Promise<void> = async () => {},
): Promise<ImageProcess> {
  const temp = await mkdtemp(join(tmpdir(), 'faas-image-'));
  await chmod(temp, 0o755);
  const { fromTree, to } = bundleCopy();
  const app = join(temp, to);
  await cp(join(builtTree, fromTree), app, { recursive: true });
  execFileSync('chmod', ['-R', 'a-w', app]);
  const writable = join(temp, 'writable');
  await mkdir(writable);
  await setup(temp);

  const [uid, gid] = imageRuntime.user.split(':');
  const command = imageRuntime.command.map((word, i) =>
    i === 0 && word.endsWith('/node') ? process.execPath : word.startsWith(to) ? join(app, word.slice(to.length)) : word,
  );
  const script = [
    'set -e',
    `mount -t tmpfs -o mode=0755,uid=${uid},gid=${gid},size=512m tmpfs "$FAAS_TEST_WRITABLE"`,
    'mount -o remount,ro,bind /',
    'unset FAAS_TEST_WRITABLE',
    `exec setpriv --reuid=${uid} --regid=${gid} --clear-groups -- "$@"`,
  ].join('\n');
  const child = spawn('unshare', ['--mount', '--propagation', 'private', '--', '/bin/sh', '-c', script, 'sh', ...command], {
    cwd: join(app, imageRuntime.workdir.slice(to.length - 1)),
    // Nothing from this test process leaks in: the image's ENV, then what the caller sets.
    env: { PATH: '/usr/bin:/bin', HOME: '/home/nonroot', ...imageRuntime.env, ...env(temp, writable), FAAS_TEST_WRITABLE: writable },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    execFileSync('chmod', ['-R', 'u+w', temp]);
    await rm(temp, { recursive: true, force: true });
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the gateway exited with ${code}:\n${output.join('\n')}`)));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        output.push(line);
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === 'gateway listening' && entry.url) resolve(entry.url);
      });
    });
    return { process: child, url, app, writable, output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The uid/gid lines of a process's status, to compare with the image's USER. */
export function processIds(pid: number): { uid: string; gid: string } {
  // unshare → sh and setpriv exec away, leaving node as unshare's only child.
  const child = Number(readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0]);
  const status = readFileSync(`/proc/${child > 0 ? child : pid}/status`, 'utf8');
  return { uid: /^Uid:\s+(.*)$/m.exec(status)![1]!.trim(), gid: /^Gid:\s+(.*)$/m.exec(status)![1]!.trim() };
}
