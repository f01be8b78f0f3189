import type { Implementation, ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';
import {
  BaseToolset,
  createRunContext,
  isPlainObject,
  type JsonObject,
  ProtocolError,
  type RunContext,
  type ToolArguments,
  type ToolDefinition,
  type ToolEvent,
  UserError,
} from '@toolwright/core';
import { closestNames } from './closest-names.ts';
import { Connection, type ProgressUpdate } from './connection.ts';
import { type MCPServerSource, type MCPToolsetOptions, type ResolvedOptions, resolveOptions } from './options.ts';
import { ProgressRoute } from './progress-route.ts';
import { callFailure, mapToolResult, resultText, toolFailure } from './result-mapping.ts';
import { type TaskSupport, useTaskFor } from './routing.ts';
import { TaskHandle, type TaskReference } from './task-handle.ts';
import type { TaskProtocol } from './task-protocol.ts';
import { Tasks20251125 } from './tasks-2025-11-25.ts';
import { toToolDefinition } from './tool-mapping.ts';
import type { CallToolResult, TaskSnapshot } from './wire.ts';

/** Options of {@link MCPToolset.directCallTool}. */
export interface DirectCallOptions {
  /** Run as a task where the tool allows a choice (default: the toolset's routing for that tool). */
  readonly useTask?: boolean;
  /** Sent as the request's `_meta`. */
  readonly meta?: JsonObject;
  /** Aborting cancels the call (and its server task). */
  readonly signal?: AbortSignal;
  /** The run the call belongs to: its events receive progress and task status. */
  readonly ctx?: RunContext;
}

/** Options of {@link MCPToolset.startTask}. */
export interface StartTaskOptions {
  readonly meta?: JsonObject;
  /** Aborting before the server answered abandons the request. */
  readonly signal?: AbortSignal;
  /** The run the task belongs to: its events receive the task's creation, status and progress. */
  readonly ctx?: RunContext;
  /** The ttl to ask for, in milliseconds (default: the toolset's `taskTtlMs`, else the server's choice). */
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
  #protocol: TaskProtocol | undefined;
  #tools: Promise<readonly ToolDefinition[]> | undefined;
  /** Each tool's declared task support, from the latest listing: the spec guard for every call. */
  #taskSupport = new Map<string, TaskSupport>();
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
    const connection = await Connection.open(this.#source, this.#options, this.#resolved);
    connection.onToolsListChanged(() => {
      this.#invalidateTools();
      this.#options.onToolsListChanged?.();
    });
    this.#connection = connection;
    this.#protocol = new Tasks20251125(connection);
  }

  protected override async onClose(): Promise<void> {
    const connection = this.#connection;
    this.#connection = undefined;
    this.#protocol = undefined;
    this.#invalidateTools();
    await connection?.close();
  }

  /** Every tool of the server (all pages of tools/list), cached until the server says the list changed. */
  getTools(_ctx?: RunContext): Promise<readonly ToolDefinition[]> {
    this.#open('getTools');
    if (this.#resolved.cacheTools && this.#tools) return this.#tools;
    const listing = this.#listTools();
    if (this.#resolved.cacheTools) {
      this.#tools = listing;
      listing.catch(() => {
        if (this.#tools === listing) this.#tools = undefined;
      });
    }
    return listing;
  }

  /**
   * Calls a tool. Routes by the `task` flag of the definition it is handed (so an overriding
   * capability, or a definition that went through JSON, keeps working) but never against the spec:
   * no task for a tool or server that does not support tasks, always a task for a `required` tool.
   */
  callTool(name: string, args: ToolArguments, ctx: RunContext, tool: ToolDefinition): Promise<unknown> {
    const wish = tool.metadata.task === true;
    const process = this.#options.processToolCall;
    if (!process) return this.#call(name, args, ctx, wish, undefined);
    const call = (calledName: string, calledArgs: ToolArguments, meta?: JsonObject) =>
      this.#call(calledName, calledArgs, ctx, calledName === name ? wish : undefined, meta);
    return process(ctx, call, name, args);
  }

  /** Calls a tool without a definition; `useTask` chooses where the spec leaves a choice. */
  directCallTool(name: string, args: ToolArguments, options: DirectCallOptions = {}): Promise<unknown> {
    const ctx = options.ctx ?? detachedContext(options.signal);
    const withSignal = options.signal && options.ctx ? { ...ctx, signal: options.signal } : ctx;
    return this.#call(name, args, withSignal, options.useTask, options.meta);
  }

  /** Starts a tool call as a task and returns its handle at once. The tool must allow tasks. */
  async startTask(name: string, args: ToolArguments, options: StartTaskOptions = {}): Promise<TaskHandle> {
    const { protocol } = this.#open('startTask');
    const taskSupport = await this.#taskSupportOf(name);
    if (!useTaskFor(true, taskSupport, protocol.supportsToolTasks)) {
      const why = protocol.supportsToolTasks
        ? `its taskSupport is ${taskSupport === null ? 'absent' : `'${taskSupport}'`}`
        : 'the server does not support task-augmented tool calls';
      throw new UserError(
        `Tool '${name}' of '${this.label}' cannot run as a task: ${why}. Call it with callTool or directCallTool instead.`,
      );
    }
    const ctx = options.ctx ?? detachedContext(options.signal);
    const route = new ProgressRoute(protocol);
    let created: TaskHandle | CallToolResult;
    try {
      created = await this.#createTask(
        protocol,
        name,
        args,
        options.meta,
        options.signal ? { ...ctx, signal: options.signal } : ctx,
        route,
        options.ttlMs,
      );
    } catch (error) {
      route.close();
      throw this.#callError(name, error);
    }
    if (created instanceof TaskHandle) return created;
    throw new ProtocolError(
      `The server ran tool '${name}' inline although it was asked for a task; use callTool for it.`,
      { toolName: name },
    );
  }

  /** A handle for a task started earlier (on this or another connection, in this or another process). */
  async resumeTask(reference: TaskReference, options: { readonly ctx?: RunContext } = {}): Promise<TaskHandle> {
    const { protocol } = this.#open('resumeTask');
    if (
      !isPlainObject(reference) ||
      reference.type !== 'mcp-task' ||
      typeof reference.taskId !== 'string' ||
      typeof reference.toolName !== 'string'
    ) {
      throw new UserError(
        `resumeTask needs a task reference from handle.toJSON() or error.reference; got ${JSON.stringify(reference)}.`,
      );
    }
    if (reference.server !== protocol.serverKey || reference.protocol !== protocol.version) {
      throw new UserError(
        `Task ${reference.taskId} belongs to server '${reference.server}' (tasks ${reference.protocol}), but '${this.label}' connects to '${protocol.serverKey}' (tasks ${protocol.version}). Resume it with a toolset for that server, or give both toolsets the same id.`,
      );
    }
    const task = await protocol.getTask(reference.taskId).catch((error: unknown) => {
      throw this.#callError(reference.toolName, error);
    });
    return this.#handle(protocol, reference.toolName, task, options.ctx, undefined);
  }

  /** Every task the server lists (all pages of tasks/list). */
  async listTasks(): Promise<TaskSnapshot[]> {
    const { protocol } = this.#open('listTasks');
    if (!protocol.supportsList)
      throw new UserError(`The MCP server of '${this.label}' does not offer tasks/list (no tasks.list capability).`);
    const tasks: TaskSnapshot[] = [];
    const seen = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await protocol.listTasks(cursor);
      tasks.push(...page.tasks);
      cursor = page.nextCursor;
      if (cursor !== undefined && seen.has(cursor))
        throw new ProtocolError(
          `The server repeated tasks/list cursor '${cursor}'; stopping to avoid an endless listing.`,
        );
      if (cursor !== undefined) seen.add(cursor);
    } while (cursor !== undefined);
    return tasks;
  }

  async #call(
    name: string,
    args: ToolArguments,
    ctx: RunContext,
    wish: boolean | undefined,
    meta: JsonObject | undefined,
  ): Promise<unknown> {
    const { protocol } = this.#open('callTool');
    const taskSupport = await this.#taskSupportOf(name);
    const useTask = useTaskFor(wish ?? this.#resolved.preferTasks, taskSupport, protocol.supportsToolTasks);
    if (useTask) {
      const route = new ProgressRoute(protocol);
      let created: TaskHandle | CallToolResult;
      try {
        created = await this.#createTask(protocol, name, args, meta, ctx, route, undefined);
      } catch (error) {
        route.close();
        throw this.#callError(name, error);
      }
      return created instanceof TaskHandle ? created.result({ signal: ctx.signal }) : this.#toolResult(name, created);
    }
    // A plain call asks for progress only when someone will read it.
    const route = ctx.events.listens('progress') || this.#options.onProgress ? new ProgressRoute(protocol) : undefined;
    if (route) {
      const emit = this.#emitter(ctx);
      route.subscribe((update) => emit(progressEvent(name, ctx, undefined, update)));
    }
    try {
      const outcome = await protocol.callTool(
        { name, arguments: args, meta, task: undefined },
        { signal: ctx.signal, progressToken: route?.token },
      );
      if (outcome.kind !== 'result')
        throw new ProtocolError(`The server answered a plain call of tool '${name}' with a task.`, { toolName: name });
      return this.#toolResult(name, outcome.result);
    } catch (error) {
      throw this.#callError(name, error);
    } finally {
      route?.close();
    }
  }

  async #createTask(
    protocol: TaskProtocol,
    name: string,
    args: ToolArguments,
    meta: JsonObject | undefined,
    ctx: RunContext,
    route: ProgressRoute,
    ttlMs: number | undefined,
  ): Promise<TaskHandle | CallToolResult> {
    const ttl = ttlMs ?? this.#options.taskTtlMs;
    const outcome = await protocol.callTool(
      { name, arguments: args, meta, task: ttl === undefined ? {} : { ttl } },
      { signal: ctx.signal, progressToken: route.token },
    );
    if (outcome.kind === 'result') {
      // The server ran it inline after all (what a server without task support must do): no task to follow.
      route.close();
      return outcome.result;
    }
    return this.#handle(protocol, name, outcome.task, ctx, route);
  }

  #handle(
    protocol: TaskProtocol,
    toolName: string,
    task: TaskSnapshot,
    ctx: RunContext | undefined,
    route: ProgressRoute | undefined,
  ): TaskHandle {
    const emit = ctx ? this.#emitter(ctx) : undefined;
    const reference = {
      type: 'mcp-task',
      protocol: protocol.version,
      server: protocol.serverKey,
      taskId: task.taskId,
      toolName,
    } as const;
    emit?.({
      type: 'task-created',
      toolName,
      toolCallId: ctx?.toolCallId,
      taskId: task.taskId,
      status: task.status,
      reference,
    });
    return new TaskHandle({
      protocol,
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
    });
  }

  /** The run's event sink plus the toolset's own progress handler. */
  #emitter(ctx: RunContext): (event: ToolEvent) => void {
    const onProgress = this.#options.onProgress;
    return (event) => {
      ctx.events.emit(event);
      if (onProgress && event.type === 'progress') {
        onProgress({
          toolName: event.toolName,
          taskId: event.taskId,
          progress: event.progress,
          total: event.total,
          message: event.message,
        });
      }
    };
  }

  #toolResult(name: string, result: CallToolResult): unknown {
    if (result.isError) throw toolFailure(name, resultText(result), this.#resolved.toolErrorBehavior);
    return mapToolResult(result);
  }

  #callError(name: string, error: unknown): unknown {
    return callFailure(name, error, this.#resolved.toolErrorBehavior);
  }

  async #taskSupportOf(name: string): Promise<TaskSupport> {
    if (!this.#taskSupport.has(name)) await this.#listTools();
    const support = this.#taskSupport.get(name);
    if (support === undefined && !this.#taskSupport.has(name)) {
      const suggestions = closestNames(name, this.#taskSupport.keys());
      throw new UserError(
        `Tool '${name}' is not offered by MCP server '${this.label}'.${suggestions.length > 0 ? ` Did you mean ${suggestions.map((s) => `'${s}'`).join(', ')}?` : ''} Call getTools() to see the tools it offers.`,
      );
    }
    return support ?? null;
  }

  async #listTools(): Promise<readonly ToolDefinition[]> {
    const { connection } = this.#open('getTools');
    const generation = this.#listGeneration;
    const supportsTasks = connection.supportsToolTasks;
    const definitions: ToolDefinition[] = [];
    const taskSupport = new Map<string, TaskSupport>();
    const seen = new Set<string>();
    let cursor: string | undefined;
    do {
      const raw = await connection.request('tools/list', cursor === undefined ? {} : { cursor });
      if (!isPlainObject(raw) || !Array.isArray(raw.tools))
        throw new ProtocolError(
          `The server of '${this.label}' sent a malformed tools/list result: tools must be an array.`,
        );
      for (const tool of raw.tools) {
        const { definition, taskSupport: support } = toToolDefinition(
          tool,
          this.#resolved.preferTasks,
          supportsTasks,
          definitions.length,
        );
        if (taskSupport.has(definition.name))
          throw new ProtocolError(`The server of '${this.label}' lists tool '${definition.name}' twice.`, {
            toolName: definition.name,
          });
        taskSupport.set(definition.name, support);
        definitions.push(definition);
      }
      cursor = typeof raw.nextCursor === 'string' ? raw.nextCursor : undefined;
      if (cursor !== undefined && seen.has(cursor))
        throw new ProtocolError(`The server of '${this.label}' repeated tools/list cursor '${cursor}'.`);
      if (cursor !== undefined) seen.add(cursor);
    } while (cursor !== undefined);
    // A list that changed while this one was read is stale: keep it from the spec guard.
    if (generation === this.#listGeneration) this.#taskSupport = taskSupport;
    return definitions;
  }

  #invalidateTools(): void {
    this.#listGeneration++;
    this.#tools = undefined;
    this.#taskSupport = new Map();
  }

  #open(what: string): { connection: Connection; protocol: TaskProtocol; client: Connection['client'] } {
    const connection = this.#connection;
    const protocol = this.#protocol;
    if (!connection || !protocol) {
      throw new UserError(`MCPToolset '${this.label}' is not open; call open() (or use 'await using') before ${what}.`);
    }
    return { connection, protocol, client: connection.client };
  }
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
