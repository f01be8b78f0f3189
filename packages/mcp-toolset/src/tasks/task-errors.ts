import {
  AuthorizationError,
  ConnectionLostError,
  type JsonObject,
  ProtocolError,
  RequestTimeoutError,
  TaskExpiredError,
  ToolwrightError,
} from '@toolwright/core';

/** What a task's errors name: the tool, the task id and the reference to resume it. */
export interface TaskDetails {
  readonly toolName: string;
  readonly taskId: string;
  readonly reference: JsonObject;
}

/**
 * The error of a request about a task, with the task's details. A server's error answer (`serverMessage`
 * its words, when `error` is one) becomes a ProtocolError naming `method` and the task, its cause the
 * answer; the toolset's own errors of the task family are made again with the details (unless they have
 * a reference already); anything else is returned as it is.
 */
export function taskError(
  error: unknown,
  details: TaskDetails,
  request?: { readonly method: string; readonly serverMessage: string | undefined },
): unknown {
  const { toolName, taskId } = details;
  if (!ToolwrightError.isInstance(error)) {
    if (request?.serverMessage === undefined) return error;
    return new ProtocolError(
      `The server answered ${request.method} for task ${taskId} of tool '${toolName}' with an error: ${request.serverMessage}.`,
      { ...details, cause: error },
    );
  }
  if ((error as { reference?: unknown }).reference !== undefined) return error;
  const withCause = { ...details, cause: (error as Error).cause ?? error };
  if (TaskExpiredError.isInstance(error))
    return new TaskExpiredError(`${error.message} (tool '${toolName}')`, withCause);
  if (ConnectionLostError.isInstance(error))
    return new ConnectionLostError(
      `${error.message} Resume task ${taskId} with toolset.resumeTask(reference).`,
      withCause,
    );
  if (RequestTimeoutError.isInstance(error))
    return new RequestTimeoutError(`${error.message} (task ${taskId} of tool '${toolName}')`, {
      ...withCause,
      method: error.method,
      timeoutMs: error.timeoutMs,
    });
  if (ProtocolError.isInstance(error)) return new ProtocolError(error.message, withCause);
  if (AuthorizationError.isInstance(error))
    return new AuthorizationError(
      `${error.message} Once authorized again, resume task ${taskId} with toolset.resumeTask(reference).`,
      { ...withCause, server: error.server },
    );
  return error;
}
