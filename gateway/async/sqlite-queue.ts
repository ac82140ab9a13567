/**
 * The local (`faas dev`) async queue: one SQLite file in the state folder, through Node's own
 * `node:sqlite` (no native addon to build or bundle). WAL with synchronous=FULL: `enqueue`
 * returns only after the row is on disk, so a killed gateway loses nothing it answered 202 for.
 * One gateway owns the file, so leases left by a previous process are released at open.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { DuplicateCallId, QueueUnavailable, type AsyncCall, type AsyncQueue, type DeadLetter, type Delivery, type QueueDepth } from './queue.js';

interface Meta {
  readonly method: string;
  readonly path: string;
  readonly headers: readonly string[];
  readonly callbackUrl?: string;
}

export interface SqliteQueueOptions {
  readonly file: string;
  /** Calls waiting at most; enqueue past it is refused (503). 0: no bound. */
  readonly maxQueued: number;
}

export async function openSqliteQueue(options: SqliteQueueOptions): Promise<AsyncQueue> {
  // Loaded on use: node:sqlite exists from Node 22.13; a gateway without async calls runs without it.
  const { DatabaseSync } = await import('node:sqlite');
  mkdirSync(dirname(options.file), { recursive: true });
  const db = new DatabaseSync(options.file);
  db.exec(`
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = FULL;
    CREATE TABLE IF NOT EXISTS calls (
      id TEXT PRIMARY KEY, fn TEXT NOT NULL, meta TEXT NOT NULL, body BLOB NOT NULL,
      accepted_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
      due_at INTEGER NOT NULL, leased_until INTEGER NOT NULL DEFAULT 0);
    CREATE INDEX IF NOT EXISTS calls_due ON calls (fn, due_at);
    CREATE TABLE IF NOT EXISTS dead_letters (
      id TEXT PRIMARY KEY, fn TEXT NOT NULL, meta TEXT NOT NULL, body BLOB NOT NULL,
      accepted_at INTEGER NOT NULL, attempts INTEGER NOT NULL, reason TEXT NOT NULL, dead_at INTEGER NOT NULL);
    UPDATE calls SET leased_until = 0;
  `);
  return new SqliteQueue(db, options.maxQueued);
}

type Row = Record<string, unknown>;

function callOf(row: Row): AsyncCall {
  const meta = JSON.parse(row.meta as string) as Meta;
  return {
    id: row.id as string,
    function: row.fn as string,
    method: meta.method,
    path: meta.path,
    headers: meta.headers,
    body: Buffer.from(row.body as Uint8Array),
    ...(meta.callbackUrl !== undefined && { callbackUrl: meta.callbackUrl }),
    acceptedAt: Number(row.accepted_at),
  };
}

function deadLetterOf(row: Row): DeadLetter {
  return { call: callOf(row), attempts: Number(row.attempts), reason: row.reason as string, deadAt: Number(row.dead_at) };
}

class SqliteQueue implements AsyncQueue {
  private readonly insert: StatementSync;
  private readonly count: StatementSync;
  private readonly dueFunctions: StatementSync;
  private readonly due: StatementSync;
  private readonly lease: StatementSync;
  private readonly remove: StatementSync;
  private readonly delay: StatementSync;
  private readonly toDead: StatementSync;
  private readonly fromDead: StatementSync;
  private readonly dropDead: StatementSync;
  private readonly oneDead: StatementSync;

  constructor(
    private readonly db: DatabaseSync,
    private readonly maxQueued: number,
  ) {
    this.insert = db.prepare('INSERT INTO calls (id, fn, meta, body, accepted_at, due_at) VALUES (?, ?, ?, ?, ?, ?)');
    this.count = db.prepare('SELECT count(*) AS n FROM calls');
    this.dueFunctions = db.prepare('SELECT DISTINCT fn FROM calls WHERE due_at <= ? AND leased_until <= ?');
    this.due = db.prepare('SELECT * FROM calls WHERE fn = ? AND due_at <= ? AND leased_until <= ? ORDER BY due_at, accepted_at LIMIT ?');
    this.lease = db.prepare('UPDATE calls SET leased_until = ?, attempts = attempts + 1 WHERE id = ?');
    this.remove = db.prepare('DELETE FROM calls WHERE id = ?');
    this.delay = db.prepare('UPDATE calls SET leased_until = 0, due_at = ? WHERE id = ?');
    this.toDead = db.prepare('INSERT OR REPLACE INTO dead_letters SELECT id, fn, meta, body, accepted_at, attempts, ?, ? FROM calls WHERE id = ?');
    this.fromDead = db.prepare('INSERT INTO calls (id, fn, meta, body, accepted_at, due_at) SELECT id, fn, meta, body, accepted_at, ? FROM dead_letters WHERE id = ?');
    this.dropDead = db.prepare('DELETE FROM dead_letters WHERE id = ?');
    this.oneDead = db.prepare('SELECT * FROM dead_letters WHERE id = ?');
  }

  async enqueue(call: AsyncCall): Promise<void> {
    const meta: Meta = { method: call.method, path: call.path, headers: call.headers, ...(call.callbackUrl !== undefined && { callbackUrl: call.callbackUrl }) };
    let full = false;
    try {
      full = this.maxQueued > 0 && Number(this.count.get()!.n) >= this.maxQueued;
      if (!full) this.insert.run(call.id, call.function, JSON.stringify(meta), call.body, call.acceptedAt, call.acceptedAt);
    } catch (error) {
      const message = (error as Error).message;
      if (/UNIQUE/.test(message)) throw new DuplicateCallId(call.id);
      throw new QueueUnavailable(`the async queue could not store the call: ${message}`, 5);
    }
    if (full) throw new QueueUnavailable(`the async queue holds ${this.maxQueued} calls, its limit (ASYNC_MAX_QUEUED): try again later`, 5, true);
  }

  async claim(room: (fn: string) => number, leaseMs: number, deliver: (delivery: Delivery) => void): Promise<void> {
    const now = Date.now();
    for (const { fn } of this.dueFunctions.all(now, now)) {
      const free = room(fn as string);
      if (free <= 0) continue;
      for (const row of this.due.all(fn as string, now, now, free)) {
        this.lease.run(now + leaseMs, row.id as string);
        deliver({ call: callOf(row), attempt: Number(row.attempts) + 1 });
      }
    }
  }

  async ack(id: string): Promise<void> {
    this.remove.run(id);
  }

  async retry(id: string, delayMs: number): Promise<void> {
    this.delay.run(Date.now() + delayMs, id);
  }

  async deadLetter(id: string, reason: string): Promise<void> {
    this.db.exec('BEGIN');
    this.toDead.run(reason, Date.now(), id);
    this.remove.run(id);
    this.db.exec('COMMIT');
  }

  async deadLetters(): Promise<DeadLetter[]> {
    return this.db.prepare('SELECT * FROM dead_letters ORDER BY dead_at').all().map(deadLetterOf);
  }

  async deadLetterOf(id: string): Promise<DeadLetter | undefined> {
    const row = this.oneDead.get(id);
    return row ? deadLetterOf(row) : undefined;
  }

  async replay(id: string): Promise<boolean> {
    this.db.exec('BEGIN');
    try {
      const moved = Number(this.fromDead.run(Date.now(), id).changes) > 0;
      if (moved) this.dropDead.run(id);
      this.db.exec('COMMIT');
      return moved;
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  async drop(id: string): Promise<boolean> {
    return Number(this.dropDead.run(id).changes) > 0;
  }

  async depths(): Promise<QueueDepth[]> {
    const now = Date.now();
    const byFn = new Map<string, { queued: number; inProgress: number; deadLetters: number; oldestAgeMs: number }>();
    const entry = (fn: string) => byFn.get(fn) ?? byFn.set(fn, { queued: 0, inProgress: 0, deadLetters: 0, oldestAgeMs: 0 }).get(fn)!;
    const rows = this.db
      .prepare('SELECT fn, sum(leased_until <= ?) AS queued, sum(leased_until > ?) AS running, min(CASE WHEN leased_until <= ? THEN accepted_at END) AS oldest FROM calls GROUP BY fn')
      .all(now, now, now);
    for (const row of rows) {
      const e = entry(row.fn as string);
      e.queued = Number(row.queued);
      e.inProgress = Number(row.running);
      e.oldestAgeMs = row.oldest === null ? 0 : now - Number(row.oldest);
    }
    for (const row of this.db.prepare('SELECT fn, count(*) AS n FROM dead_letters GROUP BY fn').all()) entry(row.fn as string).deadLetters = Number(row.n);
    return [...byFn].map(([fn, e]) => ({ function: fn, ...e })).sort((a, b) => a.function.localeCompare(b.function));
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
