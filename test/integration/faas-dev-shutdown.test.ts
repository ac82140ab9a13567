/**
 * `faas dev` as a user runs it, in its own process: SIGTERM drains the call in flight, then stops
 * every function process it started.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { call } from '../support/test-gateway.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FUNCTIONS = fileURLToPath(new URL('../fixtures/gateway-local', import.meta.url));

/** Pids of live processes whose command line mentions `needle`. */
function processesMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const state = /^State:\s+(\w)/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1];
      if (cmdline.includes(needle) && state !== 'Z') pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

describe('faas dev', () => {
  it('drains an in-flight call on SIGTERM and leaves no function process behind', async () => {
    // Given `faas dev` on a free port
    const dev = spawn(process.execPath, ['bin/faas.js', 'dev', '--port', '0', '--functions', FUNCTIONS], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FAAS_ADMIN_PASSWORD: 'test-password', LOG_LEVEL: 'info' },
    });
    const exited = new Promise<number | null>((resolve) => dev.once('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      dev.once('exit', (code) => reject(new Error(`faas dev exited with ${code} before listening`)));
      createInterface({ input: dev.stderr! }).on('line', (line) => {
        const match = /gateway listening on (http:\/\/\S+)/.exec(line);
        if (match) resolve(match[1]!);
      });
    });
    const ready = new Promise<number>((resolve) => {
      createInterface({ input: dev.stdout! }).on('line', (line) => {
        const entry = JSON.parse(line) as { function?: string; msg?: string; pid?: number };
        if (entry.function === 'held' && entry.msg === 'ready' && entry.pid) resolve(entry.pid);
      });
    });

    // When a 3-second call is in flight and the gateway gets SIGTERM
    const inFlight = call(`${url}/function/held`);
    const functionPid = await ready;
    dev.kill('SIGTERM');

    // Then the call still gets its answer, faas dev exits cleanly, and no function process is left
    expect(await inFlight).toMatchObject({ status: 200, text: 'held' });
    expect(await exited).toBe(0);
    expect(() => process.kill(functionPid, 0)).toThrow();
    expect(processesMentioning(FUNCTIONS)).toEqual([]);
  });
});
