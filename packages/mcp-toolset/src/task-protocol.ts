import type { JsonObject } from '@toolwright/core';
import type { ProgressUpdate, RequestOptions } from './connection.ts';
import type { CallToolResult, TaskSnapshot } from './wire.ts';

/** One tools/call, as the toolset sends it. */
export interface ToolCallRequest {
  readonly name: string;
  readonly arguments: Readonly<Record<string, unknown>>;
  readonly meta: JsonObject | undefined;
  /** Ask for a task (with this ttl, if given); absent for a plain call. */
  readonly task: { readonly ttl?: number } | undefined;
}

/** What a tools/call answered: the result, or the task that will produce it. */
export type ToolCallOutcome =
  | { readonly kind: 'result'; readonly result: CallToolResult }
  | { readonly kind: 'task'; readonly task: TaskSnapshot };

/**
 * Everything the task engine needs from the wire. Routing and task handles speak only to this
 * interface, so another generation of MCP tasks (the SEP-2663 extension) is a second
 * implementation, not a change to them.
 */
export interface TaskProtocol {
  /** Names the protocol generation in task references. */
  readonly version: string;
  /** Identifies the server in task references. */
  readonly serverKey: string;
  readonly supportsToolTasks: boolean;
  readonly supportsList: boolean;
  readonly supportsCancel: boolean;
  callTool(request: ToolCallRequest, options: RequestOptions): Promise<ToolCallOutcome>;
  getTask(taskId: string, options?: RequestOptions): Promise<TaskSnapshot>;
  /** The final result; the server blocks until the task is terminal (and meanwhile delivers its input requests). */
  getResult(taskId: string, options?: RequestOptions): Promise<CallToolResult>;
  cancelTask(taskId: string, options?: RequestOptions): Promise<TaskSnapshot>;
  listTasks(
    cursor: string | undefined,
    options?: RequestOptions,
  ): Promise<{ tasks: TaskSnapshot[]; nextCursor: string | undefined }>;
  onTaskStatus(taskId: string, listener: (task: TaskSnapshot) => void): () => void;
  newProgressToken(): string;
  onProgress(token: string, listener: (update: ProgressUpdate) => void): () => void;
  /** Called once if the connection is lost. */
  onLost(listener: (error: Error) => void): () => void;
}
