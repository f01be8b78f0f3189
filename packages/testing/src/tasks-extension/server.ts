import {
  createMcpHandler,
  type McpHttpHandler,
  ProtocolError,
  Server,
  type ServerContext,
  type Tool,
} from '@modelcontextprotocol/server';
import { z } from 'zod';
import { HTTP_ERROR_PAGE, type WireFault, wireFaults } from './faults.ts';
import { type EndTaskListen, listenTaskIds, openTaskListen } from './listen.ts';
import {
  type ResolvedTasksExtensionFixtureOptions,
  resolveTasksExtensionOptions,
  type TasksExtensionFixtureOptions,
} from './options.ts';
import { type TasksExtensionInspector, TasksExtensionState } from './state.ts';
import { sleepUnlessAborted, TaskStore } from './task-store.ts';
import { type TasksExtensionTool, type ToolAnswer, tasksExtensionTools } from './tools.ts';
import {
  type DetailedTask,
  declaredCapabilities,
  declaresTasksExtension,
  INVALID_PARAMS,
  METHOD_NOT_FOUND,
  missingTasksExtension,
  TASKS_EXTENSION,
} from './wire.ts';

/** A 2026 fixture server: the SDK v2 handler plus the task store every request and transport shares. */
export interface TasksExtensionServer {
  /** The server's options, with every default applied. */
  readonly options: ResolvedTasksExtensionFixtureOptions;
  /** Builds one SDK v2 `Server` (createMcpHandler builds one per HTTP request; stdio pins one). */
  readonly factory: () => Server;
  /** The SDK v2 HTTP handler (web-standard fetch), without the fixture's own subscriptions/listen. */
  readonly handler: McpHttpHandler;
  /**
   * The fixture's fetch entry: serves a `subscriptions/listen` for task ids itself (an SSE stream of
   * `notifications/tasks`) and hands everything else to the SDK handler, recording the routing headers.
   */
  fetch(request: Request): Promise<Response>;
  /** The tasks the server holds, shared by every request and transport. */
  readonly store: TaskStore;
  /** The server's records (calls, tasks, cancels, updates, HTTP requests), which the inspector reads. */
  readonly state: TasksExtensionState;
  /**
   * Records an incoming message and says what the fixture does with it in the SDK's place (the wire
   * faults of the options), or undefined; `over` says whether HTTP faults apply. `fetch` applies it itself.
   */
  readonly fault: (message: unknown, over: 'http' | 'stdio') => WireFault | undefined;
  /** What the server received and holds, for a test's assertions. */
  readonly inspector: TasksExtensionInspector;
  /** Stops every running task and timer of the server. */
  close(): Promise<void>;
}

const TaskIdParams = z.looseObject({ taskId: z.string() });

function envelopeOf(ctx: ServerContext): Record<string, unknown> | undefined {
  return declaredCapabilities(ctx.mcpReq.envelope);
}

/** Creates the 2026-07-28 fixture server (tasks extension, SEP-2663) on the MCP SDK v2. */
export function createTasksExtensionServer(
  options: TasksExtensionFixtureOptions = {},
  extras: { readonly logFile?: string } = {},
): TasksExtensionServer {
  const resolved = resolveTasksExtensionOptions(options);
  const state = new TasksExtensionState(extras.logFile);
  const store = new TaskStore(
    { ttlMs: resolved.ttlMs, pollIntervalMs: resolved.pollIntervalMs, resultTypeInResult: resolved.resultTypeInResult },
    state,
  );
  const tools = tasksExtensionTools(resolved.misbehaving);
  /** Aborted when the server closes: ends what waits beside a request (a late answer). */
  const closing = new AbortController();
  const byName = new Map(tools.map((tool) => [tool.name, tool]));

  async function callTool(params: Record<string, unknown>, ctx: ServerContext): Promise<Record<string, unknown>> {
    const name = typeof params.name === 'string' ? params.name : '';
    const args = (typeof params.arguments === 'object' && params.arguments !== null ? params.arguments : {}) as Record<
      string,
      unknown
    >;
    const capabilities = envelopeOf(ctx);
    const record = (answer: 'task' | 'inline' | 'input_required' | 'rejected', taskId?: string) =>
      state.recordCall({
        tool: name,
        arguments: args,
        declaredCapabilities: capabilities,
        answer,
        ...(taskId === undefined ? {} : { taskId }),
      });
    const tool = byName.get(name);
    if (!tool) {
      record('rejected');
      throw new ProtocolError(INVALID_PARAMS, `Unknown tool: ${name}`);
    }
    let answer: ToolAnswer;
    try {
      answer = await tool.call(args, {
        declaresTasks: declaresTasksExtension(capabilities),
        inputResponses: ctx.mcpReq.inputResponses,
        signal: ctx.mcpReq.signal,
        taskDelayMs: resolved.taskDelayMs,
      });
    } catch (error) {
      record('rejected');
      throw error;
    }
    if ('inline' in answer) {
      record('inline');
      return { resultType: 'complete', ...answer.inline };
    }
    if ('inputRequired' in answer) {
      record('input_required');
      return { resultType: 'input_required', inputRequests: answer.inputRequired };
    }
    if ('raw' in answer) {
      record('task', typeof answer.raw.taskId === 'string' ? answer.raw.taskId : undefined);
      return answer.raw;
    }
    const seed = store.create(name, answer.task, answer.quirks);
    record('task', seed.taskId);
    // Not the request's signal: a server that is slow to answer answers even when the client gave up.
    if (answer.answerDelayMs) await sleepUnlessAborted(answer.answerDelayMs, closing.signal).catch(() => undefined);
    return { resultType: 'task', ...seed };
  }

  /** The task a tasks/* request names. The capability check comes before the lookup, as the spec orders them. */
  function taskFor(method: string, ctx: ServerContext, taskId: string): DetailedTask {
    if (!declaresTasksExtension(envelopeOf(ctx))) throw missingTasksExtension(method);
    const found = store.lookup(taskId);
    if ('task' in found) return found.task;
    const reason = found.missing === 'expired' ? 'Task has expired' : 'Task not found';
    throw new ProtocolError(INVALID_PARAMS, `Failed to retrieve task: ${reason} (${taskId})`);
  }

  const factory = () => {
    const server = new Server(
      { name: resolved.name, version: resolved.version },
      { capabilities: { tools: {}, extensions: { [TASKS_EXTENSION]: {} } } },
    );
    server.setRequestHandler('tools/list', async () => ({ tools: tools.map(listed) }));
    // tools/call goes through the fallback: a `tools/call` handler would get `content: []` added to a
    // CreateTaskResult by the SDK, the fallback returns it as built.
    server.fallbackRequestHandler = async (request, ctx) => {
      if (request.method === 'tools/call') return callTool((request.params ?? {}) as Record<string, unknown>, ctx);
      const removed = request.method === 'tasks/result' || request.method === 'tasks/list';
      throw new ProtocolError(
        METHOD_NOT_FOUND,
        removed
          ? `Method not found: ${request.method} is not part of the ${TASKS_EXTENSION} extension (tasks/get inlines results)`
          : `Method not found: ${request.method}`,
      );
    };
    server.setRequestHandler('tasks/get', { params: TaskIdParams }, async (params, ctx) => {
      return { resultType: 'complete', ...taskFor('tasks/get', ctx, params.taskId) };
    });
    server.setRequestHandler('tasks/update', { params: TaskIdParams }, async (params, ctx) => {
      taskFor('tasks/update', ctx, params.taskId);
      store.update(params.taskId, ctx.mcpReq.inputResponses ?? {}, ctx.mcpReq.droppedInputResponseKeys ?? []);
      return { resultType: 'complete' };
    });
    server.setRequestHandler('tasks/cancel', { params: TaskIdParams }, async (params, ctx) => {
      taskFor('tasks/cancel', ctx, params.taskId);
      store.cancel(params.taskId);
      return { resultType: 'complete' };
    });
    return server;
  };

  const handler = createMcpHandler(factory);
  const listens = new Set<() => void>();
  const fault = wireFaults(resolved, store, state);
  /** Requests the fixture holds unanswered (`unansweredMethods`): each ends when its client gives up or the server closes. */
  const held = new Set<(reason: unknown) => void>();

  async function fetch(request: Request): Promise<Response> {
    const body = request.method === 'POST' ? await request.text() : undefined;
    let message: unknown;
    try {
      message = body === undefined ? undefined : JSON.parse(body);
    } catch {
      message = undefined;
    }
    const method = (message as { method?: unknown } | undefined)?.method;
    state.recordHttp({
      method: typeof method === 'string' ? method : undefined,
      mcpMethod: request.headers.get('mcp-method') ?? undefined,
      mcpName: request.headers.get('mcp-name') ?? undefined,
      protocolVersion: request.headers.get('mcp-protocol-version') ?? undefined,
      paramHeaders: Object.fromEntries([...request.headers].filter(([name]) => name.startsWith('mcp-param-'))),
    });
    const faulted = fault(message, 'http');
    if (faulted !== undefined) return faultResponse(faulted, request.signal);
    const taskIds = listenTaskIds(message);
    if (taskIds !== undefined) return listenResponse(message as { id: string | number }, taskIds);
    return handler.fetch(
      new Request(request.url, {
        method: request.method,
        headers: request.headers,
        ...(body === undefined ? {} : { body }),
        signal: request.signal,
      }),
    );
  }

  /** The HTTP response for a fault: a JSON-RPC answer, an HTML 500, or none at all until the client gives up. */
  function faultResponse(faulted: WireFault, signal: AbortSignal): Promise<Response> {
    if (faulted.kind === 'answer') return Promise.resolve(Response.json(faulted.message));
    if (faulted.kind === 'http-error')
      return Promise.resolve(
        new Response(HTTP_ERROR_PAGE, { status: 500, headers: { 'content-type': 'text/html; charset=utf-8' } }),
      );
    return new Promise<Response>((_resolve, reject) => {
      const end = (reason: unknown) => {
        held.delete(end);
        signal.removeEventListener('abort', onAbort);
        reject(reason);
      };
      const onAbort = () => end(signal.reason);
      held.add(end);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  function listenResponse(message: { id: string | number; params?: { _meta?: unknown } }, taskIds: string[]): Response {
    const encoder = new TextEncoder();
    let endListen: EndTaskListen = () => {};
    let rejected: Record<string, unknown> | undefined;
    const end = () => endListen(true);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        let open = true;
        endListen = openTaskListen(store, state, message, taskIds, (outgoing) => {
          if (!open) return;
          if ('error' in outgoing) {
            rejected = outgoing;
            open = false;
            return;
          }
          controller.enqueue(encoder.encode(`event: message\ndata: ${JSON.stringify(outgoing)}\n\n`));
          if ('result' in outgoing) {
            // The listen request is answered: the subscription is over.
            open = false;
            listens.delete(end);
            controller.close();
          }
        });
        if (open) listens.add(end);
      },
      cancel() {
        listens.delete(end);
        endListen(false);
      },
    });
    if (rejected) return Response.json(rejected, { status: 200 });
    return new Response(stream, { headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' } });
  }

  return {
    options: resolved,
    factory,
    handler,
    fetch,
    store,
    state,
    fault,
    inspector: state.inspector(),
    close: async () => {
      closing.abort(new Error('the fixture closed'));
      for (const end of [...held]) end(new Error('the fixture closed'));
      for (const end of [...listens]) end();
      store.close();
      await handler.close();
    },
  };
}

/** A tool as tools/list shows it (the SDK strips `execution` on the 2026 wire anyway: the server decides). */
function listed(tool: TasksExtensionTool): Tool {
  return { name: tool.name, description: tool.description, inputSchema: tool.inputSchema as Tool['inputSchema'] };
}
