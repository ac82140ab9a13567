/** The SQLite queue on a real file: what was accepted survives the process that accepted it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { QueueUnavailable, type AsyncCall } from '../../../../gateway/async/queue.js';
import { claimAll } from '../../../support/claim-all.js';
import { openSqliteQueue } from '../../../../gateway/async/sqlite-queue.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const file = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'faas-queue-'));
  dirs.push(dir);
  return join(dir, 'q.sqlite');
};
const call = (id: string, fn = 'hello'): AsyncCall => ({ id, function: fn, method: 'POST', path: '/', headers: ['a', 'b'], body: Buffer.from(id), acceptedAt: Date.now() });

describe('SQLite async queue', () => {
  it('gives a leased, unacknowledged call back after a reopen, its attempt counted', async () => {
    const path = file();
    const first = await openSqliteQueue({ file: path, maxQueued: 0 });
    await first.enqueue(call('one'));
    expect((await claimAll(first, () => 10)).map((d) => d.attempt)).toEqual([1]);
    expect(await claimAll(first, () => 10)).toEqual([]);
    await first.close();

    const second = await openSqliteQueue({ file: path, maxQueued: 0 });
    const again = await claimAll(second, () => 10);
    expect(again.map((d) => [d.call.id, d.attempt, d.call.body.toString(), d.call.headers])).toEqual([['one', 2, 'one', ['a', 'b']]]);
    await second.ack('one');
    expect(await second.depths()).toEqual([]);
    await second.close();
  });

  it('hands out at most the room each function has', async () => {
    const queue = await openSqliteQueue({ file: file(), maxQueued: 0 });
    for (const id of ['a1', 'a2', 'a3']) await queue.enqueue(call(id, 'a'));
    await queue.enqueue(call('b1', 'b'));
    const taken = await claimAll(queue, (fn) => (fn === 'a' ? 2 : 0));
    expect(taken.map((d) => d.call.id)).toEqual(['a1', 'a2']);
    expect((await queue.depths()).map((d) => [d.function, d.queued, d.inProgress])).toEqual([['a', 1, 2], ['b', 1, 0]]);
    await queue.close();
  });

  it('refuses past its bound and refuses a reused id still queued', async () => {
    const queue = await openSqliteQueue({ file: file(), maxQueued: 1 });
    await queue.enqueue(call('one'));
    await expect(queue.enqueue(call('two'))).rejects.toBeInstanceOf(QueueUnavailable);
    await queue.close();
    const open = await openSqliteQueue({ file: file(), maxQueued: 0 });
    await open.enqueue(call('same'));
    await expect(open.enqueue(call('same'))).rejects.toThrow('already queued');
    await open.close();
  });

  it('delays a retried call and keeps a dead letter until replayed', async () => {
    const queue = await openSqliteQueue({ file: file(), maxQueued: 0 });
    await queue.enqueue(call('r'));
    await claimAll(queue, () => 1);
    await queue.retry('r', 60_000);
    expect(await claimAll(queue, () => 1)).toEqual([]);
    await queue.deadLetter('r', 'function "hello" was removed while the call was queued');
    expect((await queue.deadLetters()).map((d) => [d.call.id, d.reason])).toEqual([['r', 'function "hello" was removed while the call was queued']]);
    expect(await queue.replay('r')).toBe(true);
    expect((await claimAll(queue, () => 1)).map((d) => d.call.id)).toEqual(['r']);
    expect(await queue.replay('r')).toBe(false);
    await queue.close();
  });
});
