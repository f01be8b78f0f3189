import { ProtocolError as JsonRpcError, ProtocolErrorCode } from '@modelcontextprotocol/client';
import { type ProgressUpdate, ProtocolError, TaskExpiredError } from '@toolwright/core';
import { z } from 'zod/v4';
import type { Clock } from '../clock.ts';
import type { Connection, RequestOptions } from '../connection.ts';
import type { TaskSnapshot } from './task-model.ts';
import { TaskStatusHub } from './task-status-hub.ts';

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
    connection.onLost(() => this.hub.clear());
  }

  get serverKey(): string {
    return this.connection.serverKey;
  }
  /** The server's message when `error` is a JSON-RPC error answer. */
  serverErrorMessage(error: unknown): string | undefined {
    return error instanceof JsonRpcError ? error.message : undefined;
  }
  newProgressToken(): string {
    return this.connection.newProgressToken();
  }
  onProgress(token: string, listener: (update: ProgressUpdate) => void): () => void {
    return this.connection.onProgress(token, listener);
  }
  onLost(listener: (error: Error) => void): () => void {
    return this.connection.onLost(listener);
  }

  /** A request about task `taskId`; "Invalid params" for a task id means the server no longer has the task. */
  protected async taskRequest(
    method: string,
    taskId: string,
    params: Record<string, unknown>,
    options: RequestOptions | undefined,
  ): Promise<unknown> {
    try {
      return await this.connection.request(method, { ...params, taskId }, options);
    } catch (error) {
      if (
        error instanceof JsonRpcError &&
        error.code === ProtocolErrorCode.InvalidParams &&
        /not found|expired|unknown task/i.test(error.message)
      ) {
        throw new TaskExpiredError(
          `The server no longer has task ${taskId} (its ttl passed, or it was deleted): ${error.message}`,
          { taskId, cause: error },
        );
      }
      throw error;
    }
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

function describeId(taskId: string): string {
  return taskId.length > 80 ? `${taskId.slice(0, 80)}…` : taskId;
}
