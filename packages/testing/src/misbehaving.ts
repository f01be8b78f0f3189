import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { ErrorCode, McpError, RELATED_TASK_META_KEY } from '@modelcontextprotocol/sdk/types.js';
import { type FixtureTool, sleep } from './tools.ts';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] });
/** Stays pending until the task is cancelled or the server closes. */
const forever = (signal: AbortSignal) => sleep(2_147_483_647, signal);

/**
 * What the misbehaving tools make the server get wrong. The SDK's server validates what it sends,
 * so the faults are written into outgoing messages, after that validation, by {@link rewrite}.
 */
export class Misbehaviour {
  /** Task id → the kind of malformed CreateTaskResult to send for it. */
  readonly #badCreate = new Map<string, string>();
  /** Tasks whose status is reported as the unknown value 'paused'. */
  readonly #badStatus = new Set<string>();
  /** Tasks whose tasks/result answers with a JSON-RPC error. */
  readonly #resultError = new Set<string>();

  /** The misbehaving tools, all required-task tools but `proto_keys`. */
  tools(): FixtureTool[] {
    const schema = (properties: Record<string, object> = {}) => ({ type: 'object' as const, properties });
    return [
      {
        /** Its task-augmented call answers with a malformed CreateTaskResult: no task, a bad status, or a taskId that is not a string. */
        definition: {
          name: 'bad_create_result',
          description: 'Answers with a malformed CreateTaskResult.',
          inputSchema: schema({ kind: { type: 'string', enum: ['missing-task', 'bad-status', 'task-id-not-string'] } }),
        },
        taskSupport: 'required',
        misbehaving: true,
        created: (taskId, args) => {
          this.#badCreate.set(taskId, String(args.kind ?? 'missing-task'));
        },
        run: async (_args, run) => {
          await forever(run.signal);
          return text('unreachable');
        },
      },
      {
        /** tasks/get (and status notifications) report the unknown status 'paused'. */
        definition: { name: 'bad_status_task', description: 'Reports an unknown task status.', inputSchema: schema() },
        taskSupport: 'required',
        misbehaving: true,
        created: (taskId) => {
          this.#badStatus.add(taskId);
        },
        run: async (_args, run) => {
          await forever(run.signal);
          return text('unreachable');
        },
      },
      {
        /** A task that stays working until cancelled. */
        definition: { name: 'never_finishes', description: 'Never finishes.', inputSchema: schema() },
        taskSupport: 'required',
        misbehaving: true,
        run: async (_args, run) => {
          try {
            await forever(run.signal);
          } catch (error) {
            run.cancelObserved();
            throw error;
          }
          return text('unreachable');
        },
      },
      {
        /** Completes, but tasks/result answers with a JSON-RPC internal error. */
        definition: { name: 'result_error_task', description: 'Its result cannot be fetched.', inputSchema: schema() },
        taskSupport: 'required',
        misbehaving: true,
        created: (taskId) => {
          this.#resultError.add(taskId);
        },
        run: async () => text('fine'),
      },
      {
        /** The server dies `afterMs` into the task: the stdio child exits, the HTTP server drops all connections, in-memory closes. */
        definition: {
          name: 'dies_mid_task',
          description: 'Kills the server mid-task.',
          inputSchema: schema({ afterMs: { type: 'number' } }),
        },
        taskSupport: 'required',
        misbehaving: true,
        run: async (args, run) => {
          await sleep(typeof args.afterMs === 'number' ? args.afterMs : 50, run.signal);
          run.die();
          await forever(run.signal);
          return text('unreachable');
        },
      },
      {
        /** Completes; then sends a status notification for an unknown task id and a stale 'working' for itself. */
        definition: {
          name: 'out_of_order_task',
          description: 'Sends late and unknown status notifications.',
          inputSchema: schema(),
        },
        taskSupport: 'required',
        misbehaving: true,
        run: async (_args, run) => {
          await sleep(10, run.signal);
          return text('in order');
        },
        finished: async (task, run) => {
          await run.notifyStatus({ ...task, taskId: 'no-such-task', status: 'completed' });
          await run.notifyStatus({ ...task, status: 'working', lastUpdatedAt: task.createdAt });
        },
      },
      {
        /** A plain tool that answers with a JSON-RPC error (-32602 Invalid params) instead of a result. */
        definition: { name: 'rpc_error_tool', description: 'Answers with a JSON-RPC error.', inputSchema: schema() },
        taskSupport: undefined,
        misbehaving: true,
        run: async () => {
          throw new McpError(ErrorCode.InvalidParams, 'the argument "when" must be a date');
        },
      },
      {
        /** A plain tool whose `_meta` and `annotations` carry `__proto__` and `constructor` keys, as own JSON keys on the wire. */
        definition: JSON.parse(
          '{"name":"proto_keys","description":"Carries __proto__ keys.","inputSchema":{"type":"object","properties":{}},"_meta":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"ok":1},"annotations":{"__proto__":{"polluted":true},"constructor":"x","readOnlyHint":true}}',
        ),
        taskSupport: undefined,
        misbehaving: true,
        run: async () => text('no pollution'),
      },
    ];
  }

  /** Writes the configured faults into an outgoing message. */
  rewrite(message: JSONRPCMessage): JSONRPCMessage {
    if ('result' in message && isObject(message.result)) {
      const result = message.result as Json;
      const created = isObject(result.task) ? (result.task as Json) : undefined;
      const kind = created ? this.#badCreate.get(String(created.taskId)) : undefined;
      if (created && kind === 'missing-task') return { ...message, result: { _meta: {} } };
      if (created && kind === 'bad-status')
        return { ...message, result: { ...result, task: { ...created, status: 'finished' } } };
      if (created && kind === 'task-id-not-string')
        return { ...message, result: { ...result, task: { ...created, taskId: 42 } } };
      if (this.#badStatus.has(String(result.taskId)) && 'status' in result)
        return { ...message, result: { ...result, status: 'paused' } };
      const related = isObject(result._meta) ? (result._meta[RELATED_TASK_META_KEY] as Json | undefined) : undefined;
      if (related && this.#resultError.has(String(related.taskId))) {
        return {
          jsonrpc: '2.0',
          id: message.id,
          error: { code: -32603, message: 'Internal error: the result store is unavailable' },
        };
      }
    }
    if ('method' in message && message.method === 'notifications/tasks/status' && isObject(message.params)) {
      if (this.#badStatus.has(String(message.params.taskId)))
        return { ...message, params: { ...message.params, status: 'paused' } };
    }
    return message;
  }
}
