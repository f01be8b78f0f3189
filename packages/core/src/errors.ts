import type { JsonObject } from './json.ts';

/** Brand on every Toolwright error: survives two copies of this package in one process. */
const BRAND = Symbol.for('@toolwright/core/error');

/** Options every Toolwright error accepts. */
export interface ToolwrightErrorOptions {
  /** The underlying error, if any. */
  readonly cause?: unknown;
}

/**
 * Base class of every error Toolwright throws. `code` is a stable string to branch on;
 * `isInstance` recognises errors from another copy of the package, where `instanceof` does not.
 */
export class ToolwrightError extends Error {
  /** Stable class identity used by `isInstance`; each subclass sets its own. */
  static readonly kind: string = 'ToolwrightError';

  /** A stable, machine-readable code, for example `model_retry` or `task_cancelled`. */
  readonly code: string;

  constructor(code: string, message: string, options: ToolwrightErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.kind;
    const kinds: string[] = [];
    for (
      let type: unknown = new.target;
      typeof type === 'function' && 'kind' in type;
      type = Object.getPrototypeOf(type)
    ) {
      kinds.push(String(type.kind));
    }
    Object.defineProperty(this, BRAND, { value: kinds, enumerable: false });
  }

  /** True when `value` is an error of this class (or a subclass), from any copy of the package. */
  static isInstance<T extends abstract new (...args: never[]) => ToolwrightError>(
    this: T & { readonly kind: string },
    value: unknown,
  ): value is InstanceType<T> {
    if (typeof value !== 'object' || value === null) return false;
    const kinds = (value as { [BRAND]?: unknown })[BRAND];
    return Array.isArray(kinds) && kinds.includes(this.kind);
  }
}

/** The model should try again; `message` is written for the model and says what to change. */
export class ModelRetry extends ToolwrightError {
  static override readonly kind = 'ModelRetry';
  declare readonly code: 'model_retry';
  constructor(message: string, options?: ToolwrightErrorOptions) {
    super('model_retry', message, options);
  }
}

/** The tool ran and failed; `message` is written for the model, which may report or work around it. */
export class ToolFailed extends ToolwrightError {
  static override readonly kind = 'ToolFailed';
  declare readonly code: 'tool_failed';
  constructor(message: string, options?: ToolwrightErrorOptions) {
    super('tool_failed', message, options);
  }
}

/** A programming or configuration mistake by the application; the message says how to fix it. */
export class UserError extends ToolwrightError {
  static override readonly kind = 'UserError';
  declare readonly code: 'user_error';
  constructor(message: string, options?: ToolwrightErrorOptions) {
    super('user_error', message, options);
  }
}

/** A tool reported an error and the application asked for errors to be thrown (not retried or returned). */
export class ToolError extends ToolwrightError {
  static override readonly kind = 'ToolError';
  declare readonly code: 'tool_error';
  /** The tool that failed. */
  readonly toolName: string;
  constructor(toolName: string, message: string, options?: ToolwrightErrorOptions) {
    super('tool_error', message, options);
    this.toolName = toolName;
  }
}

/** Codes of the errors about a long-running task. */
export type TaskErrorCode =
  | 'task_failed'
  | 'task_cancelled'
  | 'task_expired'
  | 'task_deadline_exceeded'
  | 'protocol_error'
  | 'connection_lost';

/** What a task error knows about the task it concerns. */
export interface TaskErrorDetails extends ToolwrightErrorOptions {
  /** The tool whose call the task runs. */
  readonly toolName?: string;
  /** The server's task id, when a task exists. */
  readonly taskId?: string;
  /** A serialisable reference from which the task can be resumed later (JSON). */
  readonly reference?: JsonObject;
}

/** Base of the errors about a task or the connection carrying it. Carries the task reference when there is one. */
export class TaskError extends ToolwrightError {
  static override readonly kind: string = 'TaskError';
  declare readonly code: TaskErrorCode;
  readonly toolName: string | undefined;
  readonly taskId: string | undefined;
  /** Pass this to the toolset's `resumeTask` to pick the task up again. */
  readonly reference: JsonObject | undefined;

  constructor(code: TaskErrorCode, message: string, details: TaskErrorDetails = {}) {
    super(code, message, details);
    this.toolName = details.toolName;
    this.taskId = details.taskId;
    this.reference = details.reference;
  }
}

/** The task ended in `failed` and the application asked for failures to be thrown. */
export class TaskFailedError extends TaskError {
  static override readonly kind = 'TaskFailedError';
  declare readonly code: 'task_failed';
  constructor(message: string, details?: TaskErrorDetails) {
    super('task_failed', message, details);
  }
}

/** The task was cancelled, by this client or by the server. */
export class TaskCancelledError extends TaskError {
  static override readonly kind = 'TaskCancelledError';
  declare readonly code: 'task_cancelled';
  constructor(message: string, details?: TaskErrorDetails) {
    super('task_cancelled', message, details);
  }
}

/** The server no longer has the task (its ttl passed, or it was deleted). */
export class TaskExpiredError extends TaskError {
  static override readonly kind = 'TaskExpiredError';
  declare readonly code: 'task_expired';
  constructor(message: string, details?: TaskErrorDetails) {
    super('task_expired', message, details);
  }
}

/** The caller's deadline for the task passed. The reference lets the result be fetched later if the task was left running. */
export class TaskDeadlineError extends TaskError {
  static override readonly kind = 'TaskDeadlineError';
  declare readonly code: 'task_deadline_exceeded';
  /** Whether the task was cancelled on the server when the deadline passed. */
  readonly cancelled: boolean;
  constructor(message: string, details: TaskErrorDetails & { readonly cancelled: boolean }) {
    super('task_deadline_exceeded', message, details);
    this.cancelled = details.cancelled;
  }
}

/** The peer sent something the protocol does not allow; the message names what was wrong. */
export class ProtocolError extends TaskError {
  static override readonly kind = 'ProtocolError';
  declare readonly code: 'protocol_error';
  constructor(message: string, details?: TaskErrorDetails) {
    super('protocol_error', message, details);
  }
}

/** The connection to the server was lost; a task's reference lets it be resumed on a new connection. */
export class ConnectionLostError extends TaskError {
  static override readonly kind = 'ConnectionLostError';
  declare readonly code: 'connection_lost';
  constructor(message: string, details?: TaskErrorDetails) {
    super('connection_lost', message, details);
  }
}
