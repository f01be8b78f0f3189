import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import {
  type ClaimedTask,
  type ClaimOptions,
  checkLeaseMs,
  checkPendingTask,
  type Lease,
  type PendingTask,
  type PendingTaskInput,
  pendingTaskFromRow,
  type StoredFollowUp,
  storedFollowUp,
  type TaskKey,
  type TaskStore,
  TaskStoreError,
} from '@toolwright/capabilities';
import type { FollowUp, JsonObject } from '@toolwright/core';

/** Options of {@link SqliteTaskStore}. */
export interface SqliteTaskStoreOptions {
  /** The database file (created when missing); `:memory:` for one process only. */
  readonly path: string;
  /** How long a statement waits for another process's write to finish (default 5 000 ms). */
  readonly busyTimeoutMs?: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS toolwright_pending (
  run_id TEXT NOT NULL,
  tool_call_id TEXT NOT NULL,
  tool_name TEXT NOT NULL,
  task_id TEXT NOT NULL,
  reference TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  owner TEXT,
  token INTEGER NOT NULL DEFAULT 0,
  lease_until INTEGER,
  PRIMARY KEY (run_id, tool_call_id)
);
CREATE INDEX IF NOT EXISTS toolwright_pending_free ON toolwright_pending (lease_until, created_at);
CREATE TABLE IF NOT EXISTS toolwright_follow_ups (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL,
  tool_call_id TEXT NOT NULL,
  follow_up TEXT NOT NULL,
  recorded_by TEXT NOT NULL,
  recorded_at INTEGER NOT NULL,
  acknowledged_at INTEGER,
  UNIQUE (run_id, tool_call_id)
);
`;

interface PendingRow {
  run_id: string;
  tool_call_id: string;
  tool_name: string;
  task_id: string;
  reference: string;
  created_at: number;
  owner: string | null;
  token: number;
  lease_until: number | null;
}

/**
 * A {@link TaskStore} in a SQLite file through Node's built-in `node:sqlite` (Node 22.13+): no
 * server, and safe for several processes on one machine. The file runs in WAL mode, and every
 * write is an immediate transaction, so two workers never claim or complete the same task at once.
 * Leases use this machine's clock; for many machines use `@toolwright/store-postgres`.
 */
export class SqliteTaskStore implements TaskStore {
  readonly #db: DatabaseSync;
  readonly #path: string;

  /** Opens (or creates) the database file at once, in WAL mode, and creates the tables when missing; a {@link TaskStoreError} when it cannot. */
  constructor(options: SqliteTaskStoreOptions) {
    this.#path = options.path;
    try {
      this.#db = new DatabaseSync(options.path);
      this.#db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5_000))}`);
      this.#db.exec('PRAGMA journal_mode = WAL');
      this.#db.exec('PRAGMA synchronous = NORMAL');
      this.#write(() => this.#db.exec(SCHEMA));
    } catch (error) {
      throw this.#error('open', error);
    }
  }

  async put(task: PendingTaskInput, lease?: { owner: string; leaseMs: number }): Promise<Lease | undefined> {
    checkPendingTask(task);
    if (lease) checkLeaseMs(lease.leaseMs);
    return this.#write(() => {
      const done = this.#db
        .prepare('SELECT 1 FROM toolwright_follow_ups WHERE run_id = ? AND tool_call_id = ?')
        .get(task.runId, task.toolCallId);
      if (done) return undefined;
      const now = Date.now();
      const inserted = this.#db
        .prepare(
          `INSERT INTO toolwright_pending (run_id, tool_call_id, tool_name, task_id, reference, created_at, owner, token, lease_until)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        )
        .run(
          task.runId,
          task.toolCallId,
          task.toolName,
          task.taskId,
          JSON.stringify(task.reference),
          now,
          lease?.owner ?? null,
          lease ? 1 : 0,
          lease ? now + lease.leaseMs : null,
        );
      return inserted.changes === 1 && lease
        ? { owner: lease.owner, token: 1, expiresAt: now + lease.leaseMs }
        : undefined;
    }, 'put');
  }

  async claim({ owner, leaseMs, limit }: ClaimOptions): Promise<ClaimedTask[]> {
    checkLeaseMs(leaseMs);
    if (limit <= 0) return [];
    return this.#write(() => {
      const now = Date.now();
      const rows = this.#db
        .prepare(
          `UPDATE toolwright_pending SET owner = ?, token = token + 1, lease_until = ?
           WHERE rowid IN (
             SELECT rowid FROM toolwright_pending WHERE lease_until IS NULL OR lease_until <= ?
             ORDER BY created_at LIMIT ?
           ) RETURNING *`,
        )
        .all(owner, now + leaseMs, now, Math.floor(limit)) as unknown as PendingRow[];
      return rows.map((row) => pendingTask(row) as ClaimedTask);
    }, 'claim');
  }

  async renew(key: TaskKey, lease: Lease, leaseMs: number): Promise<Lease | undefined> {
    checkLeaseMs(leaseMs);
    return this.#write(() => {
      const now = Date.now();
      const changed = this.#db
        .prepare(
          `UPDATE toolwright_pending SET lease_until = ?
           WHERE run_id = ? AND tool_call_id = ? AND owner = ? AND token = ? AND lease_until > ?`,
        )
        .run(now + leaseMs, key.runId, key.toolCallId, lease.owner, lease.token, now);
      return changed.changes === 1 ? { ...lease, expiresAt: now + leaseMs } : undefined;
    }, 'renew');
  }

  async complete(key: TaskKey, lease: Lease, followUp: FollowUp): Promise<boolean> {
    const stored = JSON.stringify(followUp);
    return this.#write(() => {
      const now = Date.now();
      const removed = this.#db
        .prepare(
          `DELETE FROM toolwright_pending
           WHERE run_id = ? AND tool_call_id = ? AND owner = ? AND token = ? AND lease_until > ?`,
        )
        .run(key.runId, key.toolCallId, lease.owner, lease.token, now);
      if (removed.changes !== 1) return false;
      this.#db
        .prepare(
          `INSERT INTO toolwright_follow_ups (run_id, tool_call_id, follow_up, recorded_by, recorded_at)
           VALUES (?, ?, ?, ?, ?)`,
        )
        .run(key.runId, key.toolCallId, stored, lease.owner, now);
      return true;
    }, 'complete');
  }

  async release(key: TaskKey, lease: Lease): Promise<void> {
    this.#write(() => {
      const now = Date.now();
      this.#db
        .prepare(
          `UPDATE toolwright_pending SET lease_until = ?
           WHERE run_id = ? AND tool_call_id = ? AND owner = ? AND token = ? AND lease_until > ?`,
        )
        .run(now, key.runId, key.toolCallId, lease.owner, lease.token, now);
    }, 'release');
  }

  async pending(runId: string): Promise<PendingTask[]> {
    const rows = this.#read(
      'SELECT * FROM toolwright_pending WHERE run_id = ? ORDER BY created_at',
      [runId],
      'pending',
    ) as unknown as PendingRow[];
    return rows.map(pendingTask);
  }

  async followUps(runId: string): Promise<StoredFollowUp[]> {
    const rows = this.#read(
      `SELECT run_id, tool_call_id, follow_up, recorded_by, recorded_at FROM toolwright_follow_ups
       WHERE run_id = ? AND acknowledged_at IS NULL ORDER BY seq`,
      [runId],
      'followUps',
    ) as unknown as {
      run_id: string;
      tool_call_id: string;
      follow_up: string;
      recorded_by: string;
      recorded_at: number;
    }[];
    return rows.map((row) =>
      storedFollowUp(
        { runId: row.run_id, toolCallId: row.tool_call_id },
        JSON.parse(row.follow_up) as FollowUp,
        row.recorded_by,
        Number(row.recorded_at),
      ),
    );
  }

  async acknowledge(runId: string, followUpIds: readonly string[]): Promise<void> {
    const wanted = new Set(followUpIds);
    this.#write(() => {
      const statement = this.#db.prepare(
        `UPDATE toolwright_follow_ups SET acknowledged_at = ?
         WHERE run_id = ? AND tool_call_id = ? AND acknowledged_at IS NULL`,
      );
      const now = Date.now();
      const prefix = `${runId}:`;
      for (const id of wanted) if (id.startsWith(prefix)) statement.run(now, runId, id.slice(prefix.length));
    }, 'acknowledge');
  }

  /** Closes the database file. */
  async close(): Promise<void> {
    if (this.#db.isOpen) this.#db.close();
  }

  #read(sql: string, params: SQLInputValue[], what: string): Record<string, SQLInputValue>[] {
    try {
      return this.#db.prepare(sql).all(...params) as Record<string, SQLInputValue>[];
    } catch (error) {
      throw this.#error(what, error);
    }
  }

  /** Runs `body` in an immediate transaction: the write lock first, so no two writers interleave. */
  #write<T>(body: () => T, what = 'write'): T {
    try {
      this.#db.exec('BEGIN IMMEDIATE');
    } catch (error) {
      throw this.#error(what, error);
    }
    try {
      const result = body();
      this.#db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw TaskStoreError.isInstance(error) ? error : this.#error(what, error);
    }
  }

  #error(what: string, error: unknown): TaskStoreError {
    const message = error instanceof Error ? error.message : String(error);
    return new TaskStoreError(
      `The SQLite task store at '${this.#path}' failed to ${what}: ${message}. Check that the file is writable and not held by a crashed process's lock.`,
      { cause: error },
    );
  }
}

/** The row with its reference parsed (SQLite keeps it as text). */
function pendingTask(row: PendingRow): PendingTask {
  return pendingTaskFromRow({ ...row, reference: JSON.parse(row.reference) as JsonObject });
}
