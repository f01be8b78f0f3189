import {
  type CreateTaskOptions,
  InMemoryTaskStore,
  type TaskStore,
} from '@modelcontextprotocol/sdk/experimental/tasks/index.js';
import type { Request, RequestId, Result, Task } from '@modelcontextprotocol/sdk/types.js';
import type { FixtureState } from './state.ts';
import { wallClockMs } from './wall-clock.ts';

const ENDLESS = 'endless:';

/**
 * The SDK's in-memory task store, shared by every session of one fixture server (so a task can be
 * resumed from a new connection: the fixture has no authorization context to bind tasks to), and
 * recording each task's status in the fixture state. A status change to `cancelled` (which only
 * tasks/cancel makes here) is recorded as a cancel and aborts the running tool.
 */
export class RecordingTaskStore implements TaskStore {
  readonly #inner = new InMemoryTaskStore();
  readonly #state: FixtureState;
  readonly #running = new Map<string, AbortController>();
  readonly #endlessPages: boolean;

  /** With `endlessPages`, tasks/list never ends (see {@link listTasks}). */
  constructor(state: FixtureState, endlessPages = false) {
    this.#state = state;
    this.#endlessPages = endlessPages;
  }

  /** The signal a running task watches for cancellation. */
  signalFor(taskId: string): AbortSignal {
    const controller = this.#running.get(taskId) ?? new AbortController();
    this.#running.set(taskId, controller);
    return controller.signal;
  }

  /** Forgets the running task (it ended). */
  finished(taskId: string): void {
    this.#running.delete(taskId);
  }

  async createTask(taskParams: CreateTaskOptions, requestId: RequestId, request: Request): Promise<Task> {
    const task = await this.#inner.createTask(taskParams, requestId, request);
    const tool = String((request.params as { name?: unknown } | undefined)?.name ?? request.method);
    this.#state.saveTask({
      taskId: task.taskId,
      tool,
      status: task.status,
      cancelRequested: false,
      cancelObserved: false,
    });
    return task;
  }

  getTask(taskId: string): Promise<Task | null> {
    return this.#inner.getTask(taskId);
  }

  async storeTaskResult(taskId: string, status: 'completed' | 'failed', result: Result): Promise<void> {
    await this.#inner.storeTaskResult(taskId, status, result);
    this.#record(taskId, status);
  }

  getTaskResult(taskId: string): Promise<Result> {
    return this.#inner.getTaskResult(taskId);
  }

  async updateTaskStatus(taskId: string, status: Task['status'], statusMessage?: string): Promise<void> {
    await this.#inner.updateTaskStatus(taskId, status, statusMessage);
    const record = this.#state.task(taskId);
    if (record && status === 'cancelled') {
      record.cancelRequested = true;
      this.#state.recordCancel(taskId);
      this.#running.get(taskId)?.abort(new Error('tasks/cancel'));
    }
    this.#record(taskId, status, statusMessage);
  }

  /**
   * The SDK's listing; with endless pages, once the real tasks are listed every further page holds ten
   * invented `working` tasks and a `nextCursor` (`endless:<n>`), forever.
   */
  async listTasks(cursor?: string): Promise<{ tasks: Task[]; nextCursor?: string }> {
    if (!this.#endlessPages) return this.#inner.listTasks(cursor);
    if (cursor?.startsWith(ENDLESS)) {
      const page = Number(cursor.slice(ENDLESS.length));
      const now = new Date().toISOString();
      const tasks = Array.from({ length: 10 }, (_, index) => ({
        taskId: `endless-task-${page * 10 + index}`,
        status: 'working' as const,
        ttl: null,
        createdAt: now,
        lastUpdatedAt: now,
        pollInterval: 1_000,
      }));
      return { tasks, nextCursor: `${ENDLESS}${page + 1}` };
    }
    const real = await this.#inner.listTasks(cursor);
    return { tasks: real.tasks, nextCursor: real.nextCursor ?? `${ENDLESS}0` };
  }

  /** Stops the store's ttl timers and every running task. */
  close(): void {
    for (const controller of this.#running.values()) controller.abort(new Error('server closed'));
    this.#running.clear();
    this.#inner.cleanup();
  }

  #record(taskId: string, status: string, statusMessage?: string): void {
    const record = this.#state.task(taskId);
    if (!record) return;
    record.status = status;
    if (statusMessage !== undefined) record.statusMessage = statusMessage;
    if (status === 'completed' || status === 'failed') record.completedAt = wallClockMs();
    this.#state.saveTask(record);
  }
}
