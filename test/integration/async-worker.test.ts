/**
 * The async worker on its own: a real SQLite queue in a temp folder and a real HTTP server on
 * 127.0.0.1 standing in for the gateway's `/function/` route.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { AsyncWorker } from '../../gateway/async/async-worker.js';
import type { AsyncCall, AsyncQueue } from '../../gateway/async/queue.js';
import { openSqliteQueue } from '../../gateway/async/sqlite-queue.js';
import { claimAll } from '../support/claim-all.js';
import { definition } from '../support/http-server-backend.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const call = (id: string, acceptedAt: number): AsyncCall => ({ id, function: 'fn', method: 'POST', path: '/', headers: [], body: Buffer.from(id), acceptedAt });

async function settled(queue: AsyncQueue): Promise<void> {
  while ((await queue.depths()).some((d) => d.queued + d.inProgress > 0)) await new Promise((resolve) => setTimeout(resolve, 20));
}

it('runs a first attempt claimed right behind a retry once the retry, run alone, is done', async () => {
  const store = mkdtempSync(join(tmpdir(), 'faas-async-worker-'));
  cleanups.push(() => rmSync(store, { recursive: true, force: true }));
  const queue = await openSqliteQueue({ file: join(store, 'async.sqlite'), maxQueued: 0 });
  cleanups.push(() => queue.close());
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push(Buffer.concat(chunks).toString());
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));

  // Given a call on its second attempt, due, and a first one queued behind it: one claim takes both
  const now = Date.now();
  await queue.enqueue(call('retried', now - 2000));
  await claimAll(queue, () => 1);
  await queue.retry('retried', -1000);
  await queue.enqueue(call('fresh', now - 500));

  // When the worker takes them
  const worker = new AsyncWorker({
    queue,
    functions: () => new Map([['fn', definition('fn')]]),
    gatewayUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    logger: pino({ level: 'silent' }),
    token: 't',
    maxResultBytes: 0,
  });
  worker.start();
  cleanups.push(() => worker.stop(1000));

  // Then the retry runs first, alone, and the fresh call after it, both acknowledged
  await settled(queue);
  expect(seen).toEqual(['retried', 'fresh']);
});
