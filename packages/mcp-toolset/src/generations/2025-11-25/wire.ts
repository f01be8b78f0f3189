import { z } from 'zod/v4';
import { TASK_STATUSES, type TaskSnapshot } from '../../tasks/task-model.ts';
import { malformed, readWire, type WireContext } from '../../wire.ts';

// The wire of the 2025-11-25 tasks (SEP-1686), in this one place: each message is read through its
// schema, and a message that fails it becomes a ProtocolError naming what was read and the field.

/** A Task object (tasks/get, tasks/cancel, tasks/list entries, status notifications, CreateTaskResult.task). */
const TaskSchema = z.looseObject({
  taskId: z.string().min(1),
  status: z.enum(TASK_STATUSES),
  statusMessage: z.string().optional(),
  // The spec requires both timestamps; a server that omits them is tolerated, since nothing depends on them.
  createdAt: z.unknown().optional(),
  lastUpdatedAt: z.unknown().optional(),
  ttl: z.number().nonnegative().nullable().optional(),
  pollInterval: z.number().nonnegative().optional(),
});

const CreateTaskResultSchema = z.looseObject({ task: z.unknown().optional() });
const TaskListSchema = z.looseObject({ tasks: z.array(z.unknown()), nextCursor: z.unknown().optional() });

/** Validates a Task object and maps it to the neutral snapshot. */
export function parseTask(value: unknown, context: WireContext): TaskSnapshot {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    malformed(context, 'the task is missing or not an object');
  const taskId = (value as { taskId?: unknown }).taskId;
  const task = readWire(TaskSchema, value, typeof taskId === 'string' ? { ...context, taskId } : context);
  const { createdAt, lastUpdatedAt } = task;
  return {
    taskId: task.taskId,
    status: task.status,
    statusMessage: task.statusMessage,
    createdAt: typeof createdAt === 'string' ? createdAt : '',
    lastUpdatedAt: typeof lastUpdatedAt === 'string' ? lastUpdatedAt : typeof createdAt === 'string' ? createdAt : '',
    ttl: task.ttl ?? null,
    pollInterval: task.pollInterval,
  };
}

/** Validates a CreateTaskResult and returns its task. */
export function parseCreateTaskResult(value: unknown, context: WireContext): TaskSnapshot {
  return parseTask(readWire(CreateTaskResultSchema, value, context).task, context);
}

/** Validates a tasks/list result. */
export function parseTaskList(value: unknown): { tasks: TaskSnapshot[]; nextCursor: string | undefined } {
  const list = readWire(TaskListSchema, value, { what: 'tasks/list result' });
  return {
    tasks: list.tasks.map((task) => parseTask(task, { what: 'tasks/list entry' })),
    nextCursor: typeof list.nextCursor === 'string' ? list.nextCursor : undefined,
  };
}
