import type { TaskStatusSnapshot } from '@toolwright/core/internal';

/**
 * What a tool call yields as a preliminary result while it runs: the latest status of its task
 * and its progress. A `streamText` UI receives each as a preliminary tool output
 * (`preliminary: true`), then the final result. Fields are absent until known.
 */
export interface TaskStatusOutput {
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

/** A status snapshot as the preliminary result the AI SDK streams. */
export function toTaskStatusOutput(snapshot: TaskStatusSnapshot): TaskStatusOutput {
  return { type: 'task-status', ...snapshot };
}
