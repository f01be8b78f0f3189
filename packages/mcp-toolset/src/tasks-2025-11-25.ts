import { ProtocolError as JsonRpcError, ProtocolErrorCode, RELATED_TASK_META_KEY } from '@modelcontextprotocol/client';
import { ProtocolError, TaskExpiredError, UserError } from '@toolwright/core';
import { isPlainObject } from '@toolwright/core/internal';
import { z } from 'zod/v4';
import type { Clock } from './clock.ts';
import type { Connection, RequestOptions } from './connection.ts';
import { ConnectionGeneration } from './generation-base.ts';
import { HeldOpenResult } from './held-open-result.ts';
import type {
  CancelAnswer,
  InputHooks,
  InputStrategy,
  TaskGeneration,
  TaskSupport,
  ToolCallOutcome,
  ToolCallRequest,
  ToolRouting,
} from './task-generation.ts';
import type { TaskOutcome, TaskSnapshot } from './task-model.ts';
import { TaskStatusHub } from './task-status-hub.ts';
import { parseCreateTaskResult, parseTask, parseTaskList } from './tasks-2025-11-25-wire.ts';
import { parseCallToolResult } from './wire.ts';

/**
 * Tasks as the MCP specification of 2025-11-25 defines them (SEP-1686): the client asks for a
 * task per call (`task` param) where the tool's `execution.taskSupport` allows it; the server
 * pushes notifications/tasks/status; input is served on a held-open tasks/result; tasks/cancel
 * confirms; tasks/list lists.
 */
export class Tasks20251125 extends ConnectionGeneration implements TaskGeneration {
  readonly version = '2025-11-25';
  readonly #hub = new TaskStatusHub();
  readonly #maxPollMs: number;

  /** Installs the status notification route on `connection`; `maxPollMs` caps the input strategy's retry wait. */
  constructor(connection: Connection, maxPollMs: number) {
    super(connection);
    this.#maxPollMs = maxPollMs;
    // The 3-argument form hands over the params unparsed (z.unknown()); the wire module reads them.
    connection.client.setNotificationHandler('notifications/tasks/status', { params: z.unknown() }, (params) => {
      this.#hub.deliver(parseTask(params, { what: 'task status notification' }));
    });
    connection.relatedTaskOf = relatedTaskId;
    connection.onLost(() => this.#hub.clear());
  }

  /** Capability `tasks.requests.tools.call`. */
  get supportsToolTasks(): boolean {
    return this.#tasks()?.requests?.tools?.call !== undefined;
  }
  get supportsList(): boolean {
    return this.#tasks()?.list !== undefined;
  }
  readonly noListReason = 'does not offer tasks/list (no tasks.list capability)';
  get supportsCancel(): boolean {
    return this.#tasks()?.cancel !== undefined;
  }

  routing(execution: unknown, preferTasks: boolean): ToolRouting {
    const taskSupport = readTaskSupport(execution);
    return { taskSupport, task: this.useTask(preferTasks, taskSupport) };
  }

  /**
   * "Tool-Level Negotiation": without the server's `tasks.requests.tools.call` capability, never; a
   * `required` tool, always; `optional`, as wished; `forbidden` or absent, never.
   */
  useTask(wish: boolean, taskSupport: TaskSupport): boolean {
    if (!this.supportsToolTasks) return false;
    if (taskSupport === 'required') return true;
    if (taskSupport === 'optional') return wish;
    return false;
  }

  whyNoTask(taskSupport: TaskSupport): string | undefined {
    if (this.useTask(true, taskSupport)) return undefined;
    return this.supportsToolTasks
      ? `its taskSupport is ${taskSupport === null ? 'absent' : `'${taskSupport}'`}`
      : 'the server does not support task-augmented tool calls';
  }

  async callTool(request: ToolCallRequest, options: RequestOptions): Promise<ToolCallOutcome> {
    const params: Record<string, unknown> = { name: request.name, arguments: request.arguments };
    if (request.meta !== undefined) params._meta = request.meta;
    if (request.task !== undefined) params.task = request.task;
    const raw = await this.connection.request('tools/call', params, options);
    const context = { what: 'tools/call result', toolName: request.name };
    // A server without task support answers a task request with the plain result, as the spec says it must.
    const isPlainResult = isPlainObject(raw) && 'content' in raw && !('task' in raw);
    if (request.task !== undefined && !isPlainResult) {
      const task = parseCreateTaskResult(raw, context);
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

  /** tasks/result; for a failed task it answers the JSON-RPC error the call itself would have. */
  async fetchOutcome(task: TaskSnapshot, options?: RequestOptions): Promise<TaskOutcome> {
    try {
      return { kind: 'result', result: await this.#result(task.taskId, options) };
    } catch (error) {
      if (task.status === 'failed' && error instanceof JsonRpcError)
        return { kind: 'error', code: error.code, message: error.message, cause: error };
      throw error;
    }
  }

  async cancelTask(taskId: string, options?: RequestOptions): Promise<CancelAnswer> {
    let raw: unknown;
    try {
      raw = await this.#request('tasks/cancel', taskId, options);
    } catch (error) {
      // Already terminal on the server (it finished first): the caller learns how it ended.
      if (error instanceof JsonRpcError && error.code === ProtocolErrorCode.InvalidParams)
        return { kind: 'already-ended' };
      throw error;
    }
    const task = parseTask(raw, { what: 'tasks/cancel result', taskId });
    if (task.taskId !== taskId)
      throw new ProtocolError(
        `The server answered tasks/cancel for task ${taskId} with another task (${describeId(task.taskId)}).`,
        { taskId },
      );
    return { kind: 'accepted', task };
  }

  async listTasks(
    cursor: string | undefined,
    options?: RequestOptions,
  ): Promise<{ tasks: TaskSnapshot[]; nextCursor: string | undefined }> {
    return parseTaskList(await this.connection.request('tasks/list', cursor === undefined ? {} : { cursor }, options));
  }

  watch(taskId: string, listener: (task: TaskSnapshot) => void): () => void {
    return this.#hub.subscribe(taskId, listener);
  }

  inputStrategy(taskId: string, hooks: InputHooks, clock: Clock): InputStrategy {
    if (!this.connection.answersInput) return new NoInputHandler(taskId, hooks);
    return new HeldOpenResult(
      async (options) => ({ kind: 'result', result: await this.#result(taskId, options) }),
      hooks,
      clock,
      this.#maxPollMs,
    );
  }

  #tasks() {
    return this.connection.client.getServerCapabilities()?.tasks;
  }

  async #result(taskId: string, options: RequestOptions | undefined) {
    return parseCallToolResult(await this.#request('tasks/result', taskId, options), {
      what: 'tasks/result result',
      taskId,
    });
  }

  /** A task request; "Invalid params" for a task id means the server no longer has the task. */
  async #request(method: string, taskId: string, options: RequestOptions | undefined): Promise<unknown> {
    try {
      return await this.connection.request(method, { taskId }, options);
    } catch (error) {
      if (
        error instanceof JsonRpcError &&
        error.code === ProtocolErrorCode.InvalidParams &&
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

/**
 * Input when the toolset has no handler to answer it: holding tasks/result open would only let the
 * server's elicitation fail as "Method not found" on its side. The task is cancelled instead and the
 * caller told which option answers it.
 */
class NoInputHandler implements InputStrategy {
  readonly #taskId: string;
  readonly #hooks: InputHooks;

  constructor(taskId: string, hooks: InputHooks) {
    this.#taskId = taskId;
    this.#hooks = hooks;
  }

  onSnapshot(task: TaskSnapshot): void {
    if (task.status !== 'input_required') return;
    const toolName = this.#hooks.toolName;
    this.#hooks.abandon(
      new UserError(
        `Task ${this.#taskId} of tool '${toolName}' needs input (input_required), but the toolset has no handler to answer it, so the task was cancelled. ` +
          'Pass the `elicitation` option to MCPToolset: ' +
          "elicitation: async (request, context) => ({ action: 'accept', content: { ... } }).",
      ),
    );
  }

  takeOutcome(): TaskOutcome | undefined {
    return undefined;
  }

  dispose(): void {}
}

/** Reads `execution.taskSupport` from a tools/list entry; unknown values count as absent (no task). */
export function readTaskSupport(execution: unknown): TaskSupport {
  const value =
    typeof execution === 'object' && execution !== null
      ? (execution as { taskSupport?: unknown }).taskSupport
      : undefined;
  return value === 'required' || value === 'optional' || value === 'forbidden' ? value : null;
}

/** The task a server request (an elicitation, a sampling request) belongs to, from its `_meta`. */
function relatedTaskId(meta: unknown): string | undefined {
  if (!isPlainObject(meta)) return undefined;
  const related = meta[RELATED_TASK_META_KEY];
  return isPlainObject(related) && typeof related.taskId === 'string' ? related.taskId : undefined;
}

function describeId(taskId: string): string {
  return taskId.length > 80 ? `${taskId.slice(0, 80)}…` : taskId;
}
