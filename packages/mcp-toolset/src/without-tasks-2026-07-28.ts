import { ProtocolError as JsonRpcError, SdkError, SdkErrorCode } from '@modelcontextprotocol/client';
import { ProtocolError, UserError } from '@toolwright/core';
import type { RequestOptions } from './connection.ts';
import { ConnectionGeneration } from './generation-base.ts';
import type {
  CancelAnswer,
  InputStrategy,
  TaskGeneration,
  TaskSupport,
  ToolCallOutcome,
  ToolCallRequest,
  ToolRouting,
} from './task-generation.ts';
import type { TaskOutcome, TaskSnapshot } from './task-model.ts';
import { parseCallToolResult } from './wire.ts';

/** JSON-RPC error of 2026-07-28: the request lacks a client capability the server requires. */
const MISSING_CLIENT_CAPABILITY = -32021;

const NOT_YET =
  'tasks of MCP 2026-07-28 (the io.modelcontextprotocol/tasks extension) are not supported by this version of the toolset yet';

/**
 * A 2026-07-28 connection, where the toolset does not speak the tasks extension yet: it never
 * declares the extension, so the server must run every call inline (plain tools work as on any
 * server), and a tool that runs only as a task is refused with a UserError that says why. There is
 * no task to watch, answer, cancel or list.
 */
export class Without2026Tasks extends ConnectionGeneration implements TaskGeneration {
  readonly version = '2026-07-28';
  readonly supportsToolTasks = false;
  readonly supportsList = false;
  readonly supportsCancel = false;
  readonly noListReason =
    'speaks MCP 2026-07-28, whose tasks extension has no task listing (no tasks/list); keep the reference of each task you start (handle.toJSON()) instead';

  /** On 2026-07-28 the server decides per call; `execution` is not on the wire. */
  routing(): ToolRouting {
    return { taskSupport: null, task: false };
  }
  useTask(): boolean {
    return false;
  }
  whyNoTask(_taskSupport: TaskSupport): string {
    return NOT_YET;
  }

  async callTool(request: ToolCallRequest, options: RequestOptions): Promise<ToolCallOutcome> {
    const params: Record<string, unknown> = { name: request.name, arguments: request.arguments };
    if (request.meta !== undefined) params._meta = request.meta;
    let raw: unknown;
    try {
      raw = await this.connection.request('tools/call', params, options);
    } catch (error) {
      if (error instanceof JsonRpcError && error.code === MISSING_CLIENT_CAPABILITY)
        throw new UserError(
          `Tool '${request.name}' runs only as a task on this server, and ${NOT_YET}. Pin protocolVersion: '2025-11-25' if the server also speaks that version.`,
          { cause: error },
        );
      if (error instanceof SdkError && error.code === SdkErrorCode.UnsupportedResultType)
        throw new ProtocolError(
          `The server answered tools/call of tool '${request.name}' with a result the toolset did not ask for (${describeResultType(error.data)}): without the tasks extension declared, a call must complete inline.`,
          { toolName: request.name, cause: error },
        );
      throw error;
    }
    return { kind: 'result', result: parseCallToolResult(raw, { what: 'tools/call result', toolName: request.name }) };
  }

  getTask(taskId: string): Promise<TaskSnapshot> {
    return Promise.reject(new UserError(`Task ${taskId} cannot be followed: ${NOT_YET}.`));
  }
  fetchOutcome(task: TaskSnapshot): Promise<TaskOutcome> {
    return this.getTask(task.taskId) as Promise<never>;
  }
  cancelTask(taskId: string): Promise<CancelAnswer> {
    return this.getTask(taskId) as Promise<never>;
  }
  listTasks(): Promise<{ tasks: TaskSnapshot[]; nextCursor: string | undefined }> {
    return Promise.reject(new UserError(`The server ${this.noListReason}.`));
  }
  watch(): () => void {
    return () => undefined;
  }
  inputStrategy(): InputStrategy {
    return { onSnapshot: () => undefined, takeOutcome: () => undefined, dispose: () => undefined };
  }
}

function describeResultType(data: unknown): string {
  const type = typeof data === 'object' && data !== null ? (data as { resultType?: unknown }).resultType : undefined;
  return typeof type === 'string' ? `resultType "${type.slice(0, 40)}"` : 'an unknown resultType';
}
