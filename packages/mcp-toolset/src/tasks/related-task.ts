import { RELATED_TASK_META_KEY } from '@modelcontextprotocol/client';
import { isPlainObject } from '@toolwright/core/internal';
import type { InputHandlers } from '../input-requests.ts';
import type { MCPToolsetOptions } from '../options.ts';

/** The task a server request (an elicitation, a sampling request) belongs to, from its `_meta`. */
export function relatedTaskId(meta: unknown): string | undefined {
  if (!isPlainObject(meta)) return undefined;
  const related = meta[RELATED_TASK_META_KEY];
  return isPlainObject(related) && typeof related.taskId === 'string' ? related.taskId : undefined;
}

/** The `_meta` entry that relates a server request to task `taskId`. */
export function relatedTaskMeta(taskId: string): Record<string, unknown> {
  return { [RELATED_TASK_META_KEY]: { taskId } };
}

/**
 * The toolset's `elicitation` and `sampling` options as the connection's input handlers: each is
 * told the task the request belongs to (read from its `_meta`, the same key in both generations).
 */
export function inputHandlers(options: MCPToolsetOptions): InputHandlers {
  const { elicitation, sampling } = options;
  return {
    elicitation:
      elicitation && ((params, signal) => elicitation(params, { taskId: relatedTaskId(params._meta), signal })),
    sampling: sampling && ((params, signal) => sampling(params, { taskId: relatedTaskId(params._meta), signal })),
  };
}
