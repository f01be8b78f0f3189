import type { TaskStatusSnapshot } from '@toolwright/core/internal';

/** The name of the custom events that carry task status (`streamEvents`: `on_custom_event`). */
export const TASK_STATUS_EVENT = 'toolwright_task_status';

/**
 * A tool call's task status or progress, as it streams while the call runs: a chunk of
 * `streamMode: 'custom'`, the `data` of an `on_tool_event` of `streamMode: 'tools'`, and the
 * `data` of an `on_custom_event` named {@link TASK_STATUS_EVENT} in `streamEvents`. Each one is
 * the call's latest snapshot; fields are absent until known.
 */
export interface TaskStatusUpdate {
  readonly type: typeof TASK_STATUS_EVENT;
  /** The tool, as the model called it. */
  readonly toolName: string;
  /** The tool call's id (the `tool_call_id` of its tool message). */
  readonly toolCallId: string;
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

/** True for a {@link TaskStatusUpdate}: tells it from other custom chunks. */
export function isTaskStatusUpdate(value: unknown): value is TaskStatusUpdate {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === TASK_STATUS_EVENT;
}

/** A status snapshot of one call as the update that streams. */
export function toTaskStatusUpdate(
  toolName: string,
  toolCallId: string,
  snapshot: TaskStatusSnapshot,
): TaskStatusUpdate {
  return { type: TASK_STATUS_EVENT, toolName, toolCallId, ...snapshot };
}
