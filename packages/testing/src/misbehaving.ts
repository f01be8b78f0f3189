import type { JSONRPCMessage, JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import { ErrorCode, RELATED_TASK_META_KEY } from '@modelcontextprotocol/sdk/types.js';
import { misbehavingTools, TaskFaults } from './misbehaving-tools.ts';
import type { FixtureTool } from './tools.ts';

/** The id `wrong_id_task`'s tasks/get answers carry instead of its own. */
export const ANOTHER_TASK_ID = 'another-task';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const TERMINAL = new Set(['completed', 'failed', 'cancelled']);
const internalError = (id: JSONRPCRequest['id'], message: string): JSONRPCMessage => ({
  jsonrpc: '2.0',
  id,
  error: { code: ErrorCode.InternalError, message },
});
/**
 * What the misbehaving tools make the server get wrong. The SDK's server validates what it sends,
 * so the faults are written into outgoing messages, after that validation, by {@link rewrite}; and
 * requests the SDK would answer properly are answered first by {@link intercept}.
 */
export class Misbehaviour {
  readonly #faults = new TaskFaults();

  /** The misbehaving tools, marking their tasks for this server's faults. */
  tools(): FixtureTool[] {
    return misbehavingTools(this.#faults);
  }

  /**
   * Answers an incoming request in the server's place, before the SDK sees it: the answer to send, or
   * undefined to let the SDK handle it.
   */
  intercept(request: JSONRPCRequest): JSONRPCMessage | undefined {
    const taskId = isObject(request.params) ? String(request.params.taskId) : '';
    if (request.method === 'tasks/get') {
      const failures = this.#faults.failingGets.get(taskId);
      if (failures !== undefined && failures > 0) {
        this.#faults.failingGets.set(taskId, failures - 1);
        return internalError(request.id, `Internal error: the task store is unavailable (${failures - 1} more)`);
      }
    }
    if (request.method === 'tasks/result') {
      const mode = this.#faults.earlyResult.get(taskId);
      if (mode === 'error') return internalError(request.id, 'Internal error: the result stream broke');
      if (mode === 'early')
        return {
          jsonrpc: '2.0',
          id: request.id,
          result: { content: [], _meta: { [RELATED_TASK_META_KEY]: { taskId } } },
        };
    }
    return undefined;
  }

  /**
   * Writes the configured faults into an outgoing message: what to send instead (several messages go out
   * in one write where the transport allows it). `method` is that of the request a response answers.
   */
  rewrite(message: JSONRPCMessage, method: string | undefined): JSONRPCMessage[] {
    if ('result' in message && isObject(message.result)) {
      const result = message.result as Json;
      const created = isObject(result.task) ? (result.task as Json) : undefined;
      if (created) return this.#rewriteCreated(message, result, created);
      const taskId = String(result.taskId);
      if (method === 'tasks/get' && this.#faults.wrongId.has(taskId))
        return [{ ...message, result: { ...result, taskId: ANOTHER_TASK_ID } }];
      if (method === 'tasks/get' && this.#faults.skew.has(taskId))
        return [{ ...message, result: this.#skewed(taskId, result) }];
      if (method === 'tasks/get' && this.#faults.relapse.has(taskId) && TERMINAL.has(String(result.status))) {
        if (!this.#faults.relapse.get(taskId)) this.#faults.relapse.set(taskId, true);
        else return [{ ...message, result: { ...result, status: 'working' } }];
      }
      if (this.#faults.badStatus.has(taskId) && 'status' in result)
        return [{ ...message, result: { ...result, status: 'paused' } }];
      const related = isObject(result._meta) ? (result._meta[RELATED_TASK_META_KEY] as Json | undefined) : undefined;
      if (related && this.#faults.resultError.has(String(related.taskId)))
        return [internalError(message.id, 'Internal error: the result store is unavailable')];
    }
    if ('method' in message && message.method === 'notifications/tasks/status' && isObject(message.params)) {
      const taskId = String(message.params.taskId);
      if (this.#faults.badStatus.has(taskId)) return [{ ...message, params: { ...message.params, status: 'paused' } }];
      if (this.#faults.skew.has(taskId)) return [{ ...message, params: this.#skewed(taskId, message.params) }];
    }
    return [message];
  }

  #rewriteCreated(message: JSONRPCMessage & { result: object }, result: Json, created: Json): JSONRPCMessage[] {
    const taskId = String(created.taskId);
    const kind = this.#faults.badCreate.get(taskId);
    if (kind === 'missing-task') return [{ ...message, result: { _meta: {} } }];
    if (kind === 'bad-status') return [{ ...message, result: { ...result, task: { ...created, status: 'finished' } } }];
    if (kind === 'task-id-not-string') return [{ ...message, result: { ...result, task: { ...created, taskId: 42 } } }];
    if (this.#faults.skew.has(taskId))
      return [{ ...message, result: { ...result, task: this.#skewed(taskId, created) } }];
    const order = this.#faults.earlyStatus.get(taskId);
    if (order === undefined) return [message];
    // The task is already complete; the answer pretends it was just created, the notification tells the truth.
    const notification: JSONRPCMessage = { jsonrpc: '2.0', method: 'notifications/tasks/status', params: created };
    const answer = {
      ...message,
      result: { ...result, task: { ...created, status: 'working', lastUpdatedAt: created.createdAt } },
    };
    return order === 'before' ? [notification, answer] : [answer, notification];
  }

  #skewed(taskId: string, task: Json): Json {
    const skew = this.#faults.skew.get(taskId) ?? 0;
    const shift = (value: unknown) =>
      typeof value === 'string' ? new Date(Date.parse(value) + skew).toISOString() : value;
    return { ...task, createdAt: shift(task.createdAt), lastUpdatedAt: shift(task.lastUpdatedAt) };
  }
}
