import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { isPlainObject, ProtocolError, TaskExpiredError } from '@toolwright/core';
import type { Connection, ProgressUpdate, RequestOptions } from './connection.ts';
import type { TaskProtocol, ToolCallOutcome, ToolCallRequest } from './task-protocol.ts';
import {
  type CallToolResult,
  parseCallToolResult,
  parseCreateTaskResult,
  parseTask,
  type TaskSnapshot,
} from './wire.ts';

/** Tasks as the MCP specification of 2025-11-25 defines them (SEP-1686). */
export class Tasks20251125 implements TaskProtocol {
  readonly version = '2025-11-25';
  readonly #connection: Connection;

  constructor(connection: Connection) {
    this.#connection = connection;
  }

  get serverKey(): string {
    return this.#connection.serverKey;
  }
  get supportsToolTasks(): boolean {
    return this.#connection.supportsToolTasks;
  }
  get supportsList(): boolean {
    return this.#connection.supportsTaskList;
  }
  get supportsCancel(): boolean {
    return this.#connection.supportsTaskCancel;
  }

  async callTool(request: ToolCallRequest, options: RequestOptions): Promise<ToolCallOutcome> {
    const params: Record<string, unknown> = { name: request.name, arguments: request.arguments };
    if (request.meta !== undefined) params._meta = request.meta;
    if (request.task !== undefined) params.task = request.task;
    const raw = await this.#connection.request('tools/call', params, options);
    const context = { what: 'tools/call result', toolName: request.name };
    // A server without task support answers a task request with the plain result, as the spec says it must.
    const isPlainResult = isPlainObject(raw) && 'content' in raw && !('task' in raw);
    if (request.task !== undefined && !isPlainResult) {
      const task = parseCreateTaskResult(raw, context);
      this.#connection.forgetTaskProgress(task.taskId);
      return { kind: 'task', task };
    }
    return { kind: 'result', result: parseCallToolResult(raw, context) };
  }

  async getTask(taskId: string, options?: RequestOptions): Promise<TaskSnapshot> {
    const raw = await this.#request('tasks/get', taskId, options);
    const task = parseTask(raw, { what: 'tasks/get result', taskId });
    if (task.taskId !== taskId)
      throw new ProtocolError(
        `The server answered tasks/get for task ${taskId} with another task (${describeId(task.taskId)}).`,
        { taskId },
      );
    return task;
  }

  async getResult(taskId: string, options?: RequestOptions): Promise<CallToolResult> {
    return parseCallToolResult(await this.#request('tasks/result', taskId, options), {
      what: 'tasks/result result',
      taskId,
    });
  }

  async cancelTask(taskId: string, options?: RequestOptions): Promise<TaskSnapshot> {
    const task = parseTask(await this.#request('tasks/cancel', taskId, options), {
      what: 'tasks/cancel result',
      taskId,
    });
    if (task.taskId !== taskId)
      throw new ProtocolError(
        `The server answered tasks/cancel for task ${taskId} with another task (${describeId(task.taskId)}).`,
        { taskId },
      );
    return task;
  }

  async listTasks(
    cursor: string | undefined,
    options?: RequestOptions,
  ): Promise<{ tasks: TaskSnapshot[]; nextCursor: string | undefined }> {
    const raw = await this.#connection.request('tasks/list', cursor === undefined ? {} : { cursor }, options);
    if (!isPlainObject(raw) || !Array.isArray(raw.tasks))
      throw new ProtocolError('The server sent a malformed tasks/list result: tasks must be an array.');
    const nextCursor = typeof raw.nextCursor === 'string' ? raw.nextCursor : undefined;
    return { tasks: raw.tasks.map((task) => parseTask(task, { what: 'tasks/list entry' })), nextCursor };
  }

  onTaskStatus(taskId: string, listener: (task: TaskSnapshot) => void): () => void {
    return this.#connection.onTaskStatus(taskId, listener);
  }
  newProgressToken(): string {
    return this.#connection.newProgressToken();
  }
  onProgress(token: string, listener: (update: ProgressUpdate) => void): () => void {
    return this.#connection.onProgress(token, listener);
  }
  onLost(listener: (error: Error) => void): () => void {
    return this.#connection.onLost(listener);
  }

  /** A task request; "Invalid params" for a task id means the server no longer has the task. */
  async #request(method: string, taskId: string, options: RequestOptions | undefined): Promise<unknown> {
    try {
      return await this.#connection.request(method, { taskId }, options);
    } catch (error) {
      if (
        error instanceof McpError &&
        error.code === ErrorCode.InvalidParams &&
        /not found|expired|unknown task/i.test(error.message)
      ) {
        throw new TaskExpiredError(
          `The server no longer has task ${taskId} (its ttl passed, or it was deleted): ${error.message}`,
          { taskId, cause: error },
        );
      }
      throw error;
    }
  }
}

function describeId(taskId: string): string {
  return taskId.length > 80 ? `${taskId.slice(0, 80)}…` : taskId;
}
