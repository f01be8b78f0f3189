import { InMemoryTaskMessageQueue } from '@modelcontextprotocol/sdk/experimental/tasks/index.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  CreateMessageResultSchema,
  ElicitResultSchema,
  ErrorCode,
  type JSONRPCMessage,
  ListToolsRequestSchema,
  McpError,
  type ServerNotification,
  type ServerRequest,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { Misbehaviour } from './misbehaving.ts';
import {
  type FixtureOptions,
  type ListChangedStorm,
  type ResolvedFixtureOptions,
  resolveFixtureOptions,
  unknownTaskErrorFor,
} from './options.ts';
import { type FixtureInspector, FixtureState } from './state.ts';
import { RecordingTaskStore } from './task-store.ts';
import { type FixtureTool, generatedTools, LATE_TOOL, sleep, TOOLS, type ToolRun } from './tools.ts';
import { wallClockMs } from './wall-clock.ts';

/** A fixture MCP server: one server per connection (per HTTP session), all sharing tools, tasks and records. */
export interface FixtureServer {
  /** The server's options, with every default applied. */
  readonly options: ResolvedFixtureOptions;
  /** What the server received and holds, for a test's assertions. */
  readonly inspector: FixtureInspector;
  /** Serves one connection on `transport` (already created, not yet started). */
  connect(transport: Transport, hooks?: ConnectionHooks): Promise<Server>;
  /** Adds `late_tool` (or removes it again) and sends notifications/tools/list_changed on every connection. */
  changeTools(): Promise<void>;
  /** What `dies_mid_task` does; set by the transport helper (default: close every connection). */
  setDie(die: () => void): void;
  /** What the transport does besides the server for the faults of the misbehaving tools; set by the transport helper. */
  setFaults(faults: TransportFaults): void;
  /** Stops answering: every message in and out is dropped from now on (see `hangs_task`). */
  hang(): void;
  /** Closes every connection and stops every task and timer. */
  close(): Promise<void>;
}

/**
 * A test's own wire faults, for what no option or tool covers (in-process fixtures only). Both see raw
 * JSON-RPC: nothing they return is validated.
 */
export interface WireScript {
  /**
   * Sees each incoming message first (after the inspector recorded it): return a message to send back in
   * the server's place, `null` to drop it unanswered, or undefined to let the server handle it.
   */
  readonly incoming?: (message: JSONRPCMessage) => JSONRPCMessage | null | undefined;
  /** Sees each outgoing message last (after the fixture's own faults): return what to send instead, or undefined to send it. */
  readonly outgoing?: (message: JSONRPCMessage) => JSONRPCMessage[] | undefined;
}

/** How a transport helper takes part in a connection. */
export interface ConnectionHooks {
  /** Writes several messages in one write (stdio), for the faults that need them to arrive together. */
  readonly sendTogether?: (messages: JSONRPCMessage[]) => Promise<void>;
}

/** The transport's share of the misbehaving tools' faults. */
export interface TransportFaults {
  /** `drops_connection_task` (default: as `dies_mid_task`). */
  readonly dropConnections?: () => void;
  /** `hangs_task`, besides the server dropping every message (default: nothing more). */
  readonly hang?: () => void;
}

/** One connection's share of the misbehaviour: the methods of requests not yet answered, and answers to replace. */
interface Connection {
  readonly server: Server;
  readonly methods: Map<string | number, string>;
  readonly answers: Map<string | number, unknown>;
  readonly stops: Set<() => void>;
  /** Whether `initialize` has arrived on this connection. */
  initialized: boolean;
}

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;
/** The requests that name a task the server may not hold. */
const TASK_METHODS = new Set(['tasks/get', 'tasks/result', 'tasks/cancel']);
/** Where a task's status goes: the request's task store (which notifies the client) or the bare store (which does not). */
type StatusUpdater = Pick<NonNullable<Extra['taskStore']>, 'updateTaskStatus' | 'storeTaskResult'>;

/**
 * Creates a fixture server. With `stateFile`, its records are also written there (for an inspector
 * in another process).
 */
export function createFixtureServer(
  options: FixtureOptions = {},
  internals: { readonly stateFile?: string; readonly script?: WireScript } = {},
): FixtureServer {
  const resolved = resolveFixtureOptions(options);
  const { script } = internals;
  const state = new FixtureState(internals.stateFile, resolved.record);
  const store = new RecordingTaskStore(state, resolved.endlessTaskPages);
  const queue = new InMemoryTaskMessageQueue();
  const misbehaviour = new Misbehaviour();
  const sessions = new Set<Server>();
  const connections = new Set<Connection>();
  const closing = new AbortController();
  let hanging = false;
  let faults: TransportFaults = {};
  let listings = 0;
  const generated = generatedTools(resolved.generatedTools);
  const fixed = [...TOOLS, ...(resolved.misbehaving ? misbehaviour.tools() : [])];
  let withLateTool = false;
  let die = () => {
    for (const session of sessions) void session.close();
  };

  const catalogue = (): FixtureTool[] => [...fixed, ...(withLateTool ? [LATE_TOOL] : []), ...generated];
  const toWire = (tool: FixtureTool): Tool =>
    resolved.tasks && tool.taskSupport !== undefined
      ? { ...tool.definition, execution: { taskSupport: tool.taskSupport } }
      : tool.definition;

  function storm(connection: Connection, { intervalMs, durationMs }: ListChangedStorm): void {
    const timer = setInterval(() => void connection.server.sendToolListChanged().catch(() => undefined), intervalMs);
    const stop = () => {
      clearInterval(timer);
      clearTimeout(end);
      connection.stops.delete(stop);
    };
    const end = setTimeout(stop, durationMs);
    connection.stops.add(stop);
  }

  function toolRun(
    connection: Connection,
    extra: Extra,
    asTask: boolean,
    taskId: string | undefined,
    signal: AbortSignal,
    updater: StatusUpdater | undefined,
  ): ToolRun {
    const { server } = connection;
    const progressToken = extra._meta?.progressToken;
    return {
      options: resolved,
      asTask,
      taskId,
      signal,
      async progress(progress, total, message) {
        // An unrelated notification: over Streamable HTTP it travels on the standalone SSE stream, which outlives
        // the tools/call request (sending it as the request's own would fail once the CreateTaskResult went out).
        if (progressToken !== undefined)
          await server.notification({
            method: 'notifications/progress',
            params: { progressToken, progress, total, message },
          });
      },
      async statusMessage(message) {
        if (taskId !== undefined && updater) await updater.updateTaskStatus(taskId, 'working', message);
      },
      async elicit(message, requestedSchema) {
        const answer = await extra.sendRequest(
          { method: 'elicitation/create', params: { message, requestedSchema: requestedSchema as never } },
          ElicitResultSchema,
          // Tied to the task, the request is queued and delivered through tasks/result, as the spec describes.
          // (The SDK's type omits relatedTask for handlers, but its runtime honours it.)
          (taskId === undefined ? {} : { relatedTask: { taskId } }) as Parameters<Extra['sendRequest']>[2],
        );
        if (taskId !== undefined && updater) await updater.updateTaskStatus(taskId, 'working');
        return answer;
      },
      async sample(prompt) {
        const answer = await extra.sendRequest(
          {
            method: 'sampling/createMessage',
            params: { messages: [{ role: 'user', content: { type: 'text', text: prompt } }], maxTokens: 100 },
          },
          CreateMessageResultSchema,
        );
        return answer.content.type === 'text' ? answer.content.text : `(${answer.content.type})`;
      },
      async log(level, data) {
        await server.sendLoggingMessage({ level, data });
      },
      cancelObserved() {
        const record = taskId === undefined ? undefined : state.task(taskId);
        if (record) {
          record.cancelObserved = true;
          state.saveTask(record);
        }
      },
      async notifyStatus(params) {
        await server.notification({ method: 'notifications/tasks/status', params } as ServerNotification);
      },
      die: () => die(),
      dropConnections: () => (faults.dropConnections ?? die)(),
      hang: () => fixture.hang(),
      async setStatus(status, message) {
        if (taskId !== undefined && updater) await updater.updateTaskStatus(taskId, status, message);
      },
      answerWith(value) {
        connection.answers.set(extra.requestId, value);
      },
      listChangedStorm: (options) => storm(connection, options),
    };
  }

  async function startTask(connection: Connection, tool: FixtureTool, args: Record<string, unknown>, extra: Extra) {
    const requestStore = extra.taskStore;
    if (!requestStore) throw new McpError(ErrorCode.InternalError, 'the fixture has no task store');
    const task = await requestStore.createTask({ ttl: resolved.ttl, pollInterval: resolved.pollInterval });
    tool.created?.(task.taskId, args);
    // An instant task's end is told by its CreateTaskResult alone.
    const updater: StatusUpdater = resolved.statusNotifications && !tool.instant ? requestStore : store;
    const signal = store.signalFor(task.taskId);
    const run = toolRun(connection, extra, true, task.taskId, signal, updater);
    const running = (async () => {
      try {
        const result = await tool.run(args, run);
        if (signal.aborted) return;
        if (result.isError) await updater.updateTaskStatus(task.taskId, 'working', firstText(result));
        await updater.storeTaskResult(task.taskId, result.isError ? 'failed' : 'completed', result);
        const final = await store.getTask(task.taskId);
        if (final && tool.finished) await tool.finished(final, run);
      } catch (error) {
        if (signal.aborted) return; // cancelled: the store already says so
        const message = error instanceof Error ? error.message : String(error);
        await updater
          .storeTaskResult(task.taskId, 'failed', { content: [{ type: 'text', text: message }], isError: true })
          .catch(() => undefined);
      } finally {
        store.finished(task.taskId);
      }
    })();
    if (tool.instant) {
      await running;
      return { task: (await store.getTask(task.taskId)) ?? task };
    }
    const delay = tool.createDelayMs?.(args) ?? 0;
    // Not the request's signal: a server that is slow to answer answers even when the client gave up.
    if (delay > 0) await sleep(delay, closing.signal);
    return { task };
  }

  function serve(connection: Connection): void {
    const { server } = connection;
    server.setRequestHandler(ListToolsRequestSchema, async (request) => {
      if (listings++ < resolved.listChangedDuringListing) await server.sendToolListChanged();
      if (resolved.listToolsDelayMs > 0) await sleep(resolved.listToolsDelayMs, closing.signal);
      const all = catalogue();
      const cursor = request.params?.cursor;
      const start = cursor === undefined ? 0 : Number(cursor);
      if (!Number.isInteger(start) || start < 0 || (start > all.length && !resolved.endlessToolPages))
        throw new McpError(ErrorCode.InvalidParams, `Invalid cursor: ${cursor}`);
      if (resolved.endlessToolPages && start >= all.length) {
        // Past the real tools, an endless server invents a page of fresh tools and always has a next one.
        const size = resolved.pageSize ?? 10;
        const tools = generatedTools(size, 'endless', start - all.length).map(toWire);
        return { tools, nextCursor: String(start + size) };
      }
      const end = resolved.pageSize ? Math.min(start + resolved.pageSize, all.length) : all.length;
      const more = end < all.length || resolved.endlessToolPages;
      return { tools: all.slice(start, end).map(toWire), ...(more ? { nextCursor: String(end) } : {}) };
    });
    server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
      const { name, _meta } = request.params;
      const args = (request.params.arguments ?? {}) as Record<string, unknown>;
      const askedForTask = 'task' in request.params && request.params.task !== undefined;
      state.recordCall({
        tool: name,
        arguments: args,
        meta: _meta as Record<string, unknown> | undefined,
        asTask: askedForTask,
      });
      const tool = catalogue().find((candidate) => candidate.definition.name === name);
      if (!tool) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
      if (resolved.tasks && askedForTask) {
        if (tool.taskSupport !== 'required' && tool.taskSupport !== 'optional') {
          throw new McpError(ErrorCode.MethodNotFound, `Tool '${name}' does not support task-augmented calls`);
        }
        return startTask(connection, tool, args, extra);
      }
      if (resolved.tasks && tool.taskSupport === 'required')
        throw new McpError(ErrorCode.MethodNotFound, `Tool '${name}' must be called as a task`);
      return tool.run(args, toolRun(connection, extra, false, undefined, extra.signal, undefined));
    });
  }

  /** What arrives: recorded, then answered or dropped here, or handed to the SDK (possibly amended). */
  function receive(
    connection: Connection,
    message: JSONRPCMessage,
    reply: (answer: JSONRPCMessage) => void,
    deliver: (message: JSONRPCMessage) => void,
  ) {
    if (!('method' in message)) return message;
    const params = (message.params ?? {}) as Record<string, unknown>;
    state.recordReceived({
      method: message.method,
      ...('id' in message ? { id: message.id } : {}),
      ...(typeof params.taskId === 'string' ? { taskId: params.taskId } : {}),
      at: wallClockMs(),
    });
    // A hung server still shows what reached it (a tasks/cancel, say), but handles nothing.
    if (hanging) return undefined;
    const scripted = script?.incoming?.(message);
    if (scripted !== undefined) {
      if (scripted !== null) reply(scripted);
      return undefined;
    }
    if (!('id' in message)) {
      // A request the client gave up on gets no answer from the SDK: forget it here too.
      if (message.method === 'notifications/cancelled' && params.requestId !== undefined)
        connection.methods.delete(params.requestId as string | number);
      return message;
    }
    if (message.method === 'initialize') connection.initialized = true;
    else if (resolved.exitBeforeInitialize && !connection.initialized) {
      die();
      return undefined;
    }
    if (resolved.unansweredMethods.includes(message.method)) return undefined;
    if (resolved.failingMethods.includes(message.method)) {
      const error = { code: ErrorCode.InternalError, message: `Internal error: ${message.method} failed` };
      reply({ jsonrpc: '2.0', id: message.id, error });
      return undefined;
    }
    if (message.method === 'tasks/list' && !(resolved.tasks && resolved.listTasks)) {
      reply({ jsonrpc: '2.0', id: message.id, error: { code: ErrorCode.MethodNotFound, message: 'Method not found' } });
      return undefined;
    }
    const answer = misbehaviour.intercept(message);
    if (answer) {
      reply(answer);
      return undefined;
    }
    const unknownTask = resolved.unknownTaskError;
    if (unknownTask && TASK_METHODS.has(message.method) && typeof params.taskId === 'string') {
      // Handled by the SDK as usual while the task exists; a task it does not hold gets the configured answer.
      const request = message;
      const taskId = params.taskId;
      void store.getTask(taskId).then((task) => {
        if (!task)
          return reply({ jsonrpc: '2.0', id: request.id, error: unknownTaskErrorFor(unknownTask, taskId) } as never);
        connection.methods.set(request.id, request.method);
        deliver(request);
      });
      return undefined;
    }
    connection.methods.set(message.id, message.method);
    if (message.method === 'tools/call' && !resolved.tasks && 'task' in params) {
      // A server without task support ignores the task param (the SDK would insist on a CreateTaskResult).
      const { task: _ignored, ...rest } = params;
      return { ...message, params: rest };
    }
    return message;
  }

  /** What leaves, after the SDK validated it: the faults written in, notifications held back as configured. */
  function outgoing(connection: Connection, message: JSONRPCMessage): JSONRPCMessage[] {
    const id = 'id' in message && !('method' in message) ? message.id : undefined;
    const method = id === undefined ? undefined : connection.methods.get(id);
    if (id !== undefined) connection.methods.delete(id);
    if (id !== undefined && connection.answers.has(id)) {
      const result = connection.answers.get(id);
      connection.answers.delete(id);
      if ('result' in message) return [{ ...message, result } as JSONRPCMessage];
    }
    if ('result' in message && method !== undefined && resolved.malformedMethods.includes(method))
      return [{ ...message, result: `not an object: the answer to ${method}` } as unknown as JSONRPCMessage];
    return misbehaviour
      .rewrite(message, method)
      .filter(
        (each) => resolved.statusNotifications || !('method' in each && each.method === 'notifications/tasks/status'),
      )
      .flatMap((each) => script?.outgoing?.(each) ?? [each]);
  }

  const fixture: FixtureServer = {
    options: resolved,
    inspector: state.inspector(),
    async connect(transport, hooks = {}) {
      const taskCapability = {
        ...(resolved.listTasks ? { list: {} } : {}),
        cancel: {},
        requests: { tools: { call: {} } },
      };
      const server = new Server(
        { name: resolved.name, version: resolved.version },
        {
          capabilities: {
            tools: { listChanged: true },
            logging: {},
            ...(resolved.tasks ? { tasks: taskCapability } : {}),
          },
          ...(resolved.tasks ? { taskStore: store, taskMessageQueue: queue } : {}),
          instructions: 'A Toolwright fixture server for tests.',
        },
      );
      const connection: Connection = {
        server,
        methods: new Map(),
        answers: new Map(),
        stops: new Set(),
        initialized: false,
      };
      serve(connection);
      const send = transport.send.bind(transport);
      transport.send = async (message, sendOptions) => {
        if (hanging) return;
        const messages = outgoing(connection, message);
        if (messages.length > 1 && hooks.sendTogether) return hooks.sendTogether(messages);
        // Extra messages before an answer travel on its request's stream (over HTTP); after it, that stream is
        // closed, so they go out unrelated (on the standalone stream).
        const answerId = 'id' in message && !('method' in message) ? message.id : undefined;
        let answered = false;
        for (const each of messages) {
          const isAnswer = 'id' in each && !('method' in each);
          const related = answerId === undefined || answered ? {} : { relatedRequestId: answerId };
          await send(each, isAnswer ? sendOptions : { ...sendOptions, ...related });
          if (isAnswer) answered = true;
        }
      };
      const start = transport.start.bind(transport);
      transport.start = async () => {
        const deliver = transport.onmessage;
        const reply = (answer: JSONRPCMessage) => void send(answer).catch(() => undefined);
        transport.onmessage = (message, extra) => {
          const passed = receive(connection, message, reply, (late) => deliver?.(late, extra));
          if (passed) deliver?.(passed, extra);
        };
        await start();
      };
      server.oninitialized = () => {
        if (resolved.listChangedOnInitialize) void server.sendToolListChanged().catch(() => undefined);
        if (resolved.listChangedStorm) storm(connection, resolved.listChangedStorm);
      };
      sessions.add(server);
      connections.add(connection);
      server.onclose = () => {
        sessions.delete(server);
        connections.delete(connection);
        for (const stop of [...connection.stops]) stop();
      };
      await server.connect(transport);
      return server;
    },
    async changeTools() {
      withLateTool = !withLateTool;
      await Promise.all([...sessions].map((session) => session.sendToolListChanged().catch(() => undefined)));
    },
    setDie(next) {
      die = next;
    },
    setFaults(next) {
      faults = next;
    },
    hang() {
      hanging = true;
      faults.hang?.();
    },
    async close() {
      closing.abort(new Error('server closed'));
      for (const connection of connections) for (const stop of [...connection.stops]) stop();
      store.close();
      await Promise.all([...sessions].map((session) => session.close().catch(() => undefined)));
      sessions.clear();
    },
  };
  return fixture;
}

function firstText(result: CallToolResult): string {
  const part = result.content.find((item) => item.type === 'text');
  return part && part.type === 'text' ? part.text : 'the task failed';
}
