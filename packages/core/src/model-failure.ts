import {
  ModelRetry,
  TaskCancelledError,
  type TaskErrorDetails,
  TaskFailedError,
  ToolFailed,
  type ToolwrightError,
} from './errors.ts';

/**
 * A failed call (`ModelRetry`, `ToolFailed`, a task that failed or was cancelled) as an error of
 * the same kind, with the original as its `cause`, whose message is written for the model: it
 * names the tool and says what happened. Undefined for any other error: it is no failure the
 * model should read, but a fault for the application.
 */
export function failureForModel(toolName: string, error: unknown): ToolwrightError | undefined {
  if (ModelRetry.isInstance(error))
    return new ModelRetry(`${error.message} Fix the call to tool '${toolName}' and try again.`, { cause: error });
  if (ToolFailed.isInstance(error))
    return new ToolFailed(`Tool '${toolName}' failed: ${error.message}`, { cause: error });
  if (TaskFailedError.isInstance(error))
    return new TaskFailedError(`Tool '${toolName}' failed: ${error.message}`, taskDetails(error));
  if (TaskCancelledError.isInstance(error))
    return new TaskCancelledError(`Tool '${toolName}' was cancelled: ${error.message}`, taskDetails(error));
  return undefined;
}

function taskDetails(error: TaskFailedError | TaskCancelledError): TaskErrorDetails {
  return {
    cause: error,
    ...(error.toolName === undefined ? {} : { toolName: error.toolName }),
    ...(error.taskId === undefined ? {} : { taskId: error.taskId }),
    ...(error.reference === undefined ? {} : { reference: error.reference }),
  };
}
