import type { FollowUp, JsonObject } from '@toolwright/core';
import { ToolwrightError, type ToolwrightErrorOptions } from '@toolwright/core';

/** Pending work as it is saved: one server task started by one tool call of one run. */
export interface PendingTaskInput {
  /** The run (or conversation) whose follow-up the task becomes. */
  readonly runId: string;
  /** The tool call that started the task; unique within the run, so it keys the task. */
  readonly toolCallId: string;
  /** The tool whose call started the task. */
  readonly toolName: string;
  /** The server's task id. */
  readonly taskId: string;
  /** The reference that resumes the task (`TaskHandle.toJSON()`), stored as opaque JSON. */
  readonly reference: JsonObject;
}

/** A lease on pending work: who holds it, until when, and the fencing token of this claim. */
export interface Lease {
  /** The worker holding the lease (its owner id). */
  readonly owner: string;
  /**
   * Rises with every claim of the same task. `renew` and `complete` succeed only with the current
   * token, so a worker that lost its lease (paused, partitioned) can no longer deliver.
   */
  readonly token: number;
  /** When the lease ends (ms since the epoch, on the store's clock). */
  readonly expiresAt: number;
}

/** Pending work as a store lists it: the saved task, when it was saved, and its lease if any. */
export interface PendingTask extends PendingTaskInput {
  /** When it was saved (ms since the epoch). */
  readonly createdAt: number;
  /** The current lease; `undefined` when nobody has claimed it yet. */
  readonly lease: Lease | undefined;
}

/** Pending work a worker holds: the lease is its own. */
export interface ClaimedTask extends PendingTask {
  /** The lease this worker holds. */
  readonly lease: Lease;
}

/** A follow-up recorded in a store, with the stable id an application applies it by. */
export interface StoredFollowUp extends FollowUp {
  /**
   * Stable across deliveries: reading again (after a restart, from another worker) yields the
   * same id, so an application that applies each id once sees each result once.
   */
  readonly followUpId: string;
  /** The run the follow-up belongs to. */
  readonly runId: string;
  /** The tool call that started the work. */
  readonly toolCallId: string;
  /** The owner of the lease that recorded it. */
  readonly recordedBy: string;
  /** When it was recorded (ms since the epoch). */
  readonly recordedAt: number;
}

/** The identity of a task in a store. */
export interface TaskKey {
  /** The run the task belongs to. */
  readonly runId: string;
  /** The tool call that started the task; unique within the run. */
  readonly toolCallId: string;
}

/** Options of {@link TaskStore.claim}. */
export interface ClaimOptions {
  /** Who claims (a worker id); the lease records it. */
  readonly owner: string;
  /** How long the lease lasts. */
  readonly leaseMs: number;
  /** At most this many tasks. */
  readonly limit: number;
}

/**
 * Where pending background tasks and their follow-ups live, so they outlast a process. Every
 * method is safe to call from many workers at once; `complete` is the single step that turns a
 * pending task into a follow-up, at most once per task. Implement it to keep work in your own
 * database: `InMemoryTaskStore` is the reference, `@toolwright/store-sqlite` and
 * `@toolwright/store-postgres` the durable ones.
 */
export interface TaskStore {
  /**
   * Saves pending work. With `lease`, the caller holds it from the start (the worker that created
   * the task watches it) and gets the lease back; without, any worker may claim it. A key saved
   * before (pending or completed) is left as it is, and the result is undefined: the caller holds
   * nothing.
   */
  put(task: PendingTaskInput, lease?: { readonly owner: string; readonly leaseMs: number }): Promise<Lease | undefined>;
  /** Claims pending work that nobody holds or whose lease expired, oldest first; each claim raises its token. */
  claim(options: ClaimOptions): Promise<ClaimedTask[]>;
  /** Extends a lease; the new lease, or `undefined` when it was lost (expired, or claimed by another worker). */
  renew(key: TaskKey, lease: Lease, leaseMs: number): Promise<Lease | undefined>;
  /**
   * Removes the pending task and records its follow-up in one atomic step. False (and nothing
   * changes) when `lease` is no longer current: the task was taken over, or already completed.
   */
  complete(key: TaskKey, lease: Lease, followUp: FollowUp): Promise<boolean>;
  /** Gives a held lease back so another worker can claim the task at once (a graceful shutdown). */
  release(key: TaskKey, lease: Lease): Promise<void>;
  /** The pending work of a run. */
  pending(runId: string): Promise<PendingTask[]>;
  /** The follow-ups of a run not acknowledged yet, in the order they were recorded. */
  followUps(runId: string): Promise<StoredFollowUp[]>;
  /** Marks follow-ups as applied; they are not read again. Unknown ids are ignored. */
  acknowledge(runId: string, followUpIds: readonly string[]): Promise<void>;
  /**
   * Optional: calls `listener` soon after a follow-up of `runId` is recorded (by any worker the
   * store can hear). Readers poll `followUps` as well; this only wakes them earlier.
   */
  watchFollowUps?(runId: string, listener: () => void): () => void;
  /** Closes connections the store opened. */
  close?(): Promise<void>;
}

/** A task store failed (its database is unreachable, or refused a statement). */
export class TaskStoreError extends ToolwrightError {
  static override readonly kind = 'TaskStoreError';
  declare readonly code: 'task_store';
  /** Takes the message and optionally the driver's error as `options.cause`. */
  constructor(message: string, options?: ToolwrightErrorOptions) {
    super('task_store', message, options);
  }
}

/** The stable follow-up id of a task: its run and tool call, which a run never reuses. */
export function followUpIdOf(key: TaskKey): string {
  return `${key.runId}:${key.toolCallId}`;
}

/** A follow-up as a store returns it: the outcome, with its stable id and who recorded it, when. */
export function storedFollowUp(
  key: TaskKey,
  followUp: FollowUp,
  recordedBy: string,
  recordedAt: number,
): StoredFollowUp {
  return {
    ...followUp,
    followUpId: followUpIdOf(key),
    runId: key.runId,
    toolCallId: key.toolCallId,
    recordedBy,
    recordedAt,
  };
}

/** A pending task as a row of a SQL store (times in ms since the epoch): what store packages share. */
export interface PendingTaskRow {
  /** The run the task belongs to. */
  readonly run_id: string;
  /** The tool call that started the task. */
  readonly tool_call_id: string;
  /** The tool whose call started the task. */
  readonly tool_name: string;
  /** The server's task id. */
  readonly task_id: string;
  /** The reference that resumes the task, as JSON. */
  readonly reference: JsonObject;
  /** When it was saved. */
  readonly created_at: number | string;
  /** The lease's owner; `null` when nobody has claimed it. */
  readonly owner: string | null;
  /** The fencing token of the latest claim. */
  readonly token: number | string;
  /** When the lease ends; `null` when nobody has claimed it. */
  readonly lease_until: number | string | null;
}

/** The pending task of a SQL store's row; drivers may give numbers as strings. */
export function pendingTaskFromRow(row: PendingTaskRow): PendingTask {
  return {
    runId: row.run_id,
    toolCallId: row.tool_call_id,
    toolName: row.tool_name,
    taskId: row.task_id,
    reference: row.reference,
    createdAt: Number(row.created_at),
    lease:
      row.owner !== null && row.lease_until !== null
        ? { owner: row.owner, token: Number(row.token), expiresAt: Number(row.lease_until) }
        : undefined,
  };
}

/** Checks what every store must refuse, so a careless caller gets the same error from each. */
export function checkPendingTask(task: PendingTaskInput): void {
  for (const field of ['runId', 'toolCallId', 'toolName', 'taskId'] as const) {
    if (typeof task[field] !== 'string' || task[field] === '') {
      throw new TaskStoreError(
        `Pending task '${String(task.toolName)}' needs a non-empty ${field}; got ${JSON.stringify(task[field])}.`,
      );
    }
  }
}

/** Checks a lease duration: positive and finite. */
export function checkLeaseMs(leaseMs: number): void {
  if (!Number.isFinite(leaseMs) || leaseMs <= 0) {
    throw new TaskStoreError(`A lease must last a positive number of milliseconds; got ${leaseMs}.`);
  }
}

interface MemoryEntry {
  task: PendingTask;
}

/**
 * A task store in this process's memory: the reference implementation of {@link TaskStore}, and
 * what tests and single-process apps use. Nothing outlives the process.
 */
export class InMemoryTaskStore implements TaskStore {
  readonly #pending = new Map<string, MemoryEntry>();
  readonly #followUps = new Map<string, { item: StoredFollowUp; acknowledged: boolean }>();
  readonly #listeners = new Map<string, Set<() => void>>();
  readonly #now: () => number;

  /** `now` is the store's clock (tests move it). */
  constructor(options: { readonly now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
  }

  async put(task: PendingTaskInput, lease?: { owner: string; leaseMs: number }): Promise<Lease | undefined> {
    checkPendingTask(task);
    if (lease) checkLeaseMs(lease.leaseMs);
    const id = followUpIdOf(task);
    if (this.#pending.has(id) || this.#followUps.has(id)) return undefined;
    const now = this.#now();
    const granted = lease ? { owner: lease.owner, token: 1, expiresAt: now + lease.leaseMs } : undefined;
    this.#pending.set(id, { task: { ...pick(task), createdAt: now, lease: granted } });
    return granted;
  }

  async claim({ owner, leaseMs, limit }: ClaimOptions): Promise<ClaimedTask[]> {
    checkLeaseMs(leaseMs);
    const now = this.#now();
    const claimed: ClaimedTask[] = [];
    const free = [...this.#pending.values()]
      .filter((entry) => entry.task.lease === undefined || entry.task.lease.expiresAt <= now)
      .sort((a, b) => a.task.createdAt - b.task.createdAt);
    for (const entry of free.slice(0, Math.max(0, limit))) {
      const lease = { owner, token: (entry.task.lease?.token ?? 0) + 1, expiresAt: now + leaseMs };
      entry.task = { ...entry.task, lease };
      claimed.push({ ...entry.task, lease });
    }
    return claimed;
  }

  async renew(key: TaskKey, lease: Lease, leaseMs: number): Promise<Lease | undefined> {
    checkLeaseMs(leaseMs);
    const entry = this.#current(key, lease);
    if (!entry) return undefined;
    const renewed = { ...lease, expiresAt: this.#now() + leaseMs };
    entry.task = { ...entry.task, lease: renewed };
    return renewed;
  }

  async complete(key: TaskKey, lease: Lease, followUp: FollowUp): Promise<boolean> {
    const entry = this.#current(key, lease);
    if (!entry) return false;
    const id = followUpIdOf(key);
    this.#pending.delete(id);
    this.#followUps.set(id, { item: storedFollowUp(key, followUp, lease.owner, this.#now()), acknowledged: false });
    for (const listener of [...(this.#listeners.get(key.runId) ?? [])]) listener();
    return true;
  }

  async release(key: TaskKey, lease: Lease): Promise<void> {
    const entry = this.#current(key, lease);
    if (entry) entry.task = { ...entry.task, lease: { ...lease, expiresAt: this.#now() } };
  }

  async pending(runId: string): Promise<PendingTask[]> {
    return [...this.#pending.values()].filter((entry) => entry.task.runId === runId).map((entry) => entry.task);
  }

  async followUps(runId: string): Promise<StoredFollowUp[]> {
    return [...this.#followUps.values()]
      .filter((entry) => !entry.acknowledged && entry.item.runId === runId)
      .map((entry) => entry.item);
  }

  async acknowledge(runId: string, followUpIds: readonly string[]): Promise<void> {
    for (const id of followUpIds) {
      const entry = this.#followUps.get(id);
      if (entry?.item.runId === runId) entry.acknowledged = true;
    }
  }

  watchFollowUps(runId: string, listener: () => void): () => void {
    const set = this.#listeners.get(runId) ?? new Set();
    this.#listeners.set(runId, set);
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(runId);
    };
  }

  /** The entry of `key` when `lease` is its current, unexpired lease. */
  #current(key: TaskKey, lease: Lease): MemoryEntry | undefined {
    const entry = this.#pending.get(followUpIdOf(key));
    const held = entry?.task.lease;
    if (!held || held.owner !== lease.owner || held.token !== lease.token || held.expiresAt <= this.#now()) {
      return undefined;
    }
    return entry;
  }
}

/** Only the saved fields, so a caller's extra properties never reach the store. */
function pick(task: PendingTaskInput): PendingTaskInput {
  return {
    runId: task.runId,
    toolCallId: task.toolCallId,
    toolName: task.toolName,
    taskId: task.taskId,
    reference: task.reference,
  };
}
