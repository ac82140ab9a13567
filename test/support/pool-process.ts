/**
 * A warm pool pod's real process, for the tiers that play a pod: the bootstrap in pool mode, run by the
 * Python uv finds, listening on 127.0.0.1 (port 0) as a pod does on its IP. The pod object the
 * gateway claims is written to the API server with that address, as a kubelet would report it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const bootstrap = fileURLToPath(new URL('../../gateway/bootstrap/bootstrap.py', import.meta.url));

export interface PoolProcess {
  readonly port: number;
  readonly child: ChildProcess;
  readonly stderr: string[];
  readonly exited: Promise<number | null>;
  stop(): void;
}

/** Starts `bootstrap.py --pool` as pod `podName` with the secret in `secretFile`; resolves once it listens. */
export async function startPoolProcess(podName: string, secretFile: string, workDir: string): Promise<PoolProcess> {
  const python = execFileSync(process.env.UV ?? 'uv', ['python', 'find'], { encoding: 'utf8' }).trim();
  const child = spawn(python, [bootstrap, '--pool'], {
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: '0', POD_NAME: podName, FAAS_POOL_SECRET_FILE: secretFile, FAAS_SCRIPT_DIR: join(workDir, podName) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const stderr: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stderr! }).on('line', (line) => {
      stderr.push(line);
      const match = /waiting for a specialization on 127\.0\.0\.1:(\d+)/.exec(line);
      if (match) resolve(Number(match[1]));
    });
    void exited.then((code) => reject(new Error(`the pool process exited with ${code}: ${stderr.join('\n')}`)));
  });
  return { port, child, stderr, exited, stop: () => child.kill('SIGKILL') };
}
