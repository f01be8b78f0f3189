import { ProtocolError as JsonRpcError } from '@modelcontextprotocol/client';
import { isPlainObject } from '@toolwright/core/internal';
import { z } from 'zod/v4';
import { TASK_STATUSES, type TaskInputRequest, type TaskOutcome, type TaskSnapshot } from '../../tasks/task-model.ts';
import {
  describeValue,
  type MCPCallToolResult,
  malformed,
  parseCallToolResult,
  readWire,
  type WireContext,
} from '../../wire.ts';

// The wire of the 2026-07-28 tasks extension (io.modelcontextprotocol/tasks, SEP-2663) and of the
// base protocol's multi round-trip requests (SEP-2322), in this one place: each message is read
// through its schema, and a message that fails it becomes a ProtocolError naming what was read and
// the field.

/** The extension's identifier, as declared in capabilities. */
export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';

const InputRequestSchema = z.looseObject({
  method: z.string().min(1),
  params: z.record(z.string(), z.unknown()).optional(),
});

const InputRequestsSchema = z.record(z.string(), InputRequestSchema);

const JsonRpcErrorSchema = z.looseObject({ code: z.number().int(), message: z.string(), data: z.unknown().optional() });

/** A Task, or a DetailedTask with its status's inline payload (tasks/get, notifications/tasks, CreateTaskResult). */
const DetailedTaskSchema = z.looseObject({
  taskId: z.string().min(1),
  status: z.enum(TASK_STATUSES),
  statusMessage: z.string().optional(),
  // Required by the spec; a server that omits them is tolerated, since nothing depends on them.
  createdAt: z.unknown().optional(),
  lastUpdatedAt: z.unknown().optional(),
  ttlMs: z.number().nonnegative().nullable().optional(),
  pollIntervalMs: z.number().nonnegative().optional(),
  result: z.unknown().optional(),
  error: z.unknown().optional(),
  inputRequests: z.unknown().optional(),
});

const InputRequiredResultSchema = z.looseObject({
  inputRequests: InputRequestsSchema.optional(),
  requestState: z.string().optional(),
});

/** What a tools/call answered on 2026-07-28, by its `resultType`. */
export type CallAnswer =
  | { readonly kind: 'result'; readonly result: MCPCallToolResult }
  | { readonly kind: 'task'; readonly task: TaskSnapshot }
  | {
      readonly kind: 'input-required';
      readonly inputRequests: readonly TaskInputRequest[];
      readonly requestState: string | undefined;
    };

/**
 * Reads a tools/call answer: `"task"` is a CreateTaskResult (flat task fields), `"input_required"` a
 * multi round-trip request, `"complete"` or none (as the spec's examples write inline results) the
 * tool's result. Any other `resultType` is not one a tools/call can have.
 */
export function parseCallAnswer(value: unknown, context: WireContext): CallAnswer {
  if (!isPlainObject(value)) malformed(context, 'the result is not an object');
  const { resultType } = value;
  if (resultType === 'task') return { kind: 'task', task: parseDetailedTask(value, context) };
  if (resultType === 'input_required') {
    const answer = readWire(InputRequiredResultSchema, value, context);
    const inputRequests = toInputRequests(answer.inputRequests ?? {});
    if (inputRequests.length === 0 && answer.requestState === undefined)
      malformed(context, 'an input_required result carries neither inputRequests nor requestState');
    return { kind: 'input-required', inputRequests, requestState: answer.requestState };
  }
  if (resultType === undefined || resultType === 'complete')
    return { kind: 'result', result: parseCallToolResult(value, context) };
  return malformed(context, `resultType ${describeValue(resultType)} is not one a tools/call result can have`);
}

/**
 * Validates a DetailedTask (a tasks/get result, a notifications/tasks payload, a CreateTaskResult)
 * and maps it to the neutral snapshot, with the outcome of a terminal task and the input requests
 * of one that waits for input inline.
 */
export function parseDetailedTask(value: unknown, context: WireContext): TaskSnapshot {
  if (!isPlainObject(value)) malformed(context, 'the task is missing or not an object');
  const taskId = value.taskId;
  const withTask = typeof taskId === 'string' ? { ...context, taskId } : context;
  const task = readWire(DetailedTaskSchema, value, withTask);
  const { createdAt, lastUpdatedAt } = task;
  const snapshot: TaskSnapshot = {
    taskId: task.taskId,
    status: task.status,
    statusMessage: task.statusMessage,
    createdAt: typeof createdAt === 'string' ? createdAt : '',
    lastUpdatedAt: typeof lastUpdatedAt === 'string' ? lastUpdatedAt : typeof createdAt === 'string' ? createdAt : '',
    ttl: task.ttlMs ?? null,
    pollInterval: task.pollIntervalMs,
  };
  if (task.status === 'completed') {
    if (task.result === undefined) malformed(withTask, 'a completed task carries no result');
    // The inlined result may carry `resultType: "complete"` or, as in the spec's examples, none.
    const result = parseCallToolResult(task.result, { ...withTask, what: `${context.what} (its result)` });
    return { ...snapshot, outcome: { kind: 'result', result } };
  }
  if (task.status === 'failed') return { ...snapshot, outcome: failure(task.error, withTask) };
  if (task.status === 'input_required' && task.inputRequests !== undefined) {
    const requests = readWire(InputRequestsSchema, task.inputRequests, {
      ...withTask,
      what: `${context.what} (its inputRequests)`,
    });
    return { ...snapshot, inputRequests: toInputRequests(requests) };
  }
  return snapshot;
}

/** The JSON-RPC error a failed task carries, as an outcome whose cause is the SDK's error class. */
function failure(value: unknown, context: WireContext): TaskOutcome {
  if (value === undefined) malformed(context, 'a failed task carries no error');
  const error = readWire(JsonRpcErrorSchema, value, { ...context, what: `${context.what} (its error)` });
  return {
    kind: 'error',
    code: error.code,
    message: error.message,
    cause: JsonRpcError.fromError(error.code, error.message, error.data),
  };
}

function toInputRequests(requests: z.output<typeof InputRequestsSchema>): TaskInputRequest[] {
  return Object.entries(requests).map(([key, request]) => ({
    key,
    method: request.method,
    params: request.params ?? {},
  }));
}
