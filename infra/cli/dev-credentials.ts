/**
 * How the CLI finds a running `faas dev`'s admin credentials without the user copying them, as
 * notebook servers do: `faas dev` writes one file per gateway, readable only by the user, into a
 * runtime folder (`$XDG_RUNTIME_DIR/poorman-faas`, else `~/.local/state/poorman-faas/run`), and
 * removes it on exit. A file left by a killed gateway names a pid that is gone and is ignored.
 */
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface DevCredentials {
  readonly url: string;
  readonly user: string;
  readonly password: string;
  readonly pid: number;
}

export function devCredentialsDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const runtime = env.XDG_RUNTIME_DIR;
  return runtime ? join(runtime, 'poorman-faas') : join(env.HOME ?? homedir(), '.local', 'state', 'poorman-faas', 'run');
}

/** Writes this gateway's file (mode 0600 in a 0700 folder) and returns its path. */
export function writeDevCredentials(credentials: Omit<DevCredentials, 'pid'>, dir = devCredentialsDir()): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const file = join(dir, `gateway-${new URL(credentials.url).port || '80'}-${process.pid}.json`);
  // Created 0600 before the password is in it, so no other user can ever read it.
  writeFileSync(file, '', { mode: 0o600 });
  chmodSync(file, 0o600);
  writeFileSync(file, `${JSON.stringify({ ...credentials, pid: process.pid })}\n`);
  return file;
}

export function removeDevCredentials(file: string): void {
  rmSync(file, { force: true });
}

/** The credentials of the live `faas dev` serving `gatewayUrl`, with the file they came from. */
export function findDevCredentials(gatewayUrl: string, dir = devCredentialsDir()): (DevCredentials & { readonly file: string }) | undefined {
  const wanted = sameGateway(gatewayUrl);
  if (wanted === undefined) return undefined;
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => /^gateway-.*\.json$/.test(name));
  } catch {
    return undefined;
  }
  for (const name of names) {
    const file = join(dir, name);
    let found: DevCredentials;
    try {
      found = JSON.parse(readFileSync(file, 'utf8')) as DevCredentials;
    } catch {
      continue;
    }
    if (sameGateway(found.url) === wanted && alive(found.pid)) return { ...found, file };
  }
  return undefined;
}

/** `localhost`, `127.0.0.1` and a gateway bound to every address are one; the path prefix does not matter. */
function sameGateway(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    const host = ['localhost', '[::1]', '0.0.0.0'].includes(parsed.hostname) ? '127.0.0.1' : parsed.hostname;
    return `${parsed.protocol}//${host}:${parsed.port || (parsed.protocol === 'https:' ? '443' : '80')}`;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
