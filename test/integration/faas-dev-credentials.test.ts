/**
 * `faas dev` leaves its admin credentials where only the user can read them, and the CLI on the
 * same machine finds them: `faas list` works without copying the generated password, and a wrong
 * one is called a wrong password, with what to do.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FUNCTIONS = fileURLToPath(new URL('../fixtures/gateway-local', import.meta.url));

const runtime = mkdtempSync(join(tmpdir(), 'faas-runtime-'));
const { FAAS_ADMIN_PASSWORD: _password, FAAS_ADMIN_PASSWORD_FILE: _file, ...inherited } = process.env;
const env = { ...inherited, XDG_RUNTIME_DIR: runtime, LOG_LEVEL: 'warn' };

function faas(args: string[], extra: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['bin/faas.js', ...args], { cwd: ROOT, env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

let dev: ReturnType<typeof spawn>;
let exited: Promise<number | null>;
let url: string;
let printed: string;

beforeAll(async () => {
  dev = spawn(process.execPath, ['bin/faas.js', 'dev', '--port', '0', '--functions', FUNCTIONS], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  exited = new Promise((resolve) => dev.once('exit', (code) => resolve(code)));
  const lines: string[] = [];
  [url, printed] = await new Promise<[string, string]>((resolve, reject) => {
    dev.once('exit', (code) => reject(new Error(`faas dev exited with ${code} before printing its password:\n${lines.join('\n')}`)));
    let listening: string | undefined;
    createInterface({ input: dev.stderr! }).on('line', (line) => {
      lines.push(line);
      listening ??= /gateway listening on (http:\/\/\S+)/.exec(line)?.[1];
      const password = /admin API: user admin, password (\S+)/.exec(line)?.[1];
      if (listening && password) resolve([listening, password]);
    });
  });
});
afterAll(async () => {
  dev?.kill('SIGTERM');
  await exited;
  rmSync(runtime, { recursive: true, force: true });
});

describe('faas dev credentials for the local CLI', () => {
  it('writes them into a folder and a file only the user can read', () => {
    const dir = join(runtime, 'poorman-faas');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(statSync(join(dir, files[0]!)).mode & 0o777).toBe(0o600);
  });

  it('lets faas list work with no password given', async () => {
    const listed = await faas(['list', '--gateway', url, '-o', 'json']);
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as { name: string }[]).map((f) => f.name)).toContain('held');
    expect((await faas(['list', '--gateway', url.replace('127.0.0.1', 'localhost'), '-o', 'json'])).code).toBe(0);
  });

  it('takes a given password over the file, and calls a refused one a wrong password, saying what to do', async () => {
    expect((await faas(['list', '--gateway', url, '--password', printed])).code).toBe(0);
    const wrong = await faas(['list', '--gateway', url, '--password', 'not-it']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('wrong password for user "admin"');
    expect(wrong.stderr).toContain('--password or FAAS_ADMIN_PASSWORD');
  });


  it('removes the file when faas dev exits', async () => {
    dev.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(join(runtime, 'poorman-faas')) && readdirSync(join(runtime, 'poorman-faas'))).toEqual([]);
  });
});
