import { isPlainObject, ProtocolError } from '@toolwright/core';
import { TASK_STATUSES, type TaskSnapshot, type TaskStatus } from './task-model.ts';
import { describeValue, isNonNegativeNumber, malformed, type WireContext } from './wire.ts';

// The wire of the 2025-11-25 tasks (SEP-1686), read in this one place: a malformed message becomes
// a ProtocolError naming what was read and the field.

/** Validates a Task object (tasks/get, tasks/cancel, tasks/list entries, status notifications, CreateTaskResult.task). */
export function parseTask(value: unknown, context: WireContext): TaskSnapshot {
  if (!isPlainObject(value)) malformed(context, 'the task is missing or not an object');
  const { taskId, status, statusMessage, createdAt, lastUpdatedAt, ttl, pollInterval } = value;
  if (typeof taskId !== 'string' || taskId.length === 0)
    malformed(context, `taskId must be a non-empty string, got ${describeValue(taskId)}`);
  const withTask = { ...context, taskId };
  if (typeof status !== 'string' || !(TASK_STATUSES as readonly string[]).includes(status)) {
    malformed(
      withTask,
      `task ${taskId} has status ${describeValue(status)}, which is not one of ${TASK_STATUSES.join(', ')}`,
    );
  }
  if (statusMessage !== undefined && typeof statusMessage !== 'string')
    malformed(withTask, 'statusMessage must be a string');
  if (ttl !== undefined && ttl !== null && !isNonNegativeNumber(ttl))
    malformed(withTask, 'ttl must be a non-negative number or null');
  if (pollInterval !== undefined && !isNonNegativeNumber(pollInterval))
    malformed(withTask, 'pollInterval must be a non-negative number');
  return {
    taskId,
    status: status as TaskStatus,
    statusMessage,
    // The spec requires both timestamps; a server that omits them is tolerated, since nothing depends on them.
    createdAt: typeof createdAt === 'string' ? createdAt : '',
    lastUpdatedAt: typeof lastUpdatedAt === 'string' ? lastUpdatedAt : typeof createdAt === 'string' ? createdAt : '',
    ttl: typeof ttl === 'number' ? ttl : null,
    pollInterval: pollInterval as number | undefined,
  };
}

/** Validates a CreateTaskResult and returns its task. */
export function parseCreateTaskResult(value: unknown, context: WireContext): TaskSnapshot {
  if (!isPlainObject(value)) malformed(context, 'the result is not an object');
  return parseTask(value.task, context);
}

/** Validates a tasks/list result. */
export function parseTaskList(value: unknown): { tasks: TaskSnapshot[]; nextCursor: string | undefined } {
  if (!isPlainObject(value) || !Array.isArray(value.tasks))
    throw new ProtocolError('The server sent a malformed tasks/list result: tasks must be an array.');
  const nextCursor = typeof value.nextCursor === 'string' ? value.nextCursor : undefined;
  return { tasks: value.tasks.map((task) => parseTask(task, { what: 'tasks/list entry' })), nextCursor };
}
