import { CLIENT_CAPABILITIES_META_KEY, ProtocolError as JsonRpcError } from '@modelcontextprotocol/client';
import { CancelledError, ProtocolError, UserError } from '@toolwright/core';
import { isPlainObject } from '@toolwright/core/internal';
import type { Clock } from '../../clock.ts';
import type { Connection, RequestOptions } from '../../connection.ts';
import { noInputHandler } from '../../input-requests.ts';
import { completeByDefault } from '../../sdk/malformed-responses.ts';
import { answerEmbedded, RawRequests } from '../../sdk/sdk-bypass.ts';
import { listenForTasks } from '../../sdk/sdk-seams.ts';
import { ConnectionGeneration } from '../../tasks/generation-base.ts';
import { relatedTaskMeta } from '../../tasks/related-task.ts';
import type {
  CancelAnswer,
  InputHooks,
  InputStrategy,
  TaskGeneration,
  ToolCallOutcome,
  ToolCallRequest,
  ToolRouting,
} from '../../tasks/task-generation.ts';
import type { TaskInputRequest, TaskOutcome, TaskSnapshot } from '../../tasks/task-model.ts';
import type { TaskWatcher } from '../../tasks/task-status-hub.ts';
import { EmbeddedInput } from './embedded-input.ts';
import { parseCallAnswer, parseDetailedTask, TASKS_EXTENSION } from './wire.ts';

/** What a client that speaks the extension declares (per request, in the `_meta` envelope). */
export const TASKS_2026_CAPABILITIES: Readonly<Record<string, unknown>> = {
  extensions: { [TASKS_EXTENSION]: {} },
};

/** JSON-RPC error of 2026-07-28: the request lacks a client capability the server requires. */
const MISSING_CLIENT_CAPABILITY = -32021;
/** JSON-RPC "Method not found". */
const METHOD_NOT_FOUND = -32601;
/** Rounds of a multi round-trip tools/call before the server is taken to be looping (the SDK's own cap). */
const MAX_INPUT_ROUNDS = 10;
/** The pause before re-sending a call the server answered with request state only (no input to give). */
const STATE_ONLY_PAUSE_MS = 250;

/**
 * Tasks as the tasks extension of MCP 2026-07-28 defines them (io.modelcontextprotocol/tasks,
 * SEP-2663): every tools/call declares the extension and the server alone decides whether it
 * becomes a task (`resultType: "task"`); tasks/get carries the result, the error or the input
 * requests inline; the server pushes notifications/tasks after subscriptions/listen; input is
 * answered by tasks/update; tasks/cancel is a cooperative acknowledgement; there is no task listing.
 * Before a task exists, a tools/call may ask for input itself (multi round-trip requests, SEP-2322).
 */
export class Tasks20260728 extends ConnectionGeneration implements TaskGeneration {
  readonly version = '2026-07-28';
  readonly supportsList = false;
  readonly noListReason =
    'speaks MCP 2026-07-28, whose tasks extension has no task listing (no tasks/list); keep the reference of each task you start (handle.toJSON()) instead';
  readonly supportsCancel = true;
  readonly serverDecides = true;
  readonly ttlIsBackstop = true;
  /** tools/call goes beside the SDK, whose decoder refuses a task as its answer (see sdk/sdk-bypass.ts). */
  readonly #raw: RawRequests;
  /** The server refused subscriptions/listen for tasks once: every task is polled instead. */
  #noListen = false;
  /** How each watcher's subscriptions/listen ends. */
  readonly #listening = new Map<TaskWatcher, () => void>();

  /**
   * Installs on `connection` the route of notifications/tasks, the `"complete"` a result without
   * `resultType` is to be taken as, and the raw requests of tools/call; `clock` keeps the time.
   */
  constructor(connection: Connection, clock: Clock) {
    super(connection, clock, 'notifications/tasks', (params) =>
      parseDetailedTask(params, { what: 'task notification' }),
    );
    completeByDefault(connection.client.transport);
    this.#raw = new RawRequests(connection.client, connection.seams, this.clock);
    connection.onLost((error) => this.#raw.rejectAll(error));
  }

  /** The server declares the extension: any of its tool calls may become a task. */
  get supportsToolTasks(): boolean {
    const extensions = (this.connection.client.getServerCapabilities() as { extensions?: unknown } | undefined)
      ?.extensions;
    return isPlainObject(extensions) && extensions[TASKS_EXTENSION] !== undefined;
  }

  /** `execution` is not on the 2026 wire: the server decides per call, so every tool may run as a task. */
  routing(): ToolRouting {
    return { taskSupport: null, task: this.supportsToolTasks };
  }

  /** Whether to follow a call as a task from the start; the server may still answer either way. */
  useTask(wish: boolean): boolean {
    return wish && this.supportsToolTasks;
  }

  whyNoTask(): string | undefined {
    return this.supportsToolTasks
      ? undefined
      : `the server does not declare the ${TASKS_EXTENSION} extension, so it runs every call inline`;
  }

  /**
   * Sends the call, declaring the extension, and answers the server's input requests (multi
   * round-trip) until it completes or becomes a task. The answer may be a task even when the
   * caller did not ask for one: the server decides.
   */
  async callTool(request: ToolCallRequest, options: RequestOptions): Promise<ToolCallOutcome> {
    const base: Record<string, unknown> = {
      name: request.name,
      arguments: request.arguments,
      _meta: { ...request.meta, ...this.#declaration() },
    };
    const context = { what: 'tools/call result', toolName: request.name };
    const signal = request.runSignal ?? options.signal ?? new AbortController().signal;
    let params = base;
    for (let round = 1; ; round++) {
      const raw = await this.#toolsCall(request.name, params, options);
      const answer = parseCallAnswer(raw, context);
      if (answer.kind !== 'input-required') return answer;
      if (round >= MAX_INPUT_ROUNDS)
        throw new ProtocolError(
          `The server still asked for input on tools/call of tool '${request.name}' after ${MAX_INPUT_ROUNDS} rounds; stopped, as it seems to loop.`,
          { toolName: request.name },
        );
      const responses: Record<string, unknown> = {};
      const answering = Promise.all(
        answer.inputRequests.map(async (input) => {
          responses[input.key] = await this.#answer(input, signal, {
            what: `Tool '${request.name}'`,
            taskId: undefined,
          });
        }),
      );
      // The run was aborted: no task exists yet, so nothing is left to cancel; no further round is sent.
      await untilAborted(
        answer.inputRequests.length > 0 ? answering : pause(STATE_ONLY_PAUSE_MS, signal, this.clock),
        signal,
      );
      if (signal.aborted)
        throw new CancelledError(
          `The call of tool '${request.name}' was cancelled while it waited for input, before any task existed.`,
          { toolName: request.name, cause: signal.reason },
        );
      params = {
        ...base,
        ...(answer.inputRequests.length > 0 ? { inputResponses: responses } : {}),
        ...(answer.requestState === undefined ? {} : { requestState: answer.requestState }),
      };
    }
  }

  async getTask(taskId: string, options?: RequestOptions): Promise<TaskSnapshot> {
    const raw = await this.taskRequest('tasks/get', taskId, { _meta: this.#declaration() }, options);
    return this.sameTask(parseDetailedTask(raw, { what: 'tasks/get result', taskId }), taskId, 'tasks/get');
  }

  /** The outcome is inline in every terminal report; one more tasks/get when the report at hand lacked it. */
  async fetchOutcome(task: TaskSnapshot, options?: RequestOptions): Promise<TaskOutcome> {
    const outcome = task.outcome ?? (await this.getTask(task.taskId, options)).outcome;
    if (outcome === undefined)
      throw new ProtocolError(`The server reported task ${task.taskId} ${task.status} without its outcome.`, {
        taskId: task.taskId,
      });
    return outcome;
  }

  /** tasks/cancel: an acknowledgement only; whether and when the task stops, its status tells. */
  async cancelTask(taskId: string, options?: RequestOptions): Promise<CancelAnswer> {
    await this.taskRequest('tasks/cancel', taskId, { _meta: this.#declaration() }, options);
    return { kind: 'acknowledged' };
  }

  listTasks(): Promise<{ tasks: TaskSnapshot[]; nextCursor: string | undefined }> {
    return Promise.reject(new UserError(`The server ${this.noListReason}.`));
  }

  /** Routes the server's notifications/tasks for `taskId`, asking for them with subscriptions/listen. */
  override watch(taskId: string, watcher: TaskWatcher): void {
    super.watch(taskId, watcher);
    this.#listening.get(watcher)?.();
    this.#listening.set(watcher, this.#listen(taskId));
  }

  override unwatch(taskId: string, watcher: TaskWatcher): void {
    super.unwatch(taskId, watcher);
    this.#listening.get(watcher)?.();
    this.#listening.delete(watcher);
  }

  inputStrategy(taskId: string, hooks: InputHooks, _clock: Clock): InputStrategy {
    const what = `task ${taskId} of tool '${hooks.toolName}'`;
    return new EmbeddedInput(
      hooks,
      (request, signal) =>
        this.#answer(request, signal, { what: `Task ${taskId} of tool '${hooks.toolName}'`, taskId }),
      async (inputResponses) => {
        await this.taskRequest('tasks/update', taskId, { inputResponses, _meta: this.#declaration() }, undefined);
      },
      what,
    );
  }

  /**
   * A tools/call sent beside the SDK (its decoder refuses `resultType: "task"`), through the
   * connection's request handling; a task created for a call that was abandoned meanwhile is
   * cancelled, so nothing is left running.
   */
  #toolsCall(name: string, params: Record<string, unknown>, options: RequestOptions): Promise<unknown> {
    const onLateAnswer = (late: unknown) => {
      if (isPlainObject(late) && late.resultType === 'task' && typeof late.taskId === 'string')
        this.cancelTask(late.taskId).catch(() => undefined);
    };
    return this.connection
      .requestThrough(
        (message, signal, timeoutMs) =>
          this.#raw.send(message.method, message.params, { signal, timeoutMs, onLateAnswer }),
        'tools/call',
        params,
        options,
      )
      .catch((error: unknown) => {
        if (error instanceof JsonRpcError && error.code === MISSING_CLIENT_CAPABILITY)
          throw new ProtocolError(
            `The server refused tools/call of tool '${name}' for a missing client capability although the request declared the ${TASKS_EXTENSION} extension: ${error.message}`,
            { toolName: name, cause: error },
          );
        throw error;
      });
  }

  /**
   * One input request of `what` (a task, or a call before any task exists), answered through the
   * same handler a standalone request of its method gets (related to the task, if any); a method
   * without a handler is a UserError naming the option that answers it.
   */
  async #answer(
    request: TaskInputRequest,
    signal: AbortSignal,
    asker: { readonly what: string; readonly taskId: string | undefined },
  ): Promise<unknown> {
    const { what, taskId } = asker;
    const { key, method, params } = request;
    if (!this.connection.answers(method))
      throw noInputHandler(what, method, taskId === undefined ? '' : ', so the task was cancelled');
    const related = taskId === undefined ? {} : relatedTaskMeta(taskId);
    const meta = { ...(isPlainObject(params._meta) ? params._meta : {}), ...related };
    return answerEmbedded(
      this.connection.client,
      this.connection.seams,
      { key, method, params: { ...params, _meta: meta } },
      signal,
    );
  }

  /** The `_meta` entry that declares the extension on one request, beside what the client declares itself. */
  #declaration(): Record<string, unknown> {
    const envelope = this.connection.seams.envelope();
    const declared = isPlainObject(envelope?.[CLIENT_CAPABILITIES_META_KEY])
      ? (envelope[CLIENT_CAPABILITIES_META_KEY] as Record<string, unknown>)
      : {};
    const extensions = isPlainObject(declared.extensions) ? declared.extensions : {};
    return {
      [CLIENT_CAPABILITIES_META_KEY]: { ...declared, extensions: { ...extensions, [TASKS_EXTENSION]: {} } },
    };
  }

  /**
   * Asks the server to push notifications/tasks for `taskId` (subscriptions/listen). A server that
   * refuses (no such method, or the client's declaration lacks the extension) is polled instead,
   * for this task and every later one. Returns a function that ends the subscription.
   */
  #listen(taskId: string): () => void {
    if (this.#noListen || !this.supportsToolTasks) return () => undefined;
    let stopped = false;
    let close: (() => Promise<void>) | undefined;
    listenForTasks(this.connection.client, [taskId]).then(
      (subscription) => {
        close = subscription.close;
        if (stopped) void close().catch(() => undefined);
      },
      (error: unknown) => {
        if (
          error instanceof JsonRpcError &&
          (error.code === METHOD_NOT_FOUND || error.code === MISSING_CLIENT_CAPABILITY)
        )
          this.#noListen = true;
      },
    );
    return () => {
      stopped = true;
      void close?.().catch(() => undefined);
    };
  }
}

/** Waits for `work`, or until `signal` aborts (a handler that ignores its signal cannot hold the caller). */
function untilAborted(work: Promise<unknown>, signal: AbortSignal): Promise<unknown> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve(undefined);
    };
    signal.addEventListener('abort', done, { once: true });
    work.then(done, (error: unknown) => {
      signal.removeEventListener('abort', done);
      reject(error);
    });
  });
}

/** Waits `ms` of `clock`, or until `signal` aborts. */
function pause(ms: number, signal: AbortSignal, clock: Clock): Promise<void> {
  return new Promise((resolve) => {
    const timer = clock.setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clock.clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
