import type { Implementation, ServerCapabilities } from '@modelcontextprotocol/client';
import {
  BaseToolset,
  CancelledError,
  createRunContext,
  type JsonObject,
  type ProgressUpdate,
  ProtocolError,
  type RunContext,
  type ToolArguments,
  type ToolDefinition,
  type ToolEvent,
  UserError,
} from '@toolwright/core';
import { withAbortGrace } from './abort-grace.ts';
import { Connection } from './connection.ts';
import { generationFor, taskCapabilities } from './generations/generation-for.ts';
import { listingError, paginate } from './listing/pagination.ts';
import { shortName, ToolListing } from './listing/tool-listing.ts';
import { type MCPServerSource, type MCPToolsetOptions, type ResolvedOptions, resolveOptions } from './options.ts';
import { isHeaderMismatch } from './param-headers/param-headers.ts';
import { callFailure, resultText, toolFailure } from './result-mapping.ts';
import { assertResultSchema, type ResultSchema, toolResultValue } from './result-schema.ts';
import { ProgressRoute } from './tasks/progress-route.ts';
import { inputHandlers } from './tasks/related-task.ts';
import { taskError } from './tasks/task-errors.ts';
import type { TaskGeneration, ToolCallOutcome } from './tasks/task-generation.ts';
import { type HandleSettings, handleSettings, TaskHandle } from './tasks/task-handle.ts';
import type { TaskSnapshot } from './tasks/task-model.ts';
import { readReference, type TaskReference, taskReference } from './tasks/task-reference.ts';
import type { MCPCallToolResult } from './wire.ts';

/**
 * Options that type what a call returns (of callTool, directCallTool, startTask, resumeTask). With `resultSchema` (a zod schema, or any Standard Schema) the call
 * returns the result's `structuredContent` validated by it, typed as the schema's output; a result
 * that does not fit is a ResultValidationError naming the tool and the field. Without one, the call's
 * type parameter (default `unknown`) is the caller's word, unchecked.
 */
export interface ResultOptions<Result = unknown> {
  /** Validates the result's `structuredContent` (not unwrapped, so `{ result: … }` stays as sent). */
  readonly resultSchema?: ResultSchema<Result>;
}

/** Options of {@link MCPToolset.directCallTool}. */
export interface DirectCallOptions<Result = unknown> extends ResultOptions<Result> {
  /** Run as a task where the tool allows a choice (default: the toolset's routing for that tool). */
  readonly useTask?: boolean;
  /** Sent as the request's `_meta`. */
  readonly meta?: JsonObject;
  /** Aborting cancels the call (and its server task). */
  readonly signal?: AbortSignal;
  /** The run the call belongs to: its events receive progress and task status. */
  readonly ctx?: RunContext;
}

/** Options of {@link MCPToolset.startTask}; `resultSchema` types the handle's {@link TaskHandle.result}. */
export interface StartTaskOptions<Result = unknown> extends ResultOptions<Result> {
  /** Sent as the request's `_meta`. */
  readonly meta?: JsonObject;
  /**
   * Aborting cancels the task: while it is being created, the toolset still waits for the server's
   * answer (within the request timeout) to learn the task id and send tasks/cancel, then rejects
   * with a TaskCancelledError.
   */
  readonly signal?: AbortSignal;
  /** The run the task belongs to: its events receive the task's creation, status and progress. */
  readonly ctx?: RunContext;
  /**
   * The ttl to ask for, in milliseconds (default: the toolset's `taskTtlMs`, else the server's
   * choice). Not sent on MCP 2026-07-28, where the server chooses the ttl.
   */
  readonly ttlMs?: number;
}

/**
 * The tools of one MCP server as a toolset, long-running task tools included. Construct it from a
 * URL (Streamable HTTP), a `{ command, args }` (stdio), an SDK transport or a connected SDK client;
 * open it (or `await using` it); list and call tools. Calls of task tools run as MCP tasks, as the
 * spec requires or allows, and are awaited to their result: fast, cancellable and resumable.
 */
export class MCPToolset extends BaseToolset<unknown> {
  readonly #source: MCPServerSource;
  readonly #options: MCPToolsetOptions;
  readonly #resolved: ResolvedOptions;
  #connection: Connection | undefined;
  #generation: TaskGeneration | undefined;
  /** What every task handle on the open connection shares (one object for all). */
  #handleSettings: HandleSettings | undefined;
  /** The tools of the open connection: the spec guard for every call. */
  #tools: ToolListing | undefined;
  /** The context of calls made outside a run (made once): nobody can listen to its events, nor abort it. */
  #detached: RunContext | undefined;

  /** Takes where the server is and the options, and checks the options (a {@link UserError} lists every problem); connects nothing until `open()`. */
  constructor(source: MCPServerSource, options: MCPToolsetOptions = {}) {
    super({ id: options.id });
    const isClient = typeof source === 'object' && source !== null && 'getServerCapabilities' in source;
    this.#resolved = resolveOptions(options, isClient);
    this.#source = source;
    this.#options = options;
  }

  /** The toolset's `id`, else (once connected) the server's URL, its command, or `mcp:<name>` for a transport, else `'MCPToolset'`; for messages. */
  override get label(): string {
    return this.id ?? this.#connection?.serverKey ?? 'MCPToolset';
  }

  /** The server's name and version (after open). */
  get serverInfo(): Implementation {
    return this.#open('serverInfo').client.getServerVersion() as Implementation;
  }

  /** The MCP protocol version agreed with the server (after open). */
  get protocolVersion(): string | undefined {
    return this.#open('protocolVersion').connection.protocolVersion;
  }

  /** The server's capabilities (after open). */
  get serverCapabilities(): ServerCapabilities {
    return this.#open('serverCapabilities').client.getServerCapabilities() as ServerCapabilities;
  }

  /** The server's instructions for the model (after open); undefined unless `includeInstructions` is set. */
  get instructions(): string | undefined {
    const connection = this.#open('instructions');
    return this.#options.includeInstructions ? connection.client.getInstructions() : undefined;
  }

  protected override async onOpen(): Promise<void> {
    const connection = await Connection.open(this.#source, this.#options, this.#resolved, {
      handlers: inputHandlers(this.#options),
      capabilities: taskCapabilities(this.#options.protocolVersion),
    });
    this.#connection = connection;
    // The task generation follows the negotiated protocol.
    const generation = generationFor(connection, this.#resolved);
    this.#generation = generation;
    this.#handleSettings = handleSettings(this.#resolved, generation);
    this.#tools = new ToolListing(connection, generation, this.label, this.#resolved, this.#options.onToolsListChanged);
  }

  protected override async onClose(): Promise<void> {
    const connection = this.#connection;
    this.#connection = undefined;
    this.#generation = undefined;
    this.#handleSettings = undefined;
    this.#tools?.close();
    this.#tools = undefined;
    await connection?.close();
  }

  /**
   * Closes the toolset if it is open. Unlike close(), disposing a toolset that never opened (or
   * whose open() failed) does nothing, so `await using` lets the open error surface by itself.
   */
  override async [Symbol.asyncDispose](): Promise<void> {
    if (this.isOpen) await this.close();
  }

  /** Every tool of the server (all pages of tools/list), cached until the server says the list changed. */
  getTools(_ctx?: RunContext): Promise<readonly ToolDefinition[]> {
    // Like every method that returns a promise: a misuse rejects it, never throws.
    try {
      return this.#open('getTools').tools.tools();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Calls a tool. Routes by the `task` flag of the definition it is handed (so an overriding
   * capability, or a definition that went through JSON, keeps working) but never against the spec:
   * no task for a tool or server that does not support tasks, always a task for a `required` tool.
   * Without a definition the toolset routes as its own listing does (listing the tools once if it
   * has not yet); a name the server does not offer is a UserError naming the closest ones.
   * `options.resultSchema` types and validates the result (see {@link ResultOptions}); a
   * `processToolCall` hook that answers without calling the server is not validated.
   */
  callTool<Result = unknown>(
    name: string,
    args: ToolArguments,
    ctx: RunContext,
    tool?: ToolDefinition,
    options: ResultOptions<Result> = {},
  ): Promise<Result> {
    try {
      this.#open('callTool');
      // No definition: undefined lets the tool's listed task support and preferTasks decide, as they
      // decided the `task` flag of the listed definition.
      const wish = tool === undefined ? undefined : tool.metadata.task === true;
      const schema = options.resultSchema;
      const process = this.#options.processToolCall;
      if (!process) return this.#call(name, args, ctx, wish, undefined, schema) as Promise<Result>;
      const call = (calledName: string, calledArgs: ToolArguments, meta?: JsonObject) =>
        calledName === name
          ? this.#call(calledName, calledArgs, ctx, wish, meta, schema)
          : this.#call(calledName, calledArgs, ctx, undefined, meta, undefined);
      return Promise.resolve(process(ctx, call, name, args)) as Promise<Result>;
    } catch (error) {
      // A misuse (not open) or a hook that throws: a rejected promise, never a throw.
      return Promise.reject(error);
    }
  }

  /**
   * Calls a tool without a definition; `useTask` chooses where the spec leaves a choice, and
   * `resultSchema` types and validates the result (see {@link ResultOptions}).
   */
  directCallTool<Result = unknown>(
    name: string,
    args: ToolArguments,
    options: DirectCallOptions<Result> = {},
  ): Promise<Result> {
    try {
      const ctx = options.ctx ?? this.#detachedContext(options.signal);
      const withSignal = options.signal && options.ctx ? { ...ctx, signal: options.signal } : ctx;
      return this.#call(name, args, withSignal, options.useTask, options.meta, options.resultSchema) as Promise<Result>;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Starts a tool call as a task and returns its handle at once. The tool must allow tasks. On MCP
   * 2026-07-28 the server decides: a call it answers inline is a UserError that says to use callTool.
   * `resultSchema` types and validates what the handle's `result()` returns (see {@link ResultOptions}).
   */
  async startTask<Result = unknown>(
    name: string,
    args: ToolArguments,
    options: StartTaskOptions<Result> = {},
  ): Promise<TaskHandle<Result>> {
    const { protocol, tools } = this.#open('startTask');
    assertJsonArguments(name, args);
    assertResultSchema(name, options.resultSchema);
    if (options.ttlMs !== undefined && !(Number.isFinite(options.ttlMs) && options.ttlMs > 0))
      throw new UserError(
        `startTask('${name}'): ttlMs must be a positive number of milliseconds, got ${options.ttlMs}.`,
      );
    const taskSupport = await tools.taskSupportOf(name);
    const why = protocol.whyNoTask(taskSupport);
    if (why !== undefined) {
      throw new UserError(
        `Tool '${name}' of '${this.label}' cannot run as a task: ${why}. Call it with callTool or directCallTool instead.`,
      );
    }
    const ctx = options.ctx ?? this.#detachedContext(options.signal);
    const route = new ProgressRoute(protocol);
    let created: TaskHandle<Result> | MCPCallToolResult;
    try {
      created = await this.#createTask<Result>(
        protocol,
        name,
        args,
        options.meta,
        options.signal ? { ...ctx, signal: options.signal } : ctx,
        route,
        options.ttlMs,
        options.resultSchema,
      );
    } catch (error) {
      route.close();
      throw this.#callError(name, error);
    }
    if (created instanceof TaskHandle) {
      // Aborted while the task was being created: it is cancelled now, and the caller learns it like any cancellation.
      if (options.signal?.aborted) await created.wait({ signal: options.signal });
      return created;
    }
    if (protocol.serverDecides)
      throw new UserError(
        `The server of '${this.label}' ran tool '${name}' inline: on MCP ${protocol.version} the server alone decides whether a call becomes a task, so startTask cannot promise one. Call the tool with callTool or directCallTool, which take either answer.`,
      );
    throw new ProtocolError(
      `The server ran tool '${name}' inline although it was asked for a task; use callTool for it.`,
      { toolName: name },
    );
  }

  /**
   * A handle for a task started earlier (on this or another connection, in this or another process);
   * `resultSchema` types and validates its result (see {@link ResultOptions}).
   */
  async resumeTask<Result = unknown>(
    reference: TaskReference,
    options: ResultOptions<Result> & { readonly ctx?: RunContext } = {},
  ): Promise<TaskHandle<Result>> {
    const { protocol } = this.#open('resumeTask');
    reference = readReference(reference);
    assertResultSchema(reference.toolName, options.resultSchema);
    if (reference.server !== protocol.serverKey || reference.protocol !== protocol.version) {
      throw new UserError(
        `Task ${reference.taskId} belongs to server '${reference.server}' (tasks ${reference.protocol}), but '${this.label}' connects to '${protocol.serverKey}' (tasks ${protocol.version}). Resume it with a toolset for that server, or give both toolsets the same id.`,
      );
    }
    // The model did nothing wrong here: a task the server does not know is a TaskExpiredError, any
    // other answer a typed error naming the reference, never a ModelRetry.
    const task = await protocol.getTask(reference.taskId).catch((error: unknown) => {
      const details = { toolName: reference.toolName, taskId: reference.taskId, reference };
      throw taskError(error, details, { method: 'tasks/get', serverMessage: protocol.serverErrorMessage(error) });
    });
    return this.#handle<Result>(protocol, reference.toolName, task, options.ctx, undefined, options.resultSchema);
  }

  /** Every task the server lists (all pages of tasks/list); a UserError on MCP 2026-07-28, which has no listing. */
  async listTasks(): Promise<TaskSnapshot[]> {
    const { protocol } = this.#open('listTasks');
    if (!protocol.supportsList) throw new UserError(`The MCP server of '${this.label}' ${protocol.noListReason}.`);
    const tasks: TaskSnapshot[] = [];
    await paginate(this.label, 'tasks/list', this.#resolved, async (cursor) => {
      const page = await protocol.listTasks(cursor).catch((error: unknown) => {
        throw listingError(this.label, 'tasks/list', error);
      });
      tasks.push(...page.tasks);
      return { count: page.tasks.length, total: tasks.length, nextCursor: page.nextCursor };
    });
    return tasks;
  }

  async #call(
    name: string,
    args: ToolArguments,
    ctx: RunContext,
    wish: boolean | undefined,
    meta: JsonObject | undefined,
    resultSchema: ResultSchema | undefined,
  ): Promise<unknown> {
    const { protocol, tools } = this.#open('callTool');
    assertJsonArguments(name, args);
    assertResultSchema(name, resultSchema);
    // The current listing nearly always knows the tool: then no promise and no microtask turn per call.
    const listed = tools.listedTaskSupport(name);
    const taskSupport = listed !== undefined ? listed : await tools.taskSupportOf(name);
    const useTask = protocol.useTask(wish ?? this.#resolved.preferTasks, taskSupport);
    // A call asks for progress only when someone will read it (its task's handle stays inside).
    const route = ctx.events.listens('progress') || this.#options.onProgress ? new ProgressRoute(protocol) : undefined;
    if (useTask) {
      let created: TaskHandle | MCPCallToolResult;
      try {
        created = await this.#createTask(protocol, name, args, meta, ctx, route, undefined, resultSchema);
      } catch (error) {
        route?.close();
        throw this.#callError(name, error);
      }
      if (!(created instanceof TaskHandle)) return this.#toolResult(name, created, resultSchema);
      // A call outside a run has nothing to abort it: its wait needs no abort listener.
      return created.result({ signal: this.#callSignal(ctx) });
    }
    if (route) {
      const emit = this.#emitter(ctx);
      route.subscribe((update) => emit?.(progressEvent(name, ctx, undefined, update)));
    }
    try {
      const outcome = await this.#sendPlainCall(protocol, name, args, meta, ctx, route?.token);
      if (outcome.kind === 'result') return await this.#toolResult(name, outcome.result, resultSchema);
      if (!protocol.serverDecides)
        throw new ProtocolError(`The server answered a plain call of tool '${name}' with a task.`, { toolName: name });
      // On 2026-07-28 the server decides: the call became a task, followed like any other.
      route?.close();
      return await this.#handle(protocol, name, outcome.task, ctx, undefined, resultSchema).result({
        signal: ctx.signal,
      });
    } catch (error) {
      throw this.#callError(name, error);
    } finally {
      route?.close();
    }
  }

  /**
   * Sends a plain tools/call. On 2025-11-25 it ends with the run. Where the server decides whether a
   * call becomes a task (2026-07-28), an abort waits `timeouts.cancelMs` for the answer, as for a task
   * being created: an answer naming a task lets the caller cancel it through its handle (and learn its
   * id); without an answer by then the request is abandoned (a task it creates later is cancelled
   * when its answer comes, see sdk/sdk-bypass.ts).
   */
  async #sendPlainCall(
    protocol: TaskGeneration,
    name: string,
    args: ToolArguments,
    meta: JsonObject | undefined,
    ctx: RunContext,
    progressToken: string | undefined,
  ): ReturnType<TaskGeneration['callTool']> {
    const signal = this.#callSignal(ctx);
    const call = { name, arguments: args, meta, task: undefined, runSignal: signal };
    if (!protocol.serverDecides || signal === undefined)
      return this.#sendCall(protocol, call, { signal, progressToken });
    if (ctx.signal.aborted) throw cancelledCall(name, ctx.signal);
    const request = new AbortController();
    const sending = this.#sendCall(protocol, call, { signal: request.signal, progressToken });
    const answered = await withAbortGrace(sending, ctx.signal, this.#resolved.cancelMs, this.#resolved.clock);
    if (answered === undefined || (answered.value.kind === 'result' && ctx.signal.aborted)) {
      request.abort(ctx.signal.reason);
      throw cancelledCall(name, ctx.signal);
    }
    return answered.value;
  }

  /**
   * Sends a task-augmented tools/call. The request is not tied to the run's signal: a server may
   * create the task before it sees a cancellation, and only its answer tells the task id to cancel.
   * So an abort meanwhile waits for the answer for `timeouts.cancelMs`; the caller then cancels the
   * task through the handle (see startTask and #call). Without an answer by then the caller gets a
   * CancelledError, and a task the answer names later is cancelled when it comes (within requestMs).
   */

  async #createTask<Result>(
    protocol: TaskGeneration,
    name: string,
    args: ToolArguments,
    meta: JsonObject | undefined,
    ctx: RunContext,
    route: ProgressRoute | undefined,
    ttlMs: number | undefined,
    resultSchema: ResultSchema | undefined,
  ): Promise<TaskHandle<Result> | MCPCallToolResult> {
    const ttl = ttlMs ?? this.#options.taskTtlMs;
    if (ctx.signal.aborted) throw cancelledCall(name, ctx.signal);
    const signal = this.#callSignal(ctx);
    const sending = this.#sendCall(
      protocol,
      { name, arguments: args, meta, task: ttl === undefined ? {} : { ttl }, runSignal: signal },
      { progressToken: route?.token },
    );
    // A call outside a run (no signal) cannot be abandoned: it waits for its answer alone.
    if (signal === undefined) return this.#created(protocol, name, await sending, ctx, route, resultSchema);
    const answered = await withAbortGrace(sending, signal, this.#resolved.cancelMs, this.#resolved.clock);
    if (answered === undefined) {
      sending.then(
        (late) => {
          if (late.kind === 'task') protocol.cancelTask(late.task.taskId).catch(() => undefined);
        },
        () => undefined,
      );
      throw cancelledCall(name, ctx.signal);
    }
    return this.#created(protocol, name, answered.value, ctx, route, resultSchema);
  }

  /** The handle of the task the server's answer names, or the result of a call it ran inline. */
  #created<Result>(
    protocol: TaskGeneration,
    name: string,
    outcome: ToolCallOutcome,
    ctx: RunContext,
    route: ProgressRoute | undefined,
    resultSchema: ResultSchema | undefined,
  ): TaskHandle<Result> | MCPCallToolResult {
    if (outcome.kind === 'result') {
      // The server ran it inline after all (what a server without task support must do): no task to follow.
      route?.close();
      if (ctx.signal.aborted) throw cancelledCall(name, ctx.signal);
      return outcome.result;
    }
    return this.#handle<Result>(protocol, name, outcome.task, ctx, route, resultSchema);
  }

  /**
   * Sends a tools/call through the generation. Refused with HeaderMismatch, the call carried other
   * `Mcp-Param-*` headers than the server expects (SEP-2243): the tool's inputSchema may have changed
   * since the last listing, so the tools are listed again and the call is sent once more (the server
   * refused it before running it). A second refusal is the caller's error.
   */
  #sendCall(
    protocol: TaskGeneration,
    ...call: Parameters<TaskGeneration['callTool']>
  ): ReturnType<TaskGeneration['callTool']> {
    // Not an async function: every call passes here (see Connection.requestThrough).
    return protocol.callTool(...call).catch(async (error: unknown) => {
      if (!isHeaderMismatch(error)) throw error;
      await this.#open('getTools').tools.refresh();
      return protocol.callTool(...call);
    });
  }

  #handle<Result>(
    protocol: TaskGeneration,
    toolName: string,
    task: TaskSnapshot,
    ctx: RunContext | undefined,
    route: ProgressRoute | undefined,
    resultSchema: ResultSchema | undefined,
  ): TaskHandle<Result> {
    const emit = ctx ? this.#emitter(ctx) : undefined;
    // Nothing here is made for a call nobody hears (an optional call evaluates no arguments).
    emit?.({
      type: 'task-created',
      toolName,
      toolCallId: ctx?.toolCallId,
      taskId: task.taskId,
      status: task.status,
      statusMessage: task.statusMessage,
      reference: taskReference(protocol, task.taskId, toolName),
    });
    return new TaskHandle<Result>({
      generation: protocol,
      toolName,
      task,
      // Made once per connection; a handle for a generation the toolset has since let go gets its own.
      settings:
        protocol === this.#generation && this.#handleSettings
          ? this.#handleSettings
          : handleSettings(this.#resolved, protocol),
      subscribeProgress: route ? (listener) => route.subscribe(listener) : undefined,
      emit,
      toolCallId: ctx?.toolCallId,
      resultSchema,
    });
  }

  /**
   * The run's event sink plus the toolset's own progress handler; undefined for a call outside a run
   * without that handler (nobody can hear its events).
   */
  #emitter(ctx: RunContext): ((event: ToolEvent) => void) | undefined {
    const onProgress = this.#options.onProgress;
    if (ctx === this.#detached && !onProgress) return undefined;
    return (event) => {
      ctx.events.emit(event);
      if (onProgress && event.type === 'progress') onProgress(event);
    };
  }

  /**
   * The signal that aborts a call in `ctx`; none for a call outside a run without a signal of its own:
   * nothing can abort it, and thousands of concurrent calls must not each listen to one shared signal.
   */
  #callSignal(ctx: RunContext): AbortSignal | undefined {
    return ctx === this.#detached ? undefined : ctx.signal;
  }

  /** The context of a call made outside a run: one for the toolset, with the call's own signal if it has one. */
  #detachedContext(signal: AbortSignal | undefined): RunContext {
    this.#detached ??= createRunContext();
    return signal ? { ...this.#detached, signal } : this.#detached;
  }

  /** What a call returns for `result` (a promise of it where a schema validates it); a tool error is thrown. */
  #toolResult(name: string, result: MCPCallToolResult, resultSchema: ResultSchema | undefined): unknown {
    if (result.isError) throw toolFailure(name, resultText(result), this.#resolved.toolErrorBehavior);
    return toolResultValue(name, result, resultSchema);
  }

  #callError(name: string, error: unknown): unknown {
    if (CancelledError.isInstance(error) && error.toolName === undefined)
      return new CancelledError(`The call of tool '${name}' was cancelled because its run was aborted.`, {
        toolName: name,
        cause: error.cause,
      });
    return callFailure(name, error, this.#resolved.toolErrorBehavior);
  }

  #open(what: string): {
    connection: Connection;
    protocol: TaskGeneration;
    tools: ToolListing;
    client: Connection['client'];
  } {
    const connection = this.#connection;
    const protocol = this.#generation;
    const tools = this.#tools;
    if (!connection || !protocol || !tools) {
      throw new UserError(`MCPToolset '${this.label}' is not open; call open() (or use 'await using') before ${what}.`);
    }
    return { connection, protocol, tools, client: connection.client };
  }
}

/** The error for a call abandoned because its run was aborted before any task existed. */
function cancelledCall(name: string, signal: AbortSignal): CancelledError {
  return new CancelledError(`The call of tool '${name}' was cancelled because its run was aborted.`, {
    toolName: name,
    cause: signal.reason,
  });
}

/** Rejects arguments that cannot travel as JSON (cycles, BigInt, …) with a UserError naming the tool. */
function assertJsonArguments(name: string, args: ToolArguments): void {
  try {
    JSON.stringify(args);
  } catch (error) {
    throw new UserError(
      `The arguments for tool '${shortName(name)}' cannot be sent as JSON (${(error as Error).message}); pass plain JSON values, without cycles or BigInt.`,
      { cause: error },
    );
  }
}

function progressEvent(
  toolName: string,
  ctx: RunContext,
  taskId: string | undefined,
  update: ProgressUpdate,
): ToolEvent {
  return {
    type: 'progress',
    toolName,
    toolCallId: ctx.toolCallId,
    taskId,
    progress: update.progress,
    total: update.total,
    message: update.message,
  };
}
