import { isPlainObject, type JsonObject, ProtocolError, toJsonValue } from '@toolwright/core';

/** The statuses of a task (MCP 2025-11-25). */
export const TASK_STATUSES = ['working', 'input_required', 'completed', 'failed', 'cancelled'] as const;

/** A task's status. */
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** The statuses after which a task never changes. */
export function isTerminalStatus(status: TaskStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'cancelled';
}

/** A task's state as the server last reported it. */
export interface TaskSnapshot {
  readonly taskId: string;
  readonly status: TaskStatus;
  readonly statusMessage: string | undefined;
  readonly createdAt: string;
  readonly lastUpdatedAt: string;
  /** Milliseconds from creation the server keeps the task; `null` for unlimited. */
  readonly ttl: number | null;
  /** The server's suggested polling interval in milliseconds, when it gave one. */
  readonly pollInterval: number | undefined;
}

/** One content part of a tool result, as MCP sends it. */
export type ContentPart = { readonly type: string } & Readonly<Record<string, unknown>>;

/** A tool result, as MCP sends it (validated). */
export interface CallToolResult {
  readonly content: readonly ContentPart[];
  readonly structuredContent: JsonObject | undefined;
  readonly isError: boolean;
  readonly meta: JsonObject | undefined;
}

/** What went wrong, for a {@link ProtocolError} message. */
type Context = { readonly what: string; readonly toolName?: string | undefined; readonly taskId?: string | undefined };

function fail(context: Context, problem: string): never {
  const subject = context.toolName ? `${context.what} for tool '${context.toolName}'` : context.what;
  throw new ProtocolError(`The server sent a malformed ${subject}: ${problem}.`, {
    ...(context.toolName === undefined ? {} : { toolName: context.toolName }),
    ...(context.taskId === undefined ? {} : { taskId: context.taskId }),
  });
}

/** Validates a Task object (tasks/get, tasks/cancel, tasks/list entries, status notifications, CreateTaskResult.task). */
export function parseTask(value: unknown, context: Context): TaskSnapshot {
  if (!isPlainObject(value)) fail(context, 'the task is missing or not an object');
  const { taskId, status, statusMessage, createdAt, lastUpdatedAt, ttl, pollInterval } = value;
  if (typeof taskId !== 'string' || taskId.length === 0)
    fail(context, `taskId must be a non-empty string, got ${describe(taskId)}`);
  const withTask = { ...context, taskId };
  if (typeof status !== 'string' || !(TASK_STATUSES as readonly string[]).includes(status)) {
    fail(withTask, `task ${taskId} has status ${describe(status)}, which is not one of ${TASK_STATUSES.join(', ')}`);
  }
  if (statusMessage !== undefined && typeof statusMessage !== 'string')
    fail(withTask, 'statusMessage must be a string');
  if (ttl !== undefined && ttl !== null && !isNonNegativeNumber(ttl))
    fail(withTask, 'ttl must be a non-negative number or null');
  if (pollInterval !== undefined && !isNonNegativeNumber(pollInterval))
    fail(withTask, 'pollInterval must be a non-negative number');
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
export function parseCreateTaskResult(value: unknown, context: Context): TaskSnapshot {
  if (!isPlainObject(value)) fail(context, 'the result is not an object');
  return parseTask(value.task, context);
}

/** Validates a CallToolResult (tools/call, tasks/result). */
export function parseCallToolResult(value: unknown, context: Context): CallToolResult {
  if (!isPlainObject(value)) fail(context, 'the result is not an object');
  const { content, structuredContent, isError, _meta } = value;
  if (content !== undefined && !Array.isArray(content)) fail(context, 'content must be an array');
  const parts = (content ?? []) as unknown[];
  parts.forEach((part, index) => {
    if (!isPlainObject(part) || typeof part.type !== 'string') fail(context, `content[${index}] has no string type`);
  });
  if (structuredContent !== undefined && !isPlainObject(structuredContent))
    fail(context, 'structuredContent must be an object');
  if (isError !== undefined && typeof isError !== 'boolean') fail(context, 'isError must be a boolean');
  return {
    content: parts as ContentPart[],
    structuredContent: structuredContent === undefined ? undefined : (toJsonValue(structuredContent) as JsonObject),
    isError: isError === true,
    meta: isPlainObject(_meta) ? (toJsonValue(_meta) as JsonObject) : undefined,
  };
}

function isNonNegativeNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text === undefined ? typeof value : text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
