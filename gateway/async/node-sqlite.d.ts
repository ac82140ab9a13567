// The project's @types/node (20.x) predates `node:sqlite` (Node ≥ 22.13); this is the part used here.
declare module 'node:sqlite' {
  type SqlValue = null | number | bigint | string | Uint8Array;
  export class StatementSync {
    run(...params: SqlValue[]): { changes: number | bigint; lastInsertRowid: number | bigint };
    get(...params: SqlValue[]): Record<string, SqlValue> | undefined;
    all(...params: SqlValue[]): Record<string, SqlValue>[];
  }
  export class DatabaseSync {
    constructor(path: string, options?: { open?: boolean; timeout?: number });
    exec(sql: string): void;
    prepare(sql: string): StatementSync;
    close(): void;
  }
}
