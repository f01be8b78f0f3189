import {
  type ClaimedTask,
  type ClaimOptions,
  checkLeaseMs,
  checkPendingTask,
  type Lease,
  type PendingTask,
  type PendingTaskInput,
  type PendingTaskRow,
  pendingTaskFromRow,
  type StoredFollowUp,
  storedFollowUp,
  type TaskKey,
  type TaskStore,
  TaskStoreError,
} from '@toolwright/capabilities';
import type { FollowUp } from '@toolwright/core';
import pg from 'pg';

/** Options of {@link PostgresTaskStore}: a pool of your own, or a connection string for one of its own. */
export type PostgresTaskStoreOptions = (
  | {
      /** A pool of your own; the store never ends it. */
      readonly pool: pg.Pool;
      /** Not with `pool`. */
      readonly connectionString?: undefined;
    }
  | {
      /** A PostgreSQL connection string; the store makes a pool of its own (at most 4 connections) and ends it on close. */
      readonly connectionString: string;
      /** Not with `connectionString`. */
      readonly pool?: undefined;
    }
) & {
  /** Create the tables when missing, on first use (default true). */
  readonly createTables?: boolean;
};

/** The channel `complete` notifies with the run id as payload. */
const CHANNEL = 'toolwright_follow_ups';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS toolwright_pending (
  run_id text NOT NULL,
  tool_call_id text NOT NULL,
  tool_name text NOT NULL,
  task_id text NOT NULL,
  reference jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  owner text,
  token bigint NOT NULL DEFAULT 0,
  lease_until timestamptz,
  PRIMARY KEY (run_id, tool_call_id)
);
CREATE INDEX IF NOT EXISTS toolwright_pending_free ON toolwright_pending (lease_until, created_at);
CREATE TABLE IF NOT EXISTS toolwright_follow_ups (
  seq bigserial,
  run_id text NOT NULL,
  tool_call_id text NOT NULL,
  follow_up jsonb NOT NULL,
  recorded_by text NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  acknowledged_at timestamptz,
  PRIMARY KEY (run_id, tool_call_id)
);
CREATE INDEX IF NOT EXISTS toolwright_follow_ups_unread ON toolwright_follow_ups (run_id, seq) WHERE acknowledged_at IS NULL;
`;

/** Milliseconds since the epoch, as a JavaScript number, of a timestamp column. */
const ms = (column: string) => `(extract(epoch from ${column}) * 1000)::float8`;
const PENDING_COLUMNS = `run_id, tool_call_id, tool_name, task_id, reference, ${ms('created_at')} AS created_at,
  owner, token::float8 AS token, ${ms('lease_until')} AS lease_until`;

/**
 * A {@link TaskStore} on PostgreSQL through `pg`, for workers on many machines. Leases run on the
 * database's clock; a claim takes free rows with `FOR UPDATE SKIP LOCKED`, so workers never wait
 * for each other's claims; `complete` deletes the pending row (only with the current fencing
 * token) and inserts the follow-up into an outbox keyed per task in one statement, then notifies
 * readers on the `toolwright_follow_ups` channel (LISTEN/NOTIFY; readers poll as the fallback).
 */
export class PostgresTaskStore implements TaskStore {
  readonly #pool: pg.Pool;
  readonly #ownsPool: boolean;
  readonly #createTables: boolean;
  #ready: Promise<void> | undefined;
  #listener: Promise<pg.PoolClient | undefined> | undefined;
  readonly #watchers = new Map<string, Set<() => void>>();
  #closed = false;

  /** Takes a pool or a connection string; connects nothing (the pool connects on the first query, when the tables are also created unless `createTables: false`). */
  constructor(options: PostgresTaskStoreOptions) {
    this.#ownsPool = options.pool === undefined;
    this.#pool = options.pool ?? new pg.Pool({ connectionString: options.connectionString, max: 4 });
    // An idle client's error (the server restarted) must not crash the process; the next query reports it.
    if (this.#ownsPool) this.#pool.on('error', () => undefined);
    this.#createTables = options.createTables ?? true;
  }

  /** Creates the tables when missing (also done on first use unless `createTables: false`). */
  migrate(): Promise<void> {
    this.#ready ??= this.#transaction('create its tables', async (client) => {
      // Serialised: concurrent CREATE ... IF NOT EXISTS from several workers can still collide.
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('toolwright task store'))`);
      await client.query(SCHEMA);
    }).catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  async put(task: PendingTaskInput, lease?: { owner: string; leaseMs: number }): Promise<Lease | undefined> {
    checkPendingTask(task);
    if (lease) checkLeaseMs(lease.leaseMs);
    const inserted = await this.#query<PendingTaskRow>(
      'save a pending task',
      `INSERT INTO toolwright_pending (run_id, tool_call_id, tool_name, task_id, reference, owner, token, lease_until)
       SELECT $1, $2, $3, $4, $5::jsonb, $6::text,
              CASE WHEN $6::text IS NULL THEN 0 ELSE 1 END,
              CASE WHEN $6::text IS NULL THEN NULL ELSE clock_timestamp() + $7::float8 * interval '1 millisecond' END
       WHERE NOT EXISTS (SELECT 1 FROM toolwright_follow_ups WHERE run_id = $1 AND tool_call_id = $2)
       ON CONFLICT DO NOTHING
       RETURNING ${PENDING_COLUMNS}`,
      [
        task.runId,
        task.toolCallId,
        task.toolName,
        task.taskId,
        JSON.stringify(task.reference),
        lease?.owner ?? null,
        lease?.leaseMs ?? 0,
      ],
    );
    const row = inserted[0];
    return row && pendingTaskFromRow(row).lease;
  }

  async claim({ owner, leaseMs, limit }: ClaimOptions): Promise<ClaimedTask[]> {
    checkLeaseMs(leaseMs);
    if (limit <= 0) return [];
    const rows = await this.#query<PendingTaskRow>(
      'claim pending tasks',
      `UPDATE toolwright_pending p
       SET owner = $1, token = p.token + 1, lease_until = clock_timestamp() + $2::float8 * interval '1 millisecond'
       FROM (
         SELECT run_id AS free_run_id, tool_call_id AS free_tool_call_id FROM toolwright_pending
         WHERE lease_until IS NULL OR lease_until <= clock_timestamp()
         ORDER BY created_at LIMIT $3
         FOR UPDATE SKIP LOCKED
       ) free
       WHERE p.run_id = free.free_run_id AND p.tool_call_id = free.free_tool_call_id
       RETURNING ${PENDING_COLUMNS}`,
      [owner, leaseMs, Math.floor(limit)],
    );
    return rows.map((row) => pendingTaskFromRow(row) as ClaimedTask);
  }

  async renew(key: TaskKey, lease: Lease, leaseMs: number): Promise<Lease | undefined> {
    checkLeaseMs(leaseMs);
    const rows = await this.#query<{ lease_ms: number }>(
      'renew a lease',
      `UPDATE toolwright_pending SET lease_until = clock_timestamp() + $5::float8 * interval '1 millisecond'
       WHERE run_id = $1 AND tool_call_id = $2 AND owner = $3 AND token = $4 AND lease_until > clock_timestamp()
       RETURNING ${ms('lease_until')} AS lease_ms`,
      [key.runId, key.toolCallId, lease.owner, lease.token, leaseMs],
    );
    const row = rows[0];
    return row ? { ...lease, expiresAt: row.lease_ms } : undefined;
  }

  async complete(key: TaskKey, lease: Lease, followUp: FollowUp): Promise<boolean> {
    const rows = await this.#query(
      'record a follow-up',
      `WITH removed AS (
         DELETE FROM toolwright_pending
         WHERE run_id = $1 AND tool_call_id = $2 AND owner = $3 AND token = $4 AND lease_until > clock_timestamp()
         RETURNING run_id, tool_call_id
       ), recorded AS (
         INSERT INTO toolwright_follow_ups (run_id, tool_call_id, follow_up, recorded_by)
         SELECT run_id, tool_call_id, $5::jsonb, $3 FROM removed
         ON CONFLICT DO NOTHING
         RETURNING run_id
       )
       SELECT pg_notify('${CHANNEL}', run_id) FROM recorded`,
      [key.runId, key.toolCallId, lease.owner, lease.token, JSON.stringify(followUp)],
    );
    return rows.length === 1;
  }

  async release(key: TaskKey, lease: Lease): Promise<void> {
    await this.#query(
      'release a lease',
      `UPDATE toolwright_pending SET lease_until = clock_timestamp()
       WHERE run_id = $1 AND tool_call_id = $2 AND owner = $3 AND token = $4 AND lease_until > clock_timestamp()`,
      [key.runId, key.toolCallId, lease.owner, lease.token],
    );
  }

  async pending(runId: string): Promise<PendingTask[]> {
    const rows = await this.#query<PendingTaskRow>(
      'list pending tasks',
      `SELECT ${PENDING_COLUMNS} FROM toolwright_pending WHERE run_id = $1 ORDER BY created_at`,
      [runId],
    );
    return rows.map(pendingTaskFromRow);
  }

  async followUps(runId: string): Promise<StoredFollowUp[]> {
    const rows = await this.#query<{
      run_id: string;
      tool_call_id: string;
      follow_up: FollowUp;
      recorded_by: string;
      recorded_ms: number;
    }>(
      'read follow-ups',
      `SELECT run_id, tool_call_id, follow_up, recorded_by, ${ms('recorded_at')} AS recorded_ms
       FROM toolwright_follow_ups WHERE run_id = $1 AND acknowledged_at IS NULL ORDER BY seq`,
      [runId],
    );
    return rows.map((row) =>
      storedFollowUp(
        { runId: row.run_id, toolCallId: row.tool_call_id },
        row.follow_up,
        row.recorded_by,
        row.recorded_ms,
      ),
    );
  }

  async acknowledge(runId: string, followUpIds: readonly string[]): Promise<void> {
    const prefix = `${runId}:`;
    const toolCallIds = followUpIds.filter((id) => id.startsWith(prefix)).map((id) => id.slice(prefix.length));
    if (toolCallIds.length === 0) return;
    await this.#query(
      'acknowledge follow-ups',
      `UPDATE toolwright_follow_ups SET acknowledged_at = clock_timestamp()
       WHERE run_id = $1 AND tool_call_id = ANY($2::text[]) AND acknowledged_at IS NULL`,
      [runId, toolCallIds],
    );
  }

  /** Wakes `listener` when a follow-up of `runId` is recorded by any worker (LISTEN/NOTIFY). */
  watchFollowUps(runId: string, listener: () => void): () => void {
    const set = this.#watchers.get(runId) ?? new Set();
    this.#watchers.set(runId, set);
    set.add(listener);
    this.#listener ??= this.#listen();
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#watchers.delete(runId);
    };
  }

  /** Whether the LISTEN connection is established (readers are woken, not only polling). */
  async listening(): Promise<boolean> {
    return (await this.#listener) !== undefined;
  }

  /** Ends the listening connection, and the pool when the store made it. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const listener = await this.#listener;
    listener?.release(true);
    if (this.#ownsPool) await this.#pool.end();
  }

  /** One client kept for LISTEN; on failure readers fall back to polling, and the next watch tries again. */
  async #listen(): Promise<pg.PoolClient | undefined> {
    try {
      const client = await this.#pool.connect();
      client.on('notification', (message) => {
        for (const listener of [...(this.#watchers.get(message.payload ?? '') ?? [])]) listener();
      });
      client.on('error', () => {
        this.#listener = undefined;
        client.release(true);
      });
      await client.query(`LISTEN ${CHANNEL}`);
      return client;
    } catch {
      this.#listener = undefined;
      return undefined;
    }
  }

  async #query<Row extends object = Record<string, unknown>>(
    what: string,
    sql: string,
    params: unknown[],
  ): Promise<Row[]> {
    if (this.#createTables) await this.migrate();
    try {
      return (await this.#pool.query(sql, params)).rows as Row[];
    } catch (error) {
      throw storeError(what, error);
    }
  }

  async #transaction(what: string, body: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw storeError(what, error);
    }
    try {
      await client.query('BEGIN');
      await body(client);
      await client.query('COMMIT');
      client.release();
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release(true);
      throw storeError(what, error);
    }
  }
}

function storeError(what: string, error: unknown): TaskStoreError {
  const message = error instanceof Error ? error.message : String(error);
  return new TaskStoreError(
    `The PostgreSQL task store failed to ${what}: ${message}. Check that the database is reachable and the user may write the toolwright_* tables.`,
    { cause: error },
  );
}
