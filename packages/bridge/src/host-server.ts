import { type McpRequestContext, ProtocolError, Server, type ServerContext } from '@modelcontextprotocol/server';
import { isPlainObject } from '@toolwright/core/internal';
import { z } from 'zod';
import type { BridgeTask } from './bridge-tasks.ts';
import { type Catalog, isBackgroundTool } from './catalog.ts';
import { type Era, HostCall, TASKS_EXTENSION } from './host-call.ts';
import { type CallContext, callTaskTool, callUpstreamTool } from './tool-call.ts';
import { BRIDGE_VERSION } from './upstream.ts';

/** JSON-RPC codes the bridge answers with. */
const METHOD_NOT_FOUND = -32601;
const INVALID_PARAMS = -32602;
const INTERNAL_ERROR = -32603;
const MISSING_REQUIRED_CLIENT_CAPABILITY = -32021;

const TaskIdParams = z.looseObject({ taskId: z.string() });

/** What the host-facing servers share: the tools, the tasks, and how calls run. */
export interface HostSide extends CallContext {
  readonly catalog: Catalog;
  /** Server instances that outlive one request (stdio connections, 2025 HTTP sessions): list changes go to them. */
  readonly sessions: Set<Server>;
}

/**
 * Builds the MCP server one host connection (or one 2026-07-28 HTTP request) talks to: the
 * upstream tools as plain tools, calls run through the bridge, and, for 2026-07-28 hosts, the
 * tasks extension over the bridge's own tasks.
 */
export function createHostServer(side: HostSide, context: McpRequestContext): Server {
  const era: Era = context.era;
  const server = new Server(
    { name: 'toolwright-bridge', version: BRIDGE_VERSION },
    {
      capabilities: {
        tools: { listChanged: true },
        ...(era === 'modern' ? { extensions: { [TASKS_EXTENSION]: {} } } : {}),
      },
    },
  );
  server.setRequestHandler('tools/list', async () => {
    try {
      return { tools: await side.catalog.hostTools() };
    } catch (error) {
      throw unavailable(error);
    }
  });
  // tools/call goes through the fallback handler, which passes a result on as it is built (a
  // CreateTaskResult, an input_required result, an upstream result with fields the SDK would strip).
  server.fallbackRequestHandler = async (request, ctx) => {
    if (request.method === 'tools/call') return callTool(side, new HostCall(server, ctx, era), request.params);
    throw new ProtocolError(
      METHOD_NOT_FOUND,
      request.method === 'tasks/result' || request.method === 'tasks/list'
        ? `Method not found: ${request.method} is not part of the ${TASKS_EXTENSION} extension (tasks/get inlines results)`
        : `Method not found: ${request.method.slice(0, 60)}`,
    );
  };
  if (era === 'modern') installTaskMethods(server, side);
  // Change notifications reach hosts on connections that last (a 2026-07-28 HTTP request lasts one call).
  if (!(era === 'modern' && context.requestInfo !== undefined)) {
    side.sessions.add(server);
    const previous = server.onclose;
    server.onclose = () => {
      side.sessions.delete(server);
      previous?.();
    };
  }
  return server;
}

async function callTool(side: HostSide, host: HostCall, params: unknown): Promise<Record<string, unknown>> {
  const name = isPlainObject(params) && typeof params.name === 'string' ? params.name : undefined;
  if (name === undefined) throw new ProtocolError(INVALID_PARAMS, 'tools/call needs a tool name (params.name).');
  const args = isPlainObject(params) && isPlainObject(params.arguments) ? params.arguments : {};
  let tool: Awaited<ReturnType<Catalog['find']>>;
  try {
    if (isBackgroundTool(name) && (await side.catalog.hasBackground()))
      return await callTaskTool(name, args, host, side);
    tool = await side.catalog.find(name);
  } catch (error) {
    throw error instanceof ProtocolError ? error : unavailable(error);
  }
  if (!tool) throw new ProtocolError(INVALID_PARAMS, `Unknown tool: ${name.slice(0, 100)}`);
  return callUpstreamTool(tool, args, host, side);
}

/** The 2026-07-28 tasks extension over the bridge's tasks: tasks/get, tasks/update, tasks/cancel. */
function installTaskMethods(server: Server, side: HostSide): void {
  server.setRequestHandler('tasks/get', { params: TaskIdParams }, async (params, ctx) => {
    const task = await taskFor('tasks/get', side, ctx, params.taskId);
    return { resultType: 'complete', ...detailed(task) };
  });
  server.setRequestHandler('tasks/update', { params: TaskIdParams }, async (params, ctx) => {
    const task = await taskFor('tasks/update', side, ctx, params.taskId);
    task.answer(ctx.mcpReq.inputResponses ?? {});
    return { resultType: 'complete' };
  });
  server.setRequestHandler('tasks/cancel', { params: TaskIdParams }, async (params, ctx) => {
    const task = await taskFor('tasks/cancel', side, ctx, params.taskId);
    await task.cancel().catch(() => undefined);
    return { resultType: 'complete' };
  });
}

/** The task a tasks/* request names; the capability check comes first, as the extension orders them. */
async function taskFor(method: string, side: HostSide, ctx: ServerContext, taskId: string): Promise<BridgeTask> {
  const host = new HostCall(undefined, ctx, 'modern');
  if (!host.declares('tasks'))
    throw new ProtocolError(
      MISSING_REQUIRED_CLIENT_CAPABILITY,
      `Missing required client capability: ${method} needs the ${TASKS_EXTENSION} extension declared in the request's _meta`,
      { requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } } },
    );
  const task = await side.tasks.find(taskId).catch((error: unknown) => {
    throw new ProtocolError(INTERNAL_ERROR, `Could not look up task ${taskId}: ${errorText(error)}`);
  });
  if (!task)
    throw new ProtocolError(INVALID_PARAMS, `Failed to retrieve task: Task not found (${taskId.slice(0, 100)})`);
  return task;
}

/** A task as tasks/get gives it: its fields, and its result, error or input requests inline. */
function detailed(task: BridgeTask): Record<string, unknown> {
  const view = task.view();
  const outcome = task.outcome;
  if (outcome?.kind === 'result') return { ...view, result: outcome.result };
  if (outcome?.kind === 'error')
    return {
      ...view,
      error: {
        code: outcome.code,
        message: outcome.message,
        ...(outcome.data === undefined ? {} : { data: outcome.data }),
      },
    };
  if (outcome?.kind === 'failed') return { ...view, error: { code: INTERNAL_ERROR, message: outcome.message } };
  if (view.status === 'input_required') return { ...view, inputRequests: task.inputRequests() };
  return { ...view };
}

/** The MCP error a host gets when the upstream server cannot be reached (HTTP serving keeps running). */
function unavailable(error: unknown): ProtocolError {
  return new ProtocolError(INTERNAL_ERROR, errorText(error));
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
