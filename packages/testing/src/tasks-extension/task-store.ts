import { randomUUID } from 'node:crypto';
import type { TasksExtensionState } from './state.ts';
import {
  type DetailedTask,
  INTERNAL_ERROR,
  type InputRequest,
  isTerminal,
  type TaskError,
  type TaskStatus,
} from './wire.ts';

/** Thrown into a task's work when the task was cancelled or expired; the work stops there. */
export class TaskStoppedError extends Error {
  constructor(reason: 'cancelled' | 'expired') {
    super(`the task was ${reason}`);
    this.name = 'TaskStoppedError';
  }
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts (no timer or listener left behind). */
export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A JSON-RPC error raised by a tool's work: the task ends `failed` with it inlined, and with
 * `statusMessage` as its status message (default `Failed: <message>`).
 */
export class TaskProtocolError extends Error {
  readonly code: number;
  readonly data: unknown;
  readonly statusMessage: string | undefined;
  constructor(code: number, message: string, data?: unknown, statusMessage?: string) {
    super(message);
    this.name = 'TaskProtocolError';
    this.code = code;
    this.data = data;
    this.statusMessage = statusMessage;
  }
}

/** What a tool's work can do with its task while it runs. */
export interface TaskWork {
  readonly taskId: string;
  /** Aborted when tasks/cancel arrives (or the ttl elapses, or the fixture closes). */
  readonly signal: AbortSignal;
  /** Sets the status message clients see (progress-like text). */
  setStatusMessage(message: string): void;
  /** Changes the pollIntervalMs clients see from now on (the spec lets it change over a task's life). */
  setPollInterval(ms: number): void;
  /**
   * Asks the client: the task goes `input_required` with these requests until every key is answered by
   * tasks/update (one key at a time is fine), then back to `working`. Keys must be new for this task.
   */
  ask(requests: Record<string, InputRequest>): Promise<Record<string, unknown>>;
  /** Waits `ms`, or throws TaskStoppedError as soon as the task is cancelled. */
  sleep(ms: number): Promise<void>;
  /** Misbehaving tools only: asks again under a key that was already answered, which the spec forbids. */
  reissueAnsweredKey(key: string, request: InputRequest): void;
}

/** How a misbehaving fixture may bend what tasks/get says for a task. */
export interface TaskQuirks {
  /** Put `resultType: "complete"` inside the inlined result (ext-tasks 0.2.2 wants it; the spec's examples omit it). */
  readonly resultTypeInResult?: boolean;
  /** Never reach a terminal status, and ignore tasks/cancel. */
  readonly neverTerminal?: boolean;
  /** The status message the task is created with (the CreateTaskResult carries it). */
  readonly statusMessage?: string;
}

interface Waiter {
  readonly keys: Set<string>;
  readonly answers: Record<string, unknown>;
  resolve(answers: Record<string, unknown>): void;
  reject(error: Error): void;
}

interface StoredTask {
  readonly taskId: string;
  readonly tool: string;
  status: TaskStatus;
  statusMessage: string | undefined;
  readonly createdAt: string;
  lastUpdatedAt: string;
  readonly ttlMs: number | null;
  pollIntervalMs: number;
  result: Record<string, unknown> | undefined;
  error: TaskError | undefined;
  readonly outstanding: Map<string, InputRequest>;
  readonly issuedKeys: Set<string>;
  waiter: Waiter | undefined;
  readonly controller: AbortController;
  cancelRequested: boolean;
  cancelObserved: boolean;
  expiry: NodeJS.Timeout | undefined;
  readonly quirks: TaskQuirks;
}

/** Settings of a task store. */
export interface TaskStoreOptions {
  readonly ttlMs: number | null;
  readonly pollIntervalMs: number;
  /** Put `resultType: "complete"` inside every inlined result. */
  readonly resultTypeInResult: boolean;
}

/** Why a task id is not in the store. */
export type TaskLookup = { readonly task: DetailedTask } | { readonly missing: 'unknown' | 'expired' };

/**
 * The tasks of one 2026 fixture server, shared by every request and transport. A task is stored before
 * its CreateTaskResult is returned (the spec's strong consistency), runs its work in the background,
 * surfaces input requests inline, takes answers per key, stops cooperatively on cancel and is discarded
 * when its ttlMs elapses. Every change is pushed to subscribers (notifications/tasks).
 */
export class TaskStore {
  readonly #tasks = new Map<string, StoredTask>();
  readonly #expired = new Set<string>();
  #closed = false;
  readonly #listeners = new Set<(task: DetailedTask) => void>();
  readonly #options: TaskStoreOptions;
  readonly #state: TasksExtensionState;

  constructor(options: TaskStoreOptions, state: TasksExtensionState) {
    this.#options = options;
    this.#state = state;
  }

  /** Stores a new `working` task, starts `work` in the background and returns the seed state. */
  create(
    tool: string,
    work: (task: TaskWork) => Promise<Record<string, unknown>>,
    quirks: TaskQuirks = {},
  ): DetailedTask {
    const now = new Date().toISOString();
    const task: StoredTask = {
      taskId: randomUUID(),
      tool,
      status: 'working',
      statusMessage: quirks.statusMessage,
      createdAt: now,
      lastUpdatedAt: now,
      ttlMs: this.#options.ttlMs,
      pollIntervalMs: this.#options.pollIntervalMs,
      result: undefined,
      error: undefined,
      outstanding: new Map(),
      issuedKeys: new Set(),
      waiter: undefined,
      controller: new AbortController(),
      cancelRequested: false,
      cancelObserved: false,
      expiry: undefined,
      quirks,
    };
    this.#tasks.set(task.taskId, task);
    if (task.ttlMs !== null) {
      task.expiry = setTimeout(() => this.#expire(task), task.ttlMs);
      task.expiry.unref();
    }
    this.#changed(task);
    const seed = this.#detailed(task);
    // Started after the seed is taken, so the CreateTaskResult shows the task as it was created.
    queueMicrotask(() => void this.#run(task, work));
    return seed;
  }

  /** The task as tasks/get shows it, or why there is none. */
  lookup(taskId: string): TaskLookup {
    const task = this.#tasks.get(taskId);
    if (task) return { task: this.#detailed(task) };
    return { missing: this.#expired.has(taskId) ? 'expired' : 'unknown' };
  }

  /** Applies the answers of a tasks/update, per key; keys not outstanding are ignored. False: no such task. */
  update(taskId: string, inputResponses: Record<string, unknown>, droppedKeys: readonly string[] = []): boolean {
    const task = this.#tasks.get(taskId);
    if (!task) return false;
    for (const key of droppedKeys) this.#state.recordUpdate({ taskId, key, accepted: false });
    const waiter = task.waiter;
    for (const [key, answer] of Object.entries(inputResponses)) {
      const accepted = task.outstanding.has(key) && waiter?.keys.has(key) === true;
      this.#state.recordUpdate({ taskId, key, accepted });
      if (!accepted || !waiter) continue;
      task.outstanding.delete(key);
      waiter.answers[key] = answer;
    }
    if (waiter && [...waiter.keys].every((key) => key in waiter.answers)) {
      task.waiter = undefined;
      this.#set(task, { status: 'working', statusMessage: 'Input received' });
      waiter.resolve(waiter.answers);
    } else {
      this.#changed(task);
    }
    return true;
  }

  /** Records a tasks/cancel and asks the work to stop. False: no such task. */
  cancel(taskId: string): boolean {
    const task = this.#tasks.get(taskId);
    if (!task) return false;
    this.#state.recordCancel(taskId);
    if (isTerminal(task.status) || task.quirks.neverTerminal) return true;
    task.cancelRequested = true;
    task.controller.abort(new TaskStoppedError('cancelled'));
    this.#changed(task);
    return true;
  }

  /** Calls `listener` with the full task on every change of any task (until the returned function is called). */
  subscribe(listener: (task: DetailedTask) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stops every running task's work and every ttl timer; a task that ends afterwards arms none. */
  close(): void {
    this.#closed = true;
    for (const task of this.#tasks.values()) {
      clearTimeout(task.expiry);
      if (!isTerminal(task.status)) task.controller.abort(new TaskStoppedError('cancelled'));
    }
    this.#listeners.clear();
  }

  async #run(task: StoredTask, work: (task: TaskWork) => Promise<Record<string, unknown>>): Promise<void> {
    try {
      const result = await work(this.#workOf(task));
      if (task.controller.signal.aborted) {
        // The work finished anyway: cancelled, but the work did not notice (cancelObserved stays false).
        this.#set(task, { status: 'cancelled', statusMessage: 'Cancelled by the client' });
        return;
      }
      this.#set(task, { status: 'completed', result, statusMessage: 'Completed' });
    } catch (error) {
      if (!this.#tasks.has(task.taskId)) {
        // Expired and discarded: the work noticed the abort and stopped.
        task.cancelObserved = task.controller.signal.aborted;
        this.#state.saveTask({ ...this.#record(task), expired: true });
        return;
      }
      if (task.controller.signal.aborted) {
        task.cancelObserved = true;
        this.#set(task, { status: 'cancelled', statusMessage: 'Cancelled by the client' });
      } else if (error instanceof TaskProtocolError) {
        const taskError: TaskError = {
          code: error.code,
          message: error.message,
          ...(error.data === undefined ? {} : { data: error.data }),
        };
        const statusMessage = error.statusMessage ?? `Failed: ${error.message}`;
        this.#set(task, { status: 'failed', error: taskError, statusMessage });
      } else {
        const message = error instanceof Error ? error.message : String(error);
        this.#set(task, {
          status: 'failed',
          error: { code: INTERNAL_ERROR, message },
          statusMessage: `Failed: ${message}`,
        });
      }
    }
  }

  #workOf(task: StoredTask): TaskWork {
    const signal = task.controller.signal;
    return {
      taskId: task.taskId,
      signal,
      setStatusMessage: (message) => this.#set(task, { statusMessage: message }),
      reissueAnsweredKey: (key, request) => {
        task.outstanding.set(key, request);
        this.#set(task, { status: 'input_required', statusMessage: 'Waiting for input (again)' });
      },
      setPollInterval: (ms) => {
        task.pollIntervalMs = ms;
        this.#set(task, {});
      },
      sleep: (ms) => sleepUnlessAborted(ms, signal),
      ask: (requests) =>
        new Promise<Record<string, unknown>>((resolve, reject) => {
          if (signal.aborted) {
            reject(signal.reason);
            return;
          }
          for (const key of Object.keys(requests)) {
            // The spec: a key is unique over the task's lifetime. A tool that reuses one is a bug here
            // (the misbehaving variant bypasses ask() to do it on purpose).
            if (task.issuedKeys.has(key)) throw new Error(`input key ${key} was already used by task ${task.taskId}`);
          }
          for (const [key, request] of Object.entries(requests)) {
            task.issuedKeys.add(key);
            task.outstanding.set(key, request);
          }
          const onAbort = () => {
            task.waiter = undefined;
            task.outstanding.clear();
            reject(signal.reason);
          };
          signal.addEventListener('abort', onAbort, { once: true });
          task.waiter = {
            keys: new Set(Object.keys(requests)),
            answers: {},
            resolve: (answers) => {
              signal.removeEventListener('abort', onAbort);
              resolve(answers);
            },
            reject,
          };
          this.#set(task, { status: 'input_required', statusMessage: 'Waiting for input' });
        }),
    };
  }

  #expire(task: StoredTask): void {
    this.#tasks.delete(task.taskId);
    this.#expired.add(task.taskId);
    if (!isTerminal(task.status)) task.controller.abort(new TaskStoppedError('expired'));
    task.waiter = undefined;
    this.#state.saveTask({ ...this.#record(task), expired: true });
  }

  #set(task: StoredTask, change: Partial<Pick<StoredTask, 'status' | 'statusMessage' | 'result' | 'error'>>): void {
    if (!this.#tasks.has(task.taskId)) return;
    if (isTerminal(task.status)) return; // terminal is final
    Object.assign(task, change);
    task.lastUpdatedAt = new Date().toISOString();
    if (isTerminal(task.status)) {
      clearTimeout(task.expiry);
      // The ttl still bounds how long a finished task is kept (while the store is open).
      if (task.ttlMs !== null && !this.#closed) {
        const left = Math.max(0, Date.parse(task.createdAt) + task.ttlMs - Date.now());
        task.expiry = setTimeout(() => this.#expire(task), left);
        task.expiry.unref();
      }
    }
    this.#changed(task);
  }

  #changed(task: StoredTask): void {
    this.#state.saveTask(this.#record(task));
    if (this.#listeners.size === 0) return;
    const detailed = this.#detailed(task);
    for (const listener of this.#listeners) listener(detailed);
  }

  #record(task: StoredTask) {
    return {
      taskId: task.taskId,
      tool: task.tool,
      status: task.status,
      ...(task.statusMessage === undefined ? {} : { statusMessage: task.statusMessage }),
      pollIntervalMs: task.pollIntervalMs,
      cancelRequested: task.cancelRequested,
      cancelObserved: task.cancelObserved,
      expired: false,
    };
  }

  #detailed(task: StoredTask): DetailedTask {
    const detailed: DetailedTask = {
      taskId: task.taskId,
      status: task.status,
      ...(task.statusMessage === undefined ? {} : { statusMessage: task.statusMessage }),
      createdAt: task.createdAt,
      lastUpdatedAt: task.lastUpdatedAt,
      ttlMs: task.ttlMs,
      pollIntervalMs: task.pollIntervalMs,
    };
    if (task.status === 'completed' && task.result) {
      const inline = task.quirks.resultTypeInResult ?? this.#options.resultTypeInResult;
      detailed.result = inline ? { resultType: 'complete', ...task.result } : { ...task.result };
    }
    if (task.status === 'failed' && task.error) detailed.error = task.error;
    if (task.status === 'input_required') detailed.inputRequests = Object.fromEntries(task.outstanding);
    return structuredClone(detailed);
  }
}
