import { ProtocolError as JsonRpcError, ProtocolErrorCode } from '@modelcontextprotocol/client';
import { type ProgressUpdate, ProtocolError, TaskExpiredError } from '@toolwright/core';
import { isPlainObject } from '@toolwright/core/internal';
import { z } from 'zod/v4';
import type { Clock } from '../clock.ts';
import type { Connection, RequestOptions } from '../connection.ts';
import { serverAnswer } from '../sdk/sdk-errors.ts';
import type { TaskSnapshot } from './task-model.ts';
import { TaskStatusHub, type TaskWatcher } from './task-status-hub.ts';

/** The notification that carries a task's status: 2025-11-25's, or the 2026-07-28 tasks extension's. */
export type StatusNotification = 'notifications/tasks/status' | 'notifications/tasks';

/**
 * What every task generation takes from its connection unchanged: the server key, progress, loss,
 * error answers, the routing of status notifications to the tasks watching them, and how a request
 * about one task is sent and its answer checked.
 */
export abstract class ConnectionGeneration {
  protected readonly connection: Connection;
  /** The timers and time of the toolset (its `clock` option). */
  protected readonly clock: Clock;
  /** Status notifications by task, for the handles watching them (and kept a while for those to come). */
  protected readonly hub: TaskStatusHub;

  /**
   * Routes the server's `method` notifications, each read by `parse`, to the tasks they are about;
   * forgets what it kept when the connection is lost.
   */
  constructor(
    connection: Connection,
    clock: Clock,
    method: StatusNotification,
    parse: (params: unknown) => TaskSnapshot,
  ) {
    this.connection = connection;
    this.clock = clock;
    this.hub = new TaskStatusHub(clock);
    // The 3-argument form hands over the params unparsed (z.unknown()); the wire module reads them.
    connection.client.setNotificationHandler(method, { params: z.unknown() }, (params) => {
      this.hub.deliver(parse(params));
    });
    connection.onLost((error) => this.hub.lose(error));
  }

  get serverKey(): string {
    return this.connection.serverKey;
  }
  /** The server's words when `error` is an error answer from it: a JSON-RPC error, or an HTTP error status. */
  serverErrorMessage(error: unknown): string | undefined {
    return serverAnswer(error);
  }
  newProgressToken(): string {
    return this.connection.newProgressToken();
  }
  onProgress(token: string, listener: (update: ProgressUpdate) => void): () => void {
    return this.connection.onProgress(token, listener);
  }
  watch(taskId: string, watcher: TaskWatcher): void {
    this.hub.watch(taskId, watcher);
  }
  unwatch(taskId: string, watcher: TaskWatcher): void {
    this.hub.unwatch(taskId, watcher);
  }
  answersPing(timeoutMs: number): Promise<boolean> {
    return this.connection.answersPing(timeoutMs);
  }

  /** A request about task `taskId`; an answer that says the server does not hold the task is a TaskExpiredError. */
  protected taskRequest(
    method: string,
    taskId: string,
    params: Record<string, unknown>,
    options: RequestOptions | undefined,
  ): Promise<unknown> {
    return this.connection.request(method, { ...params, taskId }, options).catch((error: unknown) => {
      if (isUnknownTask(error, method, taskId))
        throw new TaskExpiredError(
          `The server no longer has task ${taskId} (its ttl passed, or it was deleted): ${(error as Error).message.slice(0, 200)}`,
          { taskId, cause: error },
        );
      throw error;
    });
  }

  /** `task` as the answer of `method` for `taskId`, which it must be about. */
  protected sameTask(task: TaskSnapshot, taskId: string, method: string): TaskSnapshot {
    if (task.taskId !== taskId)
      throw new ProtocolError(
        `The server answered ${method} for task ${taskId} with another task (${describeId(task.taskId)}).`,
        { taskId },
      );
    return task;
  }
}

/** Words a server may use for a task it does not hold (beside the word "task"). */
const UNKNOWN_WORDING = /not found|no such|unknown|does not exist|doesn't exist|no longer|expired/i;
/** Methods whose only parameter is the task id: "Invalid params" can only mean the task. */
const ONLY_TASK_ID = new Set(['tasks/get', 'tasks/result']);

/**
 * Whether `error`, the answer to `method` about `taskId`, says the server does not hold the task:
 * by code and data first ("Invalid params" whose data names the task, or on a request whose only
 * parameter is the task id), by wording last ("No such task exists", "Task not found", "unknown task").
 * Servers word it in many ways; a tasks/cancel refused for a task that already ended is none of these.
 */
export function isUnknownTask(error: unknown, method: string, taskId: string): boolean {
  if (!(error instanceof JsonRpcError)) return false;
  if (error.code === ProtocolErrorCode.InvalidParams) {
    if (isPlainObject(error.data) && error.data.taskId === taskId) return true;
    if (ONLY_TASK_ID.has(method)) return true;
  }
  return /\btask\b/i.test(error.message) && UNKNOWN_WORDING.test(error.message);
}

function describeId(taskId: string): string {
  return taskId.length > 80 ? `${taskId.slice(0, 80)}…` : taskId;
}
