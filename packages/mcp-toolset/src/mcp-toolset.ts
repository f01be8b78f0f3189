import {
  type Implementation,
  ProtocolError as JsonRpcError,
  type ServerCapabilities,
} from '@modelcontextprotocol/client';
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
import { isPlainObject } from '@toolwright/core/internal';
import { Connection } from './connection.ts';
import { Tasks20251125 } from './generations/2025-11-25/generation.ts';
import { TASKS_2026_CAPABILITIES, Tasks20260728 } from './generations/2026-07-28/generation.ts';
import { closestNames } from './listing/closest-names.ts';
import { toToolDefinition } from './listing/tool-mapping.ts';
import { type MCPServerSource, type MCPToolsetOptions, type ResolvedOptions, resolveOptions } from './options.ts';
import { type HeaderParameter, readMcpHeaders } from './param-headers/mcp-header.ts';
import { isHeaderMismatch } from './param-headers/param-headers.ts';
import { callFailure, resultText, toolFailure } from './result-mapping.ts';
import { assertResultSchema, type ResultSchema, toolResultValue } from './result-schema.ts';
import { ProgressRoute } from './tasks/progress-route.ts';
import type { TaskGeneration, TaskSupport } from './tasks/task-generation.ts';
import { TaskHandle, type TaskReference, taskReference } from './tasks/task-handle.ts';
import type { TaskSnapshot } from './tasks/task-model.ts';
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
  /** The latest complete listing and the list generation it was started in: the spec guard for every call. */
  #listed: (Listing & { readonly generation: number }) | undefined;
  /** The tools/list in flight, shared by every caller. */
  #listing: Promise<Listing> | undefined;
  #wasOpened = false;
  /** Counts notifications/tools/list_changed: a listing started in an older generation is stale. */
  #listGeneration = 0;

  constructor(source: MCPServerSource, options: MCPToolsetOptions = {}) {
    super({ id: options.id });
    const isClient = typeof source === 'object' && source !== null && 'getServerCapabilities' in source;
    this.#resolved = resolveOptions(options, isClient);
    this.#source = source;
    this.#options = options;
  }

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
    // The tasks extension is declared wherever 2026-07-28 may be spoken (the 2025 handshake has no extensions).
    const pinned2025 = this.#options.protocolVersion === '2025-11-25';
    const connection = await Connection.open(
      this.#source,
      this.#options,
      this.#resolved,
      pinned2025 ? {} : TASKS_2026_CAPABILITIES,
    );
    connection.onToolsListChanged(() => {
      this.#invalidateTools();
      this.#options.onToolsListChanged?.();
    });
    this.#connection = connection;
    // The task generation follows the negotiated protocol.
    this.#generation =
      connection.protocolVersion === '2026-07-28'
        ? new Tasks20260728(connection)
        : new Tasks20251125(connection, this.#resolved.maxPollMs);
    this.#wasOpened = true;
  }

  protected override async onClose(): Promise<void> {
    const connection = this.#connection;
    this.#connection = undefined;
    this.#generation = undefined;
    this.#invalidateTools();
    this.#listed = undefined;
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
    // Before the first open this throws at once (a plain programming mistake); after close() it
    // rejects, since a caller racing close() holds a promise and awaits it.
    if (!this.#wasOpened) this.#open('getTools');
    try {
      this.#open('getTools');
    } catch (error) {
      return Promise.reject(error);
    }
    const listed = this.#listed;
    if (this.#resolved.cacheTools && listed && listed.generation === this.#listGeneration)
      return Promise.resolve(listed.definitions);
    return this.#list().then((listing) => listing.definitions);
  }

  /**
   * Calls a tool. Routes by the `task` flag of the definition it is handed (so an overriding
   * capability, or a definition that went through JSON, keeps working) but never against the spec:
   * no task for a tool or server that does not support tasks, always a task for a `required` tool.
   * `options.resultSchema` types and validates the result (see {@link ResultOptions}); a
   * `processToolCall` hook that answers without calling the server is not validated.
   */
  callTool<Result = unknown>(
    name: string,
    args: ToolArguments,
    ctx: RunContext,
    tool: ToolDefinition,
    options: ResultOptions<Result> = {},
  ): Promise<Result> {
    const wish = tool.metadata.task === true;
    const schema = options.resultSchema;
    const process = this.#options.processToolCall;
    if (!process) return this.#call(name, args, ctx, wish, undefined, schema) as Promise<Result>;
    const call = (calledName: string, calledArgs: ToolArguments, meta?: JsonObject) =>
      calledName === name
        ? this.#call(calledName, calledArgs, ctx, wish, meta, schema)
        : this.#call(calledName, calledArgs, ctx, undefined, meta, undefined);
    return process(ctx, call, name, args) as Promise<Result>;
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
    const ctx = options.ctx ?? detachedContext(options.signal);
    const withSignal = options.signal && options.ctx ? { ...ctx, signal: options.signal } : ctx;
    return this.#call(name, args, withSignal, options.useTask, options.meta, options.resultSchema) as Promise<Result>;
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
    const { protocol } = this.#open('startTask');
    assertJsonArguments(name, args);
    assertResultSchema(name, options.resultSchema);
    if (options.ttlMs !== undefined && !(Number.isFinite(options.ttlMs) && options.ttlMs > 0))
      throw new UserError(
        `startTask('${name}'): ttlMs must be a positive number of milliseconds, got ${options.ttlMs}.`,
      );
    const taskSupport = await this.#taskSupportOf(name);
    const why = protocol.whyNoTask(taskSupport);
    if (why !== undefined) {
      throw new UserError(
        `Tool '${name}' of '${this.label}' cannot run as a task: ${why}. Call it with callTool or directCallTool instead.`,
      );
    }
    const ctx = options.ctx ?? detachedContext(options.signal);
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
    const task = await protocol.getTask(reference.taskId).catch((error: unknown) => {
      throw this.#callError(reference.toolName, error);
    });
    return this.#handle<Result>(protocol, reference.toolName, task, options.ctx, undefined, options.resultSchema);
  }

  /** Every task the server lists (all pages of tasks/list); a UserError on MCP 2026-07-28, which has no listing. */
  async listTasks(): Promise<TaskSnapshot[]> {
    const { protocol } = this.#open('listTasks');
    if (!protocol.supportsList) throw new UserError(`The MCP server of '${this.label}' ${protocol.noListReason}.`);
    const tasks: TaskSnapshot[] = [];
    await this.#paginate('tasks/list', async (cursor) => {
      const page = await protocol.listTasks(cursor).catch((error: unknown) => {
        throw listingError(this.label, 'tasks/list', error);
      });
      tasks.push(...page.tasks);
      return { count: page.tasks.length, total: tasks.length, nextCursor: page.nextCursor };
    });
    return tasks;
  }

  /**
   * Reads pages until the server gives no cursor, within the listing limits: a repeated cursor,
   * too many pages or too many items stop it with a ProtocolError.
   */
  async #paginate(
    method: string,
    readPage: (
      cursor: string | undefined,
    ) => Promise<{ readonly total: number; readonly count: number; readonly nextCursor: string | undefined }>,
  ): Promise<void> {
    const { maxListPages, maxListItems } = this.#resolved;
    const seen = new Set<string>();
    let cursor: string | undefined;
    for (let pages = 1; ; pages++) {
      const page = await readPage(cursor);
      cursor = page.nextCursor;
      if (cursor === undefined) return;
      const stop =
        seen.has(cursor) || cursor.length > 4096
          ? `repeated (or sent an oversized) ${method} cursor`
          : pages >= maxListPages
            ? `sent more than ${maxListPages} pages of ${method} (listing.maxPages)`
            : page.total >= maxListItems
              ? `sent ${page.total} ${method} items, the limit (listing.maxItems)`
              : undefined;
      if (stop !== undefined)
        throw new ProtocolError(`The server of '${this.label}' ${stop}; stopped to avoid an endless listing.`);
      seen.add(cursor);
    }
  }

  async #call(
    name: string,
    args: ToolArguments,
    ctx: RunContext,
    wish: boolean | undefined,
    meta: JsonObject | undefined,
    resultSchema: ResultSchema | undefined,
  ): Promise<unknown> {
    const { protocol } = this.#open('callTool');
    assertJsonArguments(name, args);
    assertResultSchema(name, resultSchema);
    // The current listing nearly always knows the tool: then no promise and no microtask turn per call.
    const listed = this.#listedTaskSupport(name);
    const taskSupport = listed !== undefined ? listed : await this.#taskSupportOf(name);
    const useTask = protocol.useTask(wish ?? this.#resolved.preferTasks, taskSupport);
    if (useTask) {
      const route = new ProgressRoute(protocol);
      let created: TaskHandle | MCPCallToolResult;
      try {
        created = await this.#createTask(protocol, name, args, meta, ctx, route, undefined, resultSchema);
      } catch (error) {
        route.close();
        throw this.#callError(name, error);
      }
      return created instanceof TaskHandle
        ? created.result({ signal: ctx.signal })
        : this.#toolResult(name, created, resultSchema);
    }
    // A plain call asks for progress only when someone will read it.
    const route = ctx.events.listens('progress') || this.#options.onProgress ? new ProgressRoute(protocol) : undefined;
    if (route) {
      const emit = this.#emitter(ctx);
      route.subscribe((update) => emit(progressEvent(name, ctx, undefined, update)));
    }
    try {
      const outcome = await this.#sendCall(
        protocol,
        { name, arguments: args, meta, task: undefined },
        { signal: ctx.signal, progressToken: route?.token },
      );
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
   * Sends a task-augmented tools/call. The request is not tied to the run's signal: a server may
   * create the task before it sees a cancellation, and only its answer tells the task id to cancel.
   * So an abort meanwhile waits for the answer (within the request timeout); the caller then
   * cancels the task through the handle (see startTask and #call).
   */

  async #createTask<Result>(
    protocol: TaskGeneration,
    name: string,
    args: ToolArguments,
    meta: JsonObject | undefined,
    ctx: RunContext,
    route: ProgressRoute,
    ttlMs: number | undefined,
    resultSchema: ResultSchema | undefined,
  ): Promise<TaskHandle<Result> | MCPCallToolResult> {
    const ttl = ttlMs ?? this.#options.taskTtlMs;
    if (ctx.signal.aborted) throw cancelledCall(name, ctx.signal);
    const outcome = await this.#sendCall(
      protocol,
      { name, arguments: args, meta, task: ttl === undefined ? {} : { ttl }, runSignal: ctx.signal },
      { progressToken: route.token },
    );
    if (outcome.kind === 'result') {
      // The server ran it inline after all (what a server without task support must do): no task to follow.
      route.close();
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
  async #sendCall(
    protocol: TaskGeneration,
    ...call: Parameters<TaskGeneration['callTool']>
  ): ReturnType<TaskGeneration['callTool']> {
    try {
      return await protocol.callTool(...call);
    } catch (error) {
      if (!isHeaderMismatch(error)) throw error;
      this.#invalidateTools();
      await this.#list();
      return protocol.callTool(...call);
    }
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
    const reference = taskReference(protocol, task.taskId, toolName);
    emit?.({
      type: 'task-created',
      toolName,
      toolCallId: ctx?.toolCallId,
      taskId: task.taskId,
      status: task.status,
      statusMessage: task.statusMessage,
      reference,
    });
    return new TaskHandle<Result>({
      generation: protocol,
      toolName,
      task,
      behavior: this.#resolved.toolErrorBehavior,
      polling: {
        minMs: this.#resolved.minPollMs,
        maxMs: this.#resolved.maxPollMs,
        defaultMs: this.#resolved.defaultPollMs,
      },
      subscribeProgress: route ? (listener) => route.subscribe(listener) : undefined,
      emit,
      toolCallId: ctx?.toolCallId,
      resultSchema,
    });
  }

  /** The run's event sink plus the toolset's own progress handler. */
  #emitter(ctx: RunContext): (event: ToolEvent) => void {
    const onProgress = this.#options.onProgress;
    return (event) => {
      ctx.events.emit(event);
      if (onProgress && event.type === 'progress') onProgress(event);
    };
  }

  #toolResult(name: string, result: MCPCallToolResult, resultSchema: ResultSchema | undefined): Promise<unknown> {
    if (result.isError) return Promise.reject(toolFailure(name, resultText(result), this.#resolved.toolErrorBehavior));
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

  /**
   * A tool's declared task support, from the latest listing while it is current. A stale or
   * missing listing, or a name it lacks, is listed (again) first: a tool the server offers is never
   * refused because its list changed meanwhile.
   */
  async #taskSupportOf(name: string): Promise<TaskSupport> {
    const listed = this.#listedTaskSupport(name);
    if (listed !== undefined) return listed;
    const listing = await this.#list();
    const support = listing.taskSupport.get(name);
    const excluded = listing.excluded.get(name);
    if (support === undefined && excluded !== undefined)
      throw new UserError(
        `Tool '${shortName(name)}' of MCP server '${this.label}' is left out because its ${excluded}; a client must not call such a tool (SEP-2243). The server must fix its definition.`,
      );
    if (support === undefined) {
      const suggestions = closestNames(name, listing.taskSupport.keys());
      throw new UserError(
        `Tool '${shortName(name)}' is not offered by MCP server '${this.label}'.${suggestions.length > 0 ? ` Did you mean ${suggestions.map((s) => `'${shortName(s)}'`).join(', ')}?` : ''} Call getTools() to see the tools it offers.`,
      );
    }
    return support === 'none' ? null : support;
  }

  /** A tool's declared task support from the latest listing while it is current; undefined when it must be listed (again). */
  #listedTaskSupport(name: string): TaskSupport | undefined {
    const listed = this.#listed;
    const support = listed && listed.generation === this.#listGeneration ? listed.taskSupport.get(name) : undefined;
    return support === undefined ? undefined : support === 'none' ? null : support;
  }

  /** The tools/list in flight, or a new one: concurrent callers share it. */
  #list(): Promise<Listing> {
    this.#listing ??= this.#freshListing().finally(() => {
      this.#listing = undefined;
    });
    return this.#listing;
  }

  /**
   * Lists the tools, again while the server says its list changed during the listing (a few times
   * at most: under a storm of list_changed the last complete listing is the best there is).
   */
  async #freshListing(): Promise<Listing> {
    for (let attempt = 1; ; attempt++) {
      const { connection, protocol } = this.#open('getTools');
      const generation = this.#listGeneration;
      const listing = await this.#readListing(connection, protocol);
      if (this.#connection !== connection) return listing;
      this.#listed = { ...listing, generation };
      if (generation === this.#listGeneration || attempt >= LISTING_ATTEMPTS) return listing;
    }
  }

  async #readListing(connection: Connection, protocol: TaskGeneration): Promise<Listing> {
    const routing = (execution: unknown) => protocol.routing(execution, this.#resolved.preferTasks);
    const definitions: ToolDefinition[] = [];
    const taskSupport = new Map<string, NonNullable<TaskSupport> | 'none'>();
    const excluded = new Map<string, string>();
    // Tool-parameter headers (x-mcp-header) are a 2026-07-28 feature: a tool whose annotations are invalid
    // is left out, and the parameters the others designate are mirrored into headers on each call.
    const checkHeaders = connection.protocolVersion === '2026-07-28';
    const headerParameters = new Map<string, readonly HeaderParameter[]>();
    await this.#paginate('tools/list', async (cursor) => {
      const raw = await connection
        .request('tools/list', cursor === undefined ? {} : { cursor })
        .catch((error: unknown) => {
          throw listingError(this.label, 'tools/list', error);
        });
      if (!isPlainObject(raw) || !Array.isArray(raw.tools))
        throw new ProtocolError(
          `The server of '${this.label}' sent a malformed tools/list result: tools must be an array.`,
        );
      for (const tool of raw.tools) {
        const { definition, taskSupport: support } = toToolDefinition(tool, routing, definitions.length);
        const headers = checkHeaders ? readMcpHeaders(definition.inputSchema) : undefined;
        if (headers?.invalid !== undefined) {
          excluded.set(definition.name, headers.invalid);
          continue;
        }
        if (taskSupport.has(definition.name))
          throw new ProtocolError(`The server of '${this.label}' lists tool '${definition.name}' twice.`, {
            toolName: definition.name,
          });
        taskSupport.set(definition.name, support ?? 'none');
        if (headers?.parameters.length) headerParameters.set(definition.name, headers.parameters);
        definitions.push(definition);
      }
      return {
        count: raw.tools.length,
        total: definitions.length,
        nextCursor: typeof raw.nextCursor === 'string' ? raw.nextCursor : undefined,
      };
    });
    connection.paramHeaders.useListing(headerParameters);
    return { definitions, taskSupport, excluded };
  }

  #invalidateTools(): void {
    this.#listGeneration++;
  }

  #open(what: string): { connection: Connection; protocol: TaskGeneration; client: Connection['client'] } {
    const connection = this.#connection;
    const protocol = this.#generation;
    if (!connection || !protocol) {
      throw new UserError(`MCPToolset '${this.label}' is not open; call open() (or use 'await using') before ${what}.`);
    }
    return { connection, protocol, client: connection.client };
  }
}

/** How many times a listing is read again when the list changed while it was read. */
const LISTING_ATTEMPTS = 3;

/** One complete tools/list: the definitions, and each tool's declared task support ('none' when absent). */
interface Listing {
  readonly definitions: readonly ToolDefinition[];
  readonly taskSupport: ReadonlyMap<string, NonNullable<TaskSupport> | 'none'>;
  /** Tools left out of the listing, with why (invalid x-mcp-header annotations). */
  readonly excluded: ReadonlyMap<string, string>;
}

/** A listing request's failure, typed: the toolset's own errors pass; a JSON-RPC error becomes a ProtocolError. */
function listingError(label: string, method: string, error: unknown): unknown {
  if (!(error instanceof JsonRpcError)) return error;
  return new ProtocolError(`The server of '${label}' answered ${method} with an error: ${error.message}.`, {
    cause: error,
  });
}

/** The error for a call abandoned because its run was aborted before any task existed. */
function cancelledCall(name: string, signal: AbortSignal): CancelledError {
  return new CancelledError(`The call of tool '${name}' was cancelled because its run was aborted.`, {
    toolName: name,
    cause: signal.reason,
  });
}

/** A name cut to a readable length for messages (a server may send names of any length). */
function shortName(name: string): string {
  return name.length > 120 ? `${name.slice(0, 120)}…` : name;
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

/**
 * A task reference as JSON, read once: a value with cycles, BigInt or throwing getters, or one
 * that lacks the fields of a reference, is a UserError that says what to pass instead.
 */
function readReference(value: unknown): TaskReference {
  const hint = 'pass handle.toJSON() or error.reference (or JSON.parse of a saved one)';
  let copy: unknown;
  try {
    copy = JSON.parse(JSON.stringify(value) ?? 'null');
  } catch (error) {
    throw new UserError(
      `resumeTask cannot read the task reference it was given (${(error as Error).message}); ${hint}.`,
      {
        cause: error,
      },
    );
  }
  if (
    !isPlainObject(copy) ||
    copy.type !== 'mcp-task' ||
    typeof copy.taskId !== 'string' ||
    typeof copy.toolName !== 'string' ||
    typeof copy.server !== 'string' ||
    typeof copy.protocol !== 'string'
  ) {
    const text = JSON.stringify(copy);
    throw new UserError(
      `resumeTask needs a task reference; got ${text.length > 200 ? `${text.slice(0, 200)}…` : text}. ${hint[0]?.toUpperCase()}${hint.slice(1)}.`,
    );
  }
  return copy as TaskReference;
}

/** A context for calls made outside a run: no tool call id, its own events. */
function detachedContext(signal: AbortSignal | undefined): RunContext {
  return createRunContext(signal ? { signal } : {});
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
