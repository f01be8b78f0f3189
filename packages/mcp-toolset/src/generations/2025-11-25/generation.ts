import { ProtocolError as JsonRpcError, ProtocolErrorCode } from '@modelcontextprotocol/client';
import { isPlainObject } from '@toolwright/core/internal';
import type { Clock } from '../../clock.ts';
import type { Connection, RequestOptions } from '../../connection.ts';
import { noInputHandler } from '../../input-requests.ts';
import { ConnectionGeneration } from '../../tasks/generation-base.ts';
import { relatedTaskId } from '../../tasks/related-task.ts';
import type {
  CancelAnswer,
  InputHooks,
  InputStrategy,
  TaskGeneration,
  TaskSupport,
  ToolCallOutcome,
  ToolCallRequest,
  ToolRouting,
} from '../../tasks/task-generation.ts';
import type { TaskOutcome, TaskSnapshot } from '../../tasks/task-model.ts';
import { type MCPCallToolResult, parseCallToolResult } from '../../wire.ts';
import { HeldOpenResult, type HeldOpenRetry } from './held-open-result.ts';
import { parseCreateTaskResult, parseTask, parseTaskList } from './wire.ts';

/**
 * Tasks as the MCP specification of 2025-11-25 defines them (SEP-1686): the client asks for a
 * task per call (`task` param) where the tool's `execution.taskSupport` allows it; the server
 * pushes notifications/tasks/status; input is served on a held-open tasks/result; tasks/cancel
 * confirms; tasks/list lists.
 */
export class Tasks20251125 extends ConnectionGeneration implements TaskGeneration {
  readonly version = '2025-11-25';
  readonly serverDecides = false;
  readonly ttlIsBackstop = false;
  readonly #inputRetry: HeldOpenRetry;

  /**
   * Installs the status notification route on `connection`; `clock` keeps the time, `inputRetry`
   * bounds the input strategy's wait before it asks again.
   */
  constructor(connection: Connection, clock: Clock, inputRetry: HeldOpenRetry) {
    super(connection, clock, 'notifications/tasks/status', (params) =>
      parseTask(params, { what: 'task status notification' }),
    );
    this.#inputRetry = inputRetry;
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
    // Input the server asked for during the call that nothing could answer explains its failure.
    const refusedMark = this.connection.refusedMark;
    let raw: unknown;
    try {
      raw = await this.connection.request('tools/call', params, options);
    } catch (error) {
      throw this.#unanswered(request.name, refusedMark, error) ?? error;
    }
    const context = { what: 'tools/call result', toolName: request.name };
    // A server without task support answers a task request with the plain result, as the spec says it must.
    const isPlainResult = isPlainObject(raw) && 'content' in raw && !('task' in raw);
    if (request.task !== undefined && !isPlainResult) {
      const task = parseCreateTaskResult(raw, context);
      return { kind: 'task', task };
    }
    const result = parseCallToolResult(raw, context);
    const unanswered = result.isError ? this.#unanswered(request.name, refusedMark) : undefined;
    if (unanswered !== undefined) throw unanswered;
    return { kind: 'result', result };
  }

  /**
   * The error of a call of `toolName` the server asked input for (since `refusedMark`, not about a
   * task) that nothing could answer; undefined when it asked none.
   */
  #unanswered(toolName: string, refusedMark: number, cause?: unknown): Error | undefined {
    const refused = this.connection.refusedSince(refusedMark).find((input) => relatedTaskId(input.meta) === undefined);
    if (refused === undefined) return undefined;
    return Object.assign(noInputHandler(`Tool '${toolName}'`, refused.method), { cause });
  }

  async getTask(taskId: string, options?: RequestOptions): Promise<TaskSnapshot> {
    const raw = await this.taskRequest('tasks/get', taskId, {}, options);
    return this.sameTask(parseTask(raw, { what: 'tasks/get result', taskId }), taskId, 'tasks/get');
  }

  /** tasks/result; for a failed task it answers the JSON-RPC error the call itself would have. */
  fetchOutcome(task: TaskSnapshot, options?: RequestOptions): Promise<TaskOutcome> {
    return this.#result(task.taskId, options).then(
      (result) => ({ kind: 'result', result }),
      (error: unknown) => {
        if (task.status === 'failed' && error instanceof JsonRpcError)
          return { kind: 'error', code: error.code, message: error.message, cause: error };
        throw error;
      },
    );
  }

  async cancelTask(taskId: string, options?: RequestOptions): Promise<CancelAnswer> {
    let raw: unknown;
    try {
      raw = await this.taskRequest('tasks/cancel', taskId, {}, options);
    } catch (error) {
      // Already terminal on the server (it finished first): the caller learns how it ended.
      if (error instanceof JsonRpcError && error.code === ProtocolErrorCode.InvalidParams)
        return { kind: 'already-ended' };
      throw error;
    }
    const task = parseTask(raw, { what: 'tasks/cancel result', taskId });
    return { kind: 'accepted', task: this.sameTask(task, taskId, 'tasks/cancel') };
  }

  async listTasks(
    cursor: string | undefined,
    options?: RequestOptions,
  ): Promise<{ tasks: TaskSnapshot[]; nextCursor: string | undefined }> {
    return parseTaskList(await this.connection.request('tasks/list', cursor === undefined ? {} : { cursor }, options));
  }

  /**
   * Input is served on a held-open tasks/result, so the server can send its requests; a request
   * the toolset has no handler for (the server asked anyway) cancels the task with an error that
   * names the option. Without any handler, the task is cancelled as soon as it needs input.
   */
  inputStrategy(taskId: string, hooks: InputHooks, clock: Clock): InputStrategy {
    const answersInput =
      this.connection.answers('elicitation/create') || this.connection.answers('sampling/createMessage');
    if (!answersInput) return new NoInputHandler(taskId, hooks);
    const held = new HeldOpenResult(
      async (options) => ({ kind: 'result', result: await this.#result(taskId, options) }),
      hooks,
      clock,
      this.#inputRetry,
    );
    const stopWatching = this.connection.onInputRefused((input) => {
      if (relatedTaskId(input.meta) === taskId)
        hooks.abandon(
          noInputHandler(`Task ${taskId} of tool '${hooks.toolName}'`, input.method, ', so the task was cancelled'),
        );
    });
    return {
      onSnapshot: (task) => held.onSnapshot(task),
      takeOutcome: () => held.takeOutcome(),
      dispose: () => {
        stopWatching();
        held.dispose();
      },
    };
  }

  #tasks() {
    return this.connection.client.getServerCapabilities()?.tasks;
  }

  #result(taskId: string, options: RequestOptions | undefined): Promise<MCPCallToolResult> {
    return this.taskRequest('tasks/result', taskId, {}, options).then((raw) =>
      parseCallToolResult(raw, { what: 'tasks/result result', taskId }),
    );
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
    this.#hooks.abandon(
      noInputHandler(
        `Task ${this.#taskId} of tool '${this.#hooks.toolName}'`,
        'elicitation/create',
        ', so the task was cancelled',
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
