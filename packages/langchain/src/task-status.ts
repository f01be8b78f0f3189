import { isTaskStatusOutput, type TaskStatusOutput } from '@toolwright/core';

/** The name of the custom events that carry task status in `streamEvents` (`on_custom_event`). */
export const TASK_STATUS_EVENT = 'toolwright_task_status';

/**
 * A tool call's task status or progress, as it streams while the call runs: a chunk of
 * `streamMode: 'custom'`, the `data` of an `on_tool_event` of `streamMode: 'tools'`, and the
 * `data` of an `on_custom_event` named {@link TASK_STATUS_EVENT} in `streamEvents`. It is the
 * call's latest `TaskStatusOutput` (the shape every Toolwright adapter streams), with the tool and
 * the call it belongs to; fields are absent until known.
 */
export interface TaskStatusUpdate extends TaskStatusOutput {
  /** The tool, as the model called it. */
  readonly toolName: string;
  /** The tool call's id (the `tool_call_id` of its tool message). */
  readonly toolCallId: string;
}

/** True for a {@link TaskStatusUpdate}: tells it from other custom chunks. */
export function isTaskStatusUpdate(value: unknown): value is TaskStatusUpdate {
  return isTaskStatusOutput(value) && typeof (value as { toolCallId?: unknown }).toolCallId === 'string';
}
