import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { type FixtureTool, sleep, type ToolRun } from './tools.ts';

/**
 * Which task gets which fault. A misbehaving tool marks its task when the task is created; the
 * server's message rewriting (misbehaving.ts) reads the marks.
 */
export class TaskFaults {
  /** Task id → the kind of malformed CreateTaskResult to send for it. */
  readonly badCreate = new Map<string, string>();
  /** Tasks whose status is reported as the unknown value 'paused'. */
  readonly badStatus = new Set<string>();
  /** Tasks whose tasks/result answers with a JSON-RPC error. */
  readonly resultError = new Set<string>();
  /** Tasks whose completed status notification goes out in the same write as the CreateTaskResult, before or after it. */
  readonly earlyStatus = new Map<string, 'before' | 'after'>();
  /** Tasks whose tasks/get answers name another task. */
  readonly wrongId = new Set<string>();
  /** Task id → how many more tasks/get for it fail. */
  readonly failingGets = new Map<string, number>();
  /** Task id → how far its clock runs ahead, in ms. */
  readonly skew = new Map<string, number>();
  /** Task id → whether a tasks/get already reported it terminal (from then on tasks/get says `working`). */
  readonly relapse = new Map<string, boolean>();
  /** Task id → how its held-open tasks/result misbehaves. */
  readonly earlyResult = new Map<string, 'early' | 'error'>();
}

const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] });
const number = (value: unknown, fallback: number) =>
  typeof value === 'number' && Number.isFinite(value) ? value : fallback;
const schema = (properties: Record<string, object> = {}) => ({ type: 'object' as const, properties });
const NUMBER = { type: 'number' };

/** Stays pending until the task is cancelled or the server closes. */
const forever = (signal: AbortSignal) => sleep(2_147_483_647, signal);

/** Runs until cancelled, recording that it noticed the cancellation. */
async function untilCancelled(run: ToolRun): Promise<never> {
  try {
    await forever(run.signal);
  } catch (error) {
    run.cancelObserved();
    throw error;
  }
  throw new Error('unreachable');
}

/** A required-task tool that marks its task for a fault, then completes after `delayMs`. */
function markedTask(
  name: string,
  description: string,
  properties: Record<string, object>,
  mark: (taskId: string, args: Record<string, unknown>) => void,
  defaultDelayMs = 50,
): FixtureTool {
  return {
    definition: { name, description, inputSchema: schema({ delayMs: NUMBER, ...properties }) },
    taskSupport: 'required',
    misbehaving: true,
    created: mark,
    run: async (args, run) => {
      await sleep(number(args.delayMs, defaultDelayMs), run.signal);
      return text('done');
    },
  };
}

/** A required-task tool that does `fault` to the server `afterMs` into its task, then waits to be cancelled. */
function faultTask(name: string, description: string, fault: (run: ToolRun) => void): FixtureTool {
  return {
    definition: { name, description, inputSchema: schema({ afterMs: NUMBER }) },
    taskSupport: 'required',
    misbehaving: true,
    run: async (args, run) => {
      await sleep(number(args.afterMs, 50), run.signal);
      fault(run);
      return untilCancelled(run);
    },
  };
}

/** What `malformed_result` answers with, by `shape`. */
const MALFORMED = new Map<string, unknown>([
  ['string', 'not an object'],
  ['array', [{ type: 'text', text: 'an array' }]],
  ['number', 42],
  ['null', null],
]);

/** The misbehaving tools, marking their tasks in `faults`. */
export function misbehavingTools(faults: TaskFaults): FixtureTool[] {
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
        faults.badCreate.set(taskId, String(args.kind ?? 'missing-task'));
      },
      run: async (_args, run) => untilCancelled(run),
    },
    {
      /** tasks/get (and status notifications) report the unknown status 'paused'. */
      definition: { name: 'bad_status_task', description: 'Reports an unknown task status.', inputSchema: schema() },
      taskSupport: 'required',
      misbehaving: true,
      created: (taskId) => {
        faults.badStatus.add(taskId);
      },
      run: async (_args, run) => untilCancelled(run),
    },
    {
      /** A task that stays working until cancelled. */
      definition: { name: 'never_finishes', description: 'Never finishes.', inputSchema: schema() },
      taskSupport: 'required',
      misbehaving: true,
      run: async (_args, run) => untilCancelled(run),
    },
    {
      /** Completes, but tasks/result answers with a JSON-RPC internal error. */
      definition: { name: 'result_error_task', description: 'Its result cannot be fetched.', inputSchema: schema() },
      taskSupport: 'required',
      misbehaving: true,
      created: (taskId) => {
        faults.resultError.add(taskId);
      },
      run: async () => text('fine'),
    },
    /** The server dies `afterMs` into the task: the stdio child exits, the HTTP server drops all connections, in-memory closes. */
    faultTask('dies_mid_task', 'Kills the server mid-task.', (run) => run.die()),
    /**
     * `afterMs` into the task the connection drops: over HTTP every open socket (SSE streams and pending
     * POSTs) is destroyed while the server keeps listening; in memory and over stdio, as `dies_mid_task`.
     */
    faultTask('drops_connection_task', 'Drops the connection mid-task.', (run) => run.dropConnections()),
    /**
     * `afterMs` into the task the server stops answering anything: it ignores every message (the inspector
     * still records what arrives) and sends none; over HTTP new requests get no response at all. The stdio
     * child still exits when stdin closes.
     */
    faultTask('hangs_task', 'Stops answering mid-task.', (run) => run.hang()),
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
        inputSchema: schema({ intervalMs: NUMBER, durationMs: NUMBER }),
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
        faults.earlyStatus.set(taskId, args.order === 'after' ? 'after' : 'before');
      },
      run: async () => text('early'),
    },
    {
      /** The task exists at once, but its CreateTaskResult is sent only after `createDelayMs`; it runs until cancelled. */
      definition: {
        name: 'slow_create_task',
        description: 'Answers tools/call late.',
        inputSchema: schema({ createDelayMs: NUMBER }),
      },
      taskSupport: 'required',
      misbehaving: true,
      createDelayMs: (args) => number(args.createDelayMs, 1_000),
      run: async (_args, run) => untilCancelled(run),
    },
    {
      /** Its answer's `result` is replaced by a string, an array, a number or null (also the CreateTaskResult of a task call). */
      definition: {
        name: 'malformed_result',
        description: 'Answers with a result that is not an object.',
        inputSchema: schema({ shape: { type: 'string', enum: [...MALFORMED.keys()] } }),
      },
      taskSupport: 'optional',
      misbehaving: true,
      run: async (args, run) => {
        const shape = String(args.shape);
        run.answerWith(MALFORMED.has(shape) ? MALFORMED.get(shape) : MALFORMED.get('string'));
        return text('replaced');
      },
    },
    {
      /** A plain tool whose answer is one text of `bytes` characters (default 10 MiB + 1 KiB): a line over a stdio client's limit. */
      definition: {
        name: 'large_result',
        description: 'Answers with a text of `bytes` characters.',
        inputSchema: schema({ bytes: NUMBER }),
      },
      taskSupport: undefined,
      misbehaving: true,
      run: async (args) => text('x'.repeat(Math.floor(number(args.bytes, (10 << 20) + 1024)))),
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
    /** Completes after `delayMs`; every tasks/get answer for it carries the taskId `another-task`. */
    markedTask('wrong_id_task', 'Its tasks/get names another task.', {}, (taskId) => {
      faults.wrongId.add(taskId);
    }),
    /** Completes after `delayMs`; the first `failures` tasks/get for it answer with a JSON-RPC internal error. */
    markedTask(
      'flaky_get_task',
      'Its tasks/get fails several times in a row.',
      { failures: NUMBER },
      (taskId, args) => {
        faults.failingGets.set(taskId, number(args.failures, 3));
      },
    ),
    /** Completes after `delayMs`; its createdAt and lastUpdatedAt run `skewMs` (default 10 minutes) ahead everywhere. */
    markedTask('future_clock_task', 'Its clock runs ahead.', { skewMs: NUMBER }, (taskId, args) => {
      faults.skew.set(taskId, number(args.skewMs, 600_000));
    }),
    {
      /**
       * Completes after `delayMs`, then sends a `working` status notification with a newer lastUpdatedAt;
       * every tasks/get after the first one that said `completed` says `working` again.
       */
      ...markedTask(
        'relapse_task',
        'Goes back to working after completing.',
        {},
        (taskId) => {
          faults.relapse.set(taskId, false);
        },
        20,
      ),
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
        faults.earlyResult.set(taskId, args.mode === 'error' ? 'error' : 'early');
      },
      run: async (_args, run) => {
        await run.setStatus('input_required');
        return untilCancelled(run);
      },
    },
  ];
}
