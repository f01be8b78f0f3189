import type { RunEvents, ToolEvent } from './events.ts';

/**
 * What an adapter streams while a tool call runs: the latest status of its task and its progress.
 * Every Toolwright adapter shows a task's progress in this shape (the AI SDK as preliminary tool
 * results, Mastra as tool output chunks). Fields are absent until known.
 */
export interface TaskStatusOutput {
  /** Always `'task-status'`: tells this progress output from the tool's result. */
  readonly type: 'task-status';
  /** The server's task id (absent for progress of a call that is not a task). */
  readonly taskId?: string;
  /** The task's status: `working`, `input_required`, `completed`, `failed`, `cancelled`. */
  readonly status?: string;
  /** The server's message for the current status, or the latest progress message. */
  readonly statusMessage?: string;
  /** Progress so far, rising. */
  readonly progress?: number;
  /** The progress at which the work is done, when known. */
  readonly total?: number;
}

/** True for a {@link TaskStatusOutput}: lets a UI tell a status update from a tool's result. */
export function isTaskStatusOutput(value: unknown): value is TaskStatusOutput {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'task-status';
}

/**
 * The status updates of one tool call, taken from the run's events while the call runs. Each
 * event that changes the snapshot queues a copy (the first status message included, which the
 * `task-created` event carries when the server created the task with one); `updates(done)` yields
 * them in order until `done` settles, then the ones still queued. `close()` stops listening.
 */
export class TaskStatusFeed {
  #snapshot: TaskStatusOutput = { type: 'task-status' };
  readonly #queue: TaskStatusOutput[] = [];
  #wake: (() => void) | undefined;
  readonly #stop: (() => void)[];

  /** Listens to the run's events of the call `toolCallId`. */
  constructor(events: RunEvents, toolCallId: string) {
    const listener = (event: ToolEvent) => {
      if (event.toolCallId === toolCallId) this.#apply(event);
    };
    this.#stop = (['task-created', 'task-status', 'progress'] as const).map((type) => events.on(type, listener));
  }

  /** Yields each update as it comes until `done` settles (whatever its outcome), then the rest queued. */
  async *updates(done: Promise<unknown>): AsyncGenerator<TaskStatusOutput> {
    let settled = false;
    const finished = done.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    for (;;) {
      const next = this.#queue.shift();
      if (next) {
        yield next;
        continue;
      }
      if (settled) return;
      await Promise.race([finished, new Promise<void>((resolve) => (this.#wake = resolve))]);
      this.#wake = undefined;
    }
  }

  /** Stops listening to the run's events and ends a waiting `updates`. */
  close(): void {
    for (const stop of this.#stop.splice(0)) stop();
    this.#wake?.();
  }

  #apply(event: ToolEvent): void {
    const next = nextTaskStatus(this.#snapshot, event);
    if (next === undefined) return;
    this.#snapshot = next;
    this.#queue.push(next);
    this.#wake?.();
  }
}

/**
 * A call's status snapshot after one of its events (`task-created`, `task-status`, `progress`),
 * or undefined when the event changes nothing in it. What {@link TaskStatusFeed} does per event,
 * for an adapter that follows the calls of a whole run at once.
 */
export function nextTaskStatus(previous: TaskStatusOutput, event: ToolEvent): TaskStatusOutput | undefined {
  const next: TaskStatusOutput = { ...previous, ...fieldsOf(event) };
  return JSON.stringify(next) === JSON.stringify(previous) ? undefined : next;
}

/** The fields of a status snapshot that one event sets. */
function fieldsOf(event: ToolEvent): Omit<TaskStatusOutput, 'type'> {
  switch (event.type) {
    case 'task-created':
    case 'task-status':
      return {
        taskId: event.taskId,
        status: event.status,
        ...(event.statusMessage === undefined ? {} : { statusMessage: event.statusMessage }),
      };
    case 'progress':
      return {
        ...(event.taskId === undefined ? {} : { taskId: event.taskId }),
        progress: event.progress,
        ...(event.total === undefined ? {} : { total: event.total }),
        ...(event.message === undefined ? {} : { statusMessage: event.message }),
      };
  }
}
