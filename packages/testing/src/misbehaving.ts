import type { JSONRPCMessage, JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import { ErrorCode, McpError, RELATED_TASK_META_KEY } from '@modelcontextprotocol/sdk/types.js';
import { type FixtureTool, sleep } from './tools.ts';

/** The id `wrong_id_task`'s tasks/get answers carry instead of its own. */
export const ANOTHER_TASK_ID = 'another-task';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] });
const number = (value: unknown, fallback: number) =>
  typeof value === 'number' && Number.isFinite(value) ? value : fallback;
const TERMINAL = new Set(['completed', 'failed', 'cancelled']);
const internalError = (id: JSONRPCRequest['id'], message: string): JSONRPCMessage => ({
  jsonrpc: '2.0',
  id,
  error: { code: ErrorCode.InternalError, message },
});
/** Stays pending until the task is cancelled or the server closes. */
const forever = (signal: AbortSignal) => sleep(2_147_483_647, signal);

/**
 * What the misbehaving tools make the server get wrong. The SDK's server validates what it sends,
 * so the faults are written into outgoing messages, after that validation, by {@link rewrite}; and
 * requests the SDK would answer properly are answered first by {@link intercept}.
 */
export class Misbehaviour {
  /** Task id → the kind of malformed CreateTaskResult to send for it. */
  readonly #badCreate = new Map<string, string>();
  /** Tasks whose status is reported as the unknown value 'paused'. */
  readonly #badStatus = new Set<string>();
  /** Tasks whose tasks/result answers with a JSON-RPC error. */
  readonly #resultError = new Set<string>();
  /** Tasks whose completed status notification goes out in the same write as the CreateTaskResult, before or after it. */
  readonly #earlyStatus = new Map<string, 'before' | 'after'>();
  /** Tasks whose tasks/get answers name another task. */
  readonly #wrongId = new Set<string>();
  /** Task id → how many more tasks/get for it fail. */
  readonly #failingGets = new Map<string, number>();
  /** Task id → how far its clock runs ahead, in ms. */
  readonly #skew = new Map<string, number>();
  /** Task id → whether a tasks/get already reported it terminal (from then on tasks/get says `working`). */
  readonly #relapse = new Map<string, boolean>();
  /** Task id → how its held-open tasks/result misbehaves. */
  readonly #earlyResult = new Map<string, 'early' | 'error'>();

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
      {
        /** Starts a list_changed storm on its connection and answers at once. */
        definition: {
          name: 'list_changed_storm',
          description: 'Sends notifications/tools/list_changed every intervalMs for durationMs.',
          inputSchema: schema({ intervalMs: { type: 'number' }, durationMs: { type: 'number' } }),
        },
        taskSupport: undefined,
        misbehaving: true,
        run: async (args, run) => {
          run.listChangedStorm({ intervalMs: number(args.intervalMs, 10), durationMs: number(args.durationMs, 2_000) });
          return text('storm started');
        },
      },
      {
        /** Completes while being created: the CreateTaskResult already says `completed`, and no notification is sent. */
        definition: { name: 'instant_task', description: 'Terminal at creation.', inputSchema: schema() },
        taskSupport: 'required',
        misbehaving: true,
        instant: true,
        run: async () => text('instant'),
      },
      {
        /**
         * Completes while being created; its CreateTaskResult still says `working`, and the `completed` status
         * notification goes out in the same write, before it (`order: 'before'`, the default) or right after it.
         */
        definition: {
          name: 'early_status_task',
          description: 'Its completed notification races its CreateTaskResult.',
          inputSchema: schema({ order: { type: 'string', enum: ['before', 'after'] } }),
        },
        taskSupport: 'required',
        misbehaving: true,
        instant: true,
        created: (taskId, args) => {
          this.#earlyStatus.set(taskId, args.order === 'after' ? 'after' : 'before');
        },
        run: async () => text('early'),
      },
      {
        /** The task exists at once, but its CreateTaskResult is sent only after `createDelayMs`; it runs until cancelled. */
        definition: {
          name: 'slow_create_task',
          description: 'Answers tools/call late.',
          inputSchema: schema({ createDelayMs: { type: 'number' } }),
        },
        taskSupport: 'required',
        misbehaving: true,
        createDelayMs: (args) => number(args.createDelayMs, 1_000),
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
        /** Its answer's `result` is replaced by a string, an array, a number or null (also the CreateTaskResult of a task call). */
        definition: {
          name: 'malformed_result',
          description: 'Answers with a result that is not an object.',
          inputSchema: schema({ shape: { type: 'string', enum: ['string', 'array', 'number', 'null'] } }),
        },
        taskSupport: 'optional',
        misbehaving: true,
        run: async (args, run) => {
          run.answerWith(MALFORMED[String(args.shape)] ?? MALFORMED.string);
          return text('replaced');
        },
      },
      {
        /** Completes after `delayMs`; every tasks/get answer for it carries the taskId `another-task`. */
        definition: {
          name: 'wrong_id_task',
          description: 'Its tasks/get names another task.',
          inputSchema: schema({ delayMs: { type: 'number' } }),
        },
        taskSupport: 'required',
        misbehaving: true,
        created: (taskId) => {
          this.#wrongId.add(taskId);
        },
        run: async (args, run) => {
          await sleep(number(args.delayMs, 50), run.signal);
          return text('done');
        },
      },
      {
        /** Completes after `delayMs`; the first `failures` tasks/get for it answer with a JSON-RPC internal error. */
        definition: {
          name: 'flaky_get_task',
          description: 'Its tasks/get fails several times in a row.',
          inputSchema: schema({ failures: { type: 'number' }, delayMs: { type: 'number' } }),
        },
        taskSupport: 'required',
        misbehaving: true,
        created: (taskId, args) => {
          this.#failingGets.set(taskId, number(args.failures, 3));
        },
        run: async (args, run) => {
          await sleep(number(args.delayMs, 50), run.signal);
          return text('done');
        },
      },
      {
        /** A plain tool that never answers (until the request is cancelled or the connection closes). */
        definition: { name: 'silent_tool', description: 'Never answers.', inputSchema: schema() },
        taskSupport: undefined,
        misbehaving: true,
        run: async (_args, run) => {
          await forever(run.signal);
          return text('unreachable');
        },
      },
      {
        /** Completes after `delayMs`; its createdAt and lastUpdatedAt run `skewMs` (default 10 minutes) ahead everywhere. */
        definition: {
          name: 'future_clock_task',
          description: 'Its clock runs ahead.',
          inputSchema: schema({ skewMs: { type: 'number' }, delayMs: { type: 'number' } }),
        },
        taskSupport: 'required',
        misbehaving: true,
        created: (taskId, args) => {
          this.#skew.set(taskId, number(args.skewMs, 600_000));
        },
        run: async (args, run) => {
          await sleep(number(args.delayMs, 50), run.signal);
          return text('done');
        },
      },
      {
        /**
         * Completes after `delayMs`, then sends a `working` status notification with a newer lastUpdatedAt;
         * every tasks/get after the first one that said `completed` says `working` again.
         */
        definition: {
          name: 'relapse_task',
          description: 'Goes back to working after completing.',
          inputSchema: schema({ delayMs: { type: 'number' } }),
        },
        taskSupport: 'required',
        misbehaving: true,
        created: (taskId) => {
          this.#relapse.set(taskId, false);
        },
        run: async (args, run) => {
          await sleep(number(args.delayMs, 20), run.signal);
          return text('done');
        },
        finished: async (task, run) => {
          const later = new Date(Date.parse(task.lastUpdatedAt) + 1_000).toISOString();
          await run.notifyStatus({ ...task, status: 'working', lastUpdatedAt: later });
        },
      },
      {
        /**
         * Goes `input_required` and stays there (until cancelled) with nothing to ask; its tasks/result is
         * answered at once: `mode: 'early'` (default) with an empty result `{ content: [] }`, `'error'` with a
         * JSON-RPC internal error.
         */
        definition: {
          name: 'early_result_task',
          description: 'Its held-open tasks/result returns at once.',
          inputSchema: schema({ mode: { type: 'string', enum: ['early', 'error'] } }),
        },
        taskSupport: 'required',
        misbehaving: true,
        created: (taskId, args) => {
          this.#earlyResult.set(taskId, args.mode === 'error' ? 'error' : 'early');
        },
        run: async (_args, run) => {
          await run.setStatus('input_required');
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
        /**
         * `afterMs` into the task the connection drops: over HTTP every open socket (SSE streams and pending
         * POSTs) is destroyed while the server keeps listening; in memory and over stdio, as `dies_mid_task`.
         */
        definition: {
          name: 'drops_connection_task',
          description: 'Drops the connection mid-task.',
          inputSchema: schema({ afterMs: { type: 'number' } }),
        },
        taskSupport: 'required',
        misbehaving: true,
        run: async (args, run) => {
          await sleep(number(args.afterMs, 50), run.signal);
          run.dropConnections();
          await forever(run.signal);
          return text('unreachable');
        },
      },
      {
        /**
         * `afterMs` into the task the server stops answering anything: it ignores every message and sends
         * none; over HTTP new requests get no response at all. The stdio child still exits when stdin closes.
         */
        definition: {
          name: 'hangs_task',
          description: 'Stops answering mid-task.',
          inputSchema: schema({ afterMs: { type: 'number' } }),
        },
        taskSupport: 'required',
        misbehaving: true,
        run: async (args, run) => {
          await sleep(number(args.afterMs, 50), run.signal);
          run.hang();
          await forever(run.signal);
          return text('unreachable');
        },
      },
    ];
  }

  /**
   * Answers an incoming request in the server's place, before the SDK sees it: the answer to send, or
   * undefined to let the SDK handle it.
   */
  intercept(request: JSONRPCRequest): JSONRPCMessage | undefined {
    const taskId = isObject(request.params) ? String(request.params.taskId) : '';
    if (request.method === 'tasks/get') {
      const failures = this.#failingGets.get(taskId);
      if (failures !== undefined && failures > 0) {
        this.#failingGets.set(taskId, failures - 1);
        return internalError(request.id, `Internal error: the task store is unavailable (${failures - 1} more)`);
      }
    }
    if (request.method === 'tasks/result') {
      const mode = this.#earlyResult.get(taskId);
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
      if (method === 'tasks/get' && this.#wrongId.has(taskId))
        return [{ ...message, result: { ...result, taskId: ANOTHER_TASK_ID } }];
      if (method === 'tasks/get' && this.#skew.has(taskId))
        return [{ ...message, result: this.#skewed(taskId, result) }];
      if (method === 'tasks/get' && this.#relapse.has(taskId) && TERMINAL.has(String(result.status))) {
        if (!this.#relapse.get(taskId)) this.#relapse.set(taskId, true);
        else return [{ ...message, result: { ...result, status: 'working' } }];
      }
      if (this.#badStatus.has(taskId) && 'status' in result)
        return [{ ...message, result: { ...result, status: 'paused' } }];
      const related = isObject(result._meta) ? (result._meta[RELATED_TASK_META_KEY] as Json | undefined) : undefined;
      if (related && this.#resultError.has(String(related.taskId)))
        return [internalError(message.id, 'Internal error: the result store is unavailable')];
    }
    if ('method' in message && message.method === 'notifications/tasks/status' && isObject(message.params)) {
      const taskId = String(message.params.taskId);
      if (this.#badStatus.has(taskId)) return [{ ...message, params: { ...message.params, status: 'paused' } }];
      if (this.#skew.has(taskId)) return [{ ...message, params: this.#skewed(taskId, message.params) }];
    }
    return [message];
  }

  #rewriteCreated(message: JSONRPCMessage & { result: object }, result: Json, created: Json): JSONRPCMessage[] {
    const taskId = String(created.taskId);
    const kind = this.#badCreate.get(taskId);
    if (kind === 'missing-task') return [{ ...message, result: { _meta: {} } }];
    if (kind === 'bad-status') return [{ ...message, result: { ...result, task: { ...created, status: 'finished' } } }];
    if (kind === 'task-id-not-string') return [{ ...message, result: { ...result, task: { ...created, taskId: 42 } } }];
    if (this.#skew.has(taskId)) return [{ ...message, result: { ...result, task: this.#skewed(taskId, created) } }];
    const order = this.#earlyStatus.get(taskId);
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
    const skew = this.#skew.get(taskId) ?? 0;
    const shift = (value: unknown) =>
      typeof value === 'string' ? new Date(Date.parse(value) + skew).toISOString() : value;
    return { ...task, createdAt: shift(task.createdAt), lastUpdatedAt: shift(task.lastUpdatedAt) };
  }
}

/** What `malformed_result` answers with, by `shape`. */
const MALFORMED: Record<string, unknown> = {
  string: 'not an object',
  array: [{ type: 'text', text: 'an array' }],
  number: 42,
  null: null,
};
