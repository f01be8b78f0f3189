import { ConnectionLostError, type FollowUp, type JsonObject, UserError } from '@toolwright/core';
import {
  type ClaimedTask,
  followUpIdOf,
  type Lease,
  type PendingTask,
  type StoredFollowUp,
  storedFollowUp,
  type TaskKey,
  type TaskStore,
} from './task-store.ts';

/**
 * What resumes a task from its saved reference: an MCP toolset for the task's server (its
 * `resumeTask` fits). Structural, so capabilities never import the MCP toolset.
 */
export interface TaskResumer {
  /** A handle for the task `reference` names (it was saved from `TaskHandle.toJSON()`). */
  resumeTask(reference: JsonObject): Promise<ResumedTask>;
}

/** A resumed task: waiting for `result()` yields the tool's result or throws its failure. */
export interface ResumedTask {
  /** Waits for the task to end: its result, or its failure as the toolset's error. */
  result(): Promise<unknown>;
}

/** What happened to stored work, for logs and tests. */
export interface StoreEvent {
  /** `recorded`: the follow-up was stored; `fenced`: refused, the lease was no longer current; `lease-lost`: a renewal failed; `released`: a worker gave the task back; `store-error`: the store threw. */
  readonly type: 'recorded' | 'fenced' | 'lease-lost' | 'released' | 'store-error';
  /** The run the task belongs to (`''` for a failed claim, which concerns no task). */
  readonly runId: string;
  /** The tool call that started the task (`''` for a failed claim). */
  readonly toolCallId: string;
  /** The server's task id (`''` for a failed claim). */
  readonly taskId: string;
  /** The store's or the toolset's error, for `store-error` and `released`. */
  readonly error?: unknown;
}

/** How the durable parts share a store: one owner, one lease length, one event sink. */
export interface DurableSettings {
  readonly store: TaskStore;
  readonly owner: string;
  readonly leaseMs: number;
  readonly emit: (event: StoreEvent) => void;
}

/** Keeps a lease alive while a task is watched: renews at a third of the lease, stops when it is lost. */
export class LeaseKeeper {
  #lease: Lease | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #renewing = false;
  readonly settings: DurableSettings;
  readonly task: TaskKey & { readonly taskId: string };

  constructor(settings: DurableSettings, task: TaskKey & { readonly taskId: string }, lease: Lease | undefined) {
    this.settings = settings;
    this.task = task;
    this.#lease = lease;
    if (!lease) return;
    this.#timer = setInterval(() => void this.#renew(), Math.max(1, Math.floor(settings.leaseMs / 3)));
    this.#timer.unref?.();
  }

  /** The lease as last granted (possibly lost: the store decides when it is used). */
  get lease(): Lease | undefined {
    return this.#lease;
  }

  /** Stops renewing. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #renew(): Promise<void> {
    const lease = this.#lease;
    if (this.#renewing || !lease || this.#timer === undefined) return;
    this.#renewing = true;
    try {
      const renewed = await this.settings.store.renew(this.task, lease, this.settings.leaseMs);
      if (this.#timer === undefined) return;
      if (renewed) {
        this.#lease = renewed;
      } else {
        // Lost: keep the stale lease, so the completion is refused (fenced) instead of guessed at.
        this.stop();
        this.settings.emit({ type: 'lease-lost', ...eventKey(this.task) });
      }
    } catch (error) {
      this.settings.emit({ type: 'store-error', ...eventKey(this.task), error });
    } finally {
      this.#renewing = false;
    }
  }
}

/**
 * Records the outcome of leased work: the pending entry becomes the follow-up in one step of the
 * store. Returns the stored follow-up, or `undefined` when the lease was no longer current (fenced).
 * Store failures reject; the caller decides what the work does then.
 */
export async function recordFollowUp(keeper: LeaseKeeper, followUp: FollowUp): Promise<StoredFollowUp | undefined> {
  keeper.stop();
  const { settings, task } = keeper;
  const lease = keeper.lease;
  if (!lease) return undefined;
  const recorded = await settings.store.complete(task, lease, followUp);
  settings.emit({ type: recorded ? 'recorded' : 'fenced', ...eventKey(task) });
  if (!recorded) return undefined;
  return storedFollowUp(task, followUp, lease.owner, Date.now());
}

function eventKey(task: TaskKey & { readonly taskId: string }) {
  return { runId: task.runId, toolCallId: task.toolCallId, taskId: task.taskId };
}

/** Options of {@link BackgroundWorker} (through `BackgroundTools.startWorker`). */
export interface BackgroundWorkerOptions {
  /** Resumes claimed tasks: a toolset for their server, or a function choosing one per task. */
  readonly toolset: TaskResumer | ((task: PendingTask) => TaskResumer | undefined);
  /** At most this many tasks watched at once (default 50). */
  readonly concurrency?: number;
  /** How often to look for work whose lease expired (default: a third of the lease). */
  readonly intervalMs?: number;
}

/** Follow-up text and outcome for a task's result or failure (shared with the live path). */
export type MakeFollowUp = (task: PendingTask, outcome: FollowUp['outcome'], content: unknown) => FollowUp;

/**
 * A worker that takes over pending tasks: it claims work nobody holds (or whose lease expired),
 * resumes each task from its reference, watches it with the toolset's task engine while renewing
 * the lease, and records the follow-up. A worker that lost the lease cannot record (fenced).
 */
export class BackgroundWorker {
  readonly #settings: DurableSettings;
  readonly #options: BackgroundWorkerOptions;
  readonly #makeFollowUp: MakeFollowUp;
  readonly #active = new Map<string, LeaseKeeper>();
  readonly #stopped = new AbortController();
  readonly #loop: Promise<void>;
  #wake: (() => void) | undefined;

  /** Made by `BackgroundTools.startWorker`: checks `concurrency` (default 50) and starts claiming and watching tasks at once, until stopped. */
  constructor(settings: DurableSettings, options: BackgroundWorkerOptions, makeFollowUp: MakeFollowUp) {
    const concurrency = options.concurrency ?? 50;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new UserError(`A background worker's concurrency must be a positive integer; got ${concurrency}.`);
    }
    this.#settings = settings;
    this.#options = { ...options, concurrency };
    this.#makeFollowUp = makeFollowUp;
    this.#loop = this.#run();
  }

  /** How many tasks this worker watches now. */
  get active(): number {
    return this.#active.size;
  }

  /**
   * Stops claiming and gives back the leases it holds, so other workers take over at once. Tasks
   * it was watching keep running on their servers; close the toolset afterwards.
   */
  async stop(): Promise<void> {
    this.#stopped.abort();
    this.#wake?.();
    await this.#loop;
    const held = [...this.#active.values()];
    this.#active.clear();
    await Promise.all(
      held.map(async (keeper) => {
        keeper.stop();
        const lease = keeper.lease;
        if (lease) await this.#settings.store.release(keeper.task, lease).catch(() => undefined);
      }),
    );
  }

  async #run(): Promise<void> {
    const intervalMs = this.#options.intervalMs ?? Math.max(10, Math.floor(this.#settings.leaseMs / 3));
    const concurrency = this.#options.concurrency ?? 50;
    while (!this.#stopped.signal.aborted) {
      const free = concurrency - this.#active.size;
      if (free > 0) {
        try {
          const claimed = await this.#settings.store.claim({
            owner: this.#settings.owner,
            leaseMs: this.#settings.leaseMs,
            limit: free,
          });
          for (const task of claimed) void this.#watch(task);
        } catch (error) {
          this.#settings.emit({ type: 'store-error', runId: '', toolCallId: '', taskId: '', error });
        }
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  async #watch(task: ClaimedTask): Promise<void> {
    const id = followUpIdOf(task);
    const keeper = new LeaseKeeper(this.#settings, task, task.lease);
    this.#active.set(id, keeper);
    try {
      const resumer = typeof this.#options.toolset === 'function' ? this.#options.toolset(task) : this.#options.toolset;
      if (!resumer) throw new UserError(`No toolset resumes task ${task.taskId} of tool '${task.toolName}'.`);
      let followUp: FollowUp;
      try {
        const handle = await resumer.resumeTask(task.reference);
        followUp = this.#makeFollowUp(task, 'result', await handle.result());
      } catch (error) {
        // No connection, or no toolset for the task's server: another worker (or a later claim) may do better.
        if (UserError.isInstance(error) || ConnectionLostError.isInstance(error)) throw error;
        followUp = this.#makeFollowUp(task, 'failure', error instanceof Error ? error.message : String(error));
      }
      if (this.#stopped.signal.aborted) return;
      await recordFollowUp(keeper, followUp);
    } catch (error) {
      keeper.stop();
      const lease = keeper.lease;
      if (lease) await this.#settings.store.release(task, lease).catch(() => undefined);
      this.#settings.emit({
        type: 'released',
        runId: task.runId,
        toolCallId: task.toolCallId,
        taskId: task.taskId,
        error,
      });
    } finally {
      if (this.#active.get(id) === keeper) this.#active.delete(id);
      this.#wake?.();
    }
  }
}
