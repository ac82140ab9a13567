import { createServer } from 'node:net';
import { request } from 'node:https';
import { get } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ManagedProcess } from './managed-process.js';

/** A port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port from the kernel');
  return address.port;
}

/**
 * Polls until `check` resolves true. Fails at once, with the log's tail, when
 * the process it waits for has died; fails with `what` after `deadlineMs`.
 */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  opts: { process?: ManagedProcess; deadlineMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + (opts.deadlineMs ?? 120_000);
  let last: unknown;
  for (;;) {
    opts.process?.assertRunning();
    try {
      if (await check()) return;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const tail = opts.process ? `\nlog ${opts.process.logPath}:\n${opts.process.tail()}` : '';
      throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}${tail}`);
    }
    await sleep(200);
  }
}

/** True when GET url answers 200; TLS trust comes from `tls`. */
export function httpOk(
  url: string,
  tls: { ca?: Buffer; cert?: Buffer; key?: Buffer; insecure?: boolean } = {},
): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const done = (res: import('node:http').IncomingMessage): void => {
      res.resume();
      resolve(res.statusCode === 200);
    };
    const req = url.startsWith('https:')
      ? request(url, { ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: !tls.insecure }, done)
      : get(url, done);
    req.setTimeout(2_000, () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}
