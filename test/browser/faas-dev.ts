/** `faas dev` in its own process, as a user starts it, over a copy of a functions folder. */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface FaasDev {
  readonly url: string;
  readonly password: string;
  readonly functionsDir: string;
  stop(): Promise<void>;
}

/** @param faas the `faas` command to run: this checkout's by default, or an installed package's. */
export async function startFaasDev(fixture: string, password = 'ui-test-password', faas = join(ROOT, 'bin', 'faas.js')): Promise<FaasDev> {
  const work = mkdtempSync(join(tmpdir(), 'ui-faas-dev-'));
  const functionsDir = join(work, 'functions');
  cpSync(fixture, functionsDir, { recursive: true });
  const child: ChildProcess = spawn(process.execPath, [faas, 'dev', '--port', '0', '--functions', functionsDir], {
    cwd: work,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, FAAS_ADMIN_PASSWORD: password, LOG_LEVEL: 'info' },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`faas dev exited with ${code} before listening`)));
    createInterface({ input: child.stderr! }).on('line', (line) => {
      const match = /gateway listening on (http:\/\/\S+)/.exec(line);
      if (match) resolve(match[1]!);
    });
  });
  return {
    url,
    password,
    functionsDir,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(work, { recursive: true, force: true });
    },
  };
}
