import type { RunEvents, ToolEvent } from './events.ts';

/**
 * The latest status of one tool call's task and its progress, as adapters show it while the call
 * runs. Fields are absent until known.
 */
export interface TaskStatusSnapshot {
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

/** The event types that change a {@link TaskStatusSnapshot}. */
export const TASK_STATUS_EVENTS = ['task-created', 'task-status', 'progress'] as const;

/** The snapshot after `event`, or undefined when the event changes nothing in it. */
export function nextTaskStatus(previous: TaskStatusSnapshot, event: ToolEvent): TaskStatusSnapshot | undefined {
  const next: TaskStatusSnapshot = { ...previous, ...fieldsOf(event) };
  return JSON.stringify(next) === JSON.stringify(previous) ? undefined : next;
}

/**
 * The status updates of one tool call, taken from the run's events while the call runs. Each
 * event that changes the snapshot queues a copy; `updates(done)` yields them in order until
 * `done` settles, then the ones still queued. `close()` stops listening.
 */
export class TaskStatusFeed {
  #snapshot: TaskStatusSnapshot = {};
  readonly #queue: TaskStatusSnapshot[] = [];
  #wake: (() => void) | undefined;
  readonly #stop: (() => void)[];

  constructor(events: RunEvents, toolCallId: string) {
    const listener = (event: ToolEvent) => {
      if (event.toolCallId === toolCallId) this.#apply(event);
    };
    this.#stop = TASK_STATUS_EVENTS.map((type) => events.on(type, listener));
  }

  /** Yields each update as it comes until `done` settles (whatever its outcome), then the rest queued. */
  async *updates(done: Promise<unknown>): AsyncGenerator<TaskStatusSnapshot> {
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

  /** Stops listening to the run's events, and ends a wait for the next update. */
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

/** The fields of a status snapshot that one event sets. */
function fieldsOf(event: ToolEvent): TaskStatusSnapshot {
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
