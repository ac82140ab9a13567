/** A LocalBackend over a copy of a fixtures folder, with helpers that wait on its events. */
import { cpSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import type { StartFailure } from '../../gateway/backends/backend.js';
import { LocalBackend, type LocalBackendOptions } from '../../gateway/backends/local/index.js';

export function fixtureDir(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
}

export interface Harness {
  readonly backend: LocalBackend;
  /** The copy the backend serves; tests may edit it. */
  readonly dir: string;
  /** Resolves at the first log record (function output included) that `match` accepts. */
  logged(match: (record: LogRecord) => boolean): Promise<LogRecord>;
  close(): Promise<void>;
}

export interface LogRecord {
  readonly msg?: string;
  readonly function?: string;
  readonly stream?: string;
  /** The warm pool (its environment) a pool process logs for. */
  readonly pool?: string;
}

/**
 * Serves `fixtures/<name>`; with `copy`, a fresh copy of it in `test/.work/` that the test may
 * edit. uv keys script environments by path, so the copy always has the same path: its
 * environments are reused across tests and runs instead of piling up in uv's cache.
 */
export async function startLocalBackend(fixture: string, options: Partial<LocalBackendOptions> = {}, copy = false): Promise<Harness> {
  const root = copy ? fileURLToPath(new URL(`../.work/${fixture}`, import.meta.url)) : undefined;
  const dir = root ? join(root, 'functions') : fixtureDir(fixture);
  if (root) {
    rmSync(root, { recursive: true, force: true });
    cpSync(fixtureDir(fixture), dir, { recursive: true });
  }
  const watchers = new Set<(record: LogRecord) => void>();
  const sink = { write: (line: string) => watchers.forEach((watch) => watch(JSON.parse(line) as LogRecord)) };
  const backend = new LocalBackend({ functionsDir: dir, logger: pino({ level: 'info' }, sink), ...options });
  await backend.start();
  return {
    backend,
    dir,
    logged: (match) =>
      new Promise((resolve) => {
        const watch = (record: LogRecord) => {
          if (!match(record)) return;
          watchers.delete(watch);
          resolve(record);
        };
        watchers.add(watch);
      }),
    async close() {
      await backend.stop();
      if (root) rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The first ready endpoint of `name`; rejects with the StartFailure if its start fails. */
export function readyEndpoint(backend: LocalBackend, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const endpoint = backend.readyEndpoints(name)[0];
      if (endpoint === undefined) return;
      offEndpoints();
      offFailure();
      resolve(endpoint);
    };
    const offEndpoints = backend.onEndpointsChanged((changed) => changed === name && check());
    const offFailure = backend.onStartFailed((failure) => {
      if (failure.function !== name) return;
      offEndpoints();
      offFailure();
      reject(Object.assign(new Error(`${name} failed to start: ${failure.reason}\n${failure.logTail}`), { failure }));
    });
    check();
  });
}

/** The next start failure of `name`. */
export function nextStartFailure(backend: LocalBackend, name: string): Promise<StartFailure> {
  return new Promise((resolve) => {
    const off = backend.onStartFailed((failure) => {
      if (failure.function !== name) return;
      off();
      resolve(failure);
    });
  });
}

/** Scales `name` to one instance and returns its endpoint once ready. */
export async function wake(backend: LocalBackend, name: string): Promise<string> {
  const ready = readyEndpoint(backend, name);
  await backend.scale(name, 1);
  return ready;
}

/** Resolves once `name` has no ready endpoint (e.g. after an instance died). */
export function noEndpoints(backend: LocalBackend, name: string): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (backend.readyEndpoints(name).length > 0) return;
      off();
      resolve();
    };
    const off = backend.onEndpointsChanged((changed) => changed === name && check());
    check();
  });
}

/**
 * Processes of a process group that are still alive. Zombies are left out: a container's
 * init may never reap orphans, yet a zombie runs no code and holds no port.
 */
export function livingGroupMembers(pgid: number): number[] {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return [];
    throw error;
  }
  return readdirSync('/proc').flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    try {
      // Fields after the command (which may hold spaces) start after its closing parenthesis.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(pgrp) === pgid && state !== 'Z' ? [Number(entry)] : [];
    } catch {
      return [];
    }
  });
}

/**
 * SIGKILL is delivered a moment after it is sent: waits for a stopped group's members to be gone,
 * then returns any still alive (none, unless something survived the kill).
 */
export async function survivorsOf(pgid: number, withinMs = 5000): Promise<number[]> {
  const deadline = Date.now() + withinMs;
  let left = livingGroupMembers(pgid);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    left = livingGroupMembers(pgid);
  }
  return left;
}
