import type { JsonObject, ProgressUpdate } from '@toolwright/core';
import type { Clock } from '../clock.ts';
import type { RequestOptions } from '../connection.ts';
import type { MCPCallToolResult } from '../wire.ts';
import type { TaskOutcome, TaskSnapshot } from './task-model.ts';
import type { TaskWatcher } from './task-status-hub.ts';

/** One tools/call, as the toolset sends it. */
export interface ToolCallRequest {
  readonly name: string;
  readonly arguments: Readonly<Record<string, unknown>>;
  readonly meta: JsonObject | undefined;
  /** Ask for a task (with this ttl, if given); absent for a plain call. */
  readonly task: { readonly ttl?: number } | undefined;
  /**
   * The caller's run. Aborting it stops the input a call asks for before any task exists (multi
   * round-trip requests) at once, even where the request itself is left to finish, so a task it
   * creates meanwhile can still be cancelled.
   */
  readonly runSignal?: AbortSignal | undefined;
}

/** What a tools/call answered: the result, or the task that will produce it. */
export type ToolCallOutcome =
  | { readonly kind: 'result'; readonly result: MCPCallToolResult }
  | { readonly kind: 'task'; readonly task: TaskSnapshot };

/**
 * What tasks/cancel answered: the task (now cancelled, or already terminal), that it had ended
 * before, or (cooperative cancellation) only that the request was received.
 */
export type CancelAnswer =
  | { readonly kind: 'accepted'; readonly task: TaskSnapshot }
  | { readonly kind: 'already-ended' }
  | { readonly kind: 'acknowledged' };

/** How a tool may run, as the generation reads its tools/list entry. */
export interface ToolRouting {
  /** `execution.taskSupport` as the server declared it, or null. */
  readonly taskSupport: TaskSupport;
  /** Whether calls run as tasks by default. */
  readonly task: boolean;
}

/** A tool's `execution.taskSupport` as the server declared it; `null` when absent. */
export type TaskSupport = 'required' | 'optional' | 'forbidden' | null;

/** What an input strategy may do to the handle it serves. */
export interface InputHooks {
  /** Ask the server for the task's state now (the input was answered, or the task may have ended). */
  pollNow(): void;
  /** The tool the task runs, for messages. */
  readonly toolName: string;
  /** Gives up on the task: cancels it on the server (when it can), then rejects its waiters with `error`. */
  abandon(error: Error): void;
}

/**
 * How a task's input requests are answered while it needs input. It sees every snapshot the
 * handle applies; whatever final result it happens to receive it keeps for {@link takeOutcome}.
 */
export interface InputStrategy {
  onSnapshot(task: TaskSnapshot): void;
  /** The outcome received on the way, if any. */
  takeOutcome(): TaskOutcome | undefined;
  dispose(): void;
}

/**
 * Everything that differs between the generations of MCP tasks, behind one interface: routing,
 * creation, watching, answering input, cancelling, fetching the outcome, classifying errors and
 * references. The toolset and task handles speak only to this and to the neutral task model, so
 * each generation is one implementation, chosen at open from the negotiated protocol.
 */
export interface TaskGeneration {
  /** Names the protocol generation in task references. */
  readonly version: string;
  /** Identifies the server in task references. */
  readonly serverKey: string;
  /** Whether the server can run tool calls as tasks at all. */
  readonly supportsToolTasks: boolean;
  readonly supportsList: boolean;
  /** Why there is no task listing, when {@link supportsList} is false (completes "The MCP server of X …"). */
  readonly noListReason: string;
  readonly supportsCancel: boolean;
  /** The server decides per call whether it becomes a task: a task may answer a call made without asking for one. */
  readonly serverDecides: boolean;
  /** A task still running past its ttl is given up (the server may have discarded it without a word). */
  readonly ttlIsBackstop: boolean;
  /** How a tools/list entry's `execution` routes the tool. */
  routing(execution: unknown, preferTasks: boolean): ToolRouting;
  /** Whether a call runs as a task: the caller's wish where the spec leaves a choice, the spec where it does not. */
  useTask(wish: boolean, taskSupport: TaskSupport): boolean;
  /** Why a tool cannot be started as a task, or undefined when it can. */
  whyNoTask(taskSupport: TaskSupport): string | undefined;
  callTool(request: ToolCallRequest, options: RequestOptions): Promise<ToolCallOutcome>;
  getTask(taskId: string, options?: RequestOptions): Promise<TaskSnapshot>;
  /** How the task ended; called once it is terminal. */
  fetchOutcome(task: TaskSnapshot, options?: RequestOptions): Promise<TaskOutcome>;
  cancelTask(taskId: string, options?: RequestOptions): Promise<CancelAnswer>;
  listTasks(
    cursor: string | undefined,
    options?: RequestOptions,
  ): Promise<{ tasks: TaskSnapshot[]; nextCursor: string | undefined }>;
  /**
   * Tells `watcher` the status reports the server pushes for `taskId` (reports that came early
   * first) and the connection's loss, until {@link unwatch}.
   */
  watch(taskId: string, watcher: TaskWatcher): void;
  /** Stops telling `watcher` about `taskId`. */
  unwatch(taskId: string, watcher: TaskWatcher): void;
  /** The strategy that answers the input requests of `taskId`. */
  inputStrategy(taskId: string, hooks: InputHooks, clock: Clock): InputStrategy;
  /** The server's message when `error` is an error answer from the server (not one of the toolset's own). */
  serverErrorMessage(error: unknown): string | undefined;
  newProgressToken(): string;
  onProgress(token: string, listener: (update: ProgressUpdate) => void): () => void;
  /** Whether the server answers a ping within `timeoutMs` (a server that stopped answering does not). */
  answersPing(timeoutMs: number): Promise<boolean>;
}
