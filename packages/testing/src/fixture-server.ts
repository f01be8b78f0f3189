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
  ListToolsRequestSchema,
  McpError,
  type ServerNotification,
  type ServerRequest,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { Misbehaviour } from './misbehaving.ts';
import { type FixtureOptions, type ResolvedFixtureOptions, resolveFixtureOptions } from './options.ts';
import { type FixtureInspector, FixtureState } from './state.ts';
import { RecordingTaskStore } from './task-store.ts';
import { type FixtureTool, generatedTools, LATE_TOOL, TOOLS, type ToolRun } from './tools.ts';

/** A fixture MCP server: one server per connection (per HTTP session), all sharing tools, tasks and records. */
export interface FixtureServer {
  readonly options: ResolvedFixtureOptions;
  readonly inspector: FixtureInspector;
  /** Serves one connection on `transport` (already created, not yet started). */
  connect(transport: Transport): Promise<Server>;
  /** Adds `late_tool` (or removes it again) and sends notifications/tools/list_changed on every connection. */
  changeTools(): Promise<void>;
  /** What `dies_mid_task` does; set by the transport helper (default: close every connection). */
  setDie(die: () => void): void;
  /** Closes every connection and stops every task and timer. */
  close(): Promise<void>;
}

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;
/** Where a task's status goes: the request's task store (which notifies the client) or the bare store (which does not). */
type StatusUpdater = Pick<NonNullable<Extra['taskStore']>, 'updateTaskStatus' | 'storeTaskResult'>;

/**
 * Creates a fixture server. With `stateFile`, its records are also written there (for an inspector
 * in another process).
 */
export function createFixtureServer(
  options: FixtureOptions = {},
  internals: { readonly stateFile?: string } = {},
): FixtureServer {
  const resolved = resolveFixtureOptions(options);
  const state = new FixtureState(internals.stateFile);
  const store = new RecordingTaskStore(state);
  const queue = new InMemoryTaskMessageQueue();
  const misbehaviour = new Misbehaviour();
  const sessions = new Set<Server>();
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

  function toolRun(
    server: Server,
    extra: Extra,
    asTask: boolean,
    taskId: string | undefined,
    signal: AbortSignal,
    updater: StatusUpdater | undefined,
  ): ToolRun {
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
    };
  }

  async function startTask(server: Server, tool: FixtureTool, args: Record<string, unknown>, extra: Extra) {
    const requestStore = extra.taskStore;
    if (!requestStore) throw new McpError(ErrorCode.InternalError, 'the fixture has no task store');
    const task = await requestStore.createTask({ ttl: resolved.ttl, pollInterval: resolved.pollInterval });
    tool.created?.(task.taskId, args);
    const updater: StatusUpdater = resolved.statusNotifications ? requestStore : store;
    const signal = store.signalFor(task.taskId);
    const run = toolRun(server, extra, true, task.taskId, signal, updater);
    void (async () => {
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
    return { task };
  }

  function serve(server: Server): void {
    server.setRequestHandler(ListToolsRequestSchema, async (request) => {
      const all = catalogue();
      const cursor = request.params?.cursor;
      const start = cursor === undefined ? 0 : Number(cursor);
      if (!Number.isInteger(start) || start < 0 || start > all.length)
        throw new McpError(ErrorCode.InvalidParams, `Invalid cursor: ${cursor}`);
      const end = resolved.pageSize ? Math.min(start + resolved.pageSize, all.length) : all.length;
      return { tools: all.slice(start, end).map(toWire), ...(end < all.length ? { nextCursor: String(end) } : {}) };
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
        return startTask(server, tool, args, extra);
      }
      if (resolved.tasks && tool.taskSupport === 'required')
        throw new McpError(ErrorCode.MethodNotFound, `Tool '${name}' must be called as a task`);
      return tool.run(args, toolRun(server, extra, false, undefined, extra.signal, undefined));
    });
  }

  return {
    options: resolved,
    inspector: state.inspector(),
    async connect(transport) {
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
      serve(server);
      const send = transport.send.bind(transport);
      transport.send = (message, sendOptions) => send(misbehaviour.rewrite(message), sendOptions);
      sessions.add(server);
      server.onclose = () => {
        sessions.delete(server);
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
    async close() {
      store.close();
      await Promise.all([...sessions].map((session) => session.close().catch(() => undefined)));
      sessions.clear();
    },
  };
}

function firstText(result: CallToolResult): string {
  const part = result.content.find((item) => item.type === 'text');
  return part && part.type === 'text' ? part.text : 'the task failed';
}
