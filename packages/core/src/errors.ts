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
 * A subclass that should be recognised across copies declares its own static `kind`; one that
 * declares none is recognised by `instanceof` only (it never inherits its parent's identity).
 */
export class ToolwrightError extends Error {
  /** Stable class identity used by `isInstance`; each subclass sets its own. */
  static readonly kind: string = 'ToolwrightError';

  /** A stable, machine-readable code, for example `model_retry` or `task_cancelled`. */
  readonly code: string;

  /** Takes the stable `code`, the message, and optionally the underlying error as `options.cause`. */
  constructor(code: string, message: string, options: ToolwrightErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = ownKind(new.target) ?? (new.target.name || 'ToolwrightError');
    const kinds: string[] = [];
    for (let type: unknown = new.target; typeof type === 'function'; type = Object.getPrototypeOf(type)) {
      const kind = ownKind(type);
      if (kind !== undefined) kinds.push(kind);
    }
    Object.defineProperty(this, BRAND, { value: kinds, enumerable: false });
  }

  /**
   * True when `value` is an error of this class (or a subclass), from any copy of the package.
   * It may be detached (`const is = TaskError.isInstance; is(error)`).
   */
  static isInstance<T extends abstract new (...args: never[]) => ToolwrightError>(
    this: T & { readonly kind: string },
    value: unknown,
  ): value is InstanceType<T> {
    return isInstanceOf(this, value);
  }
}

/** The class's own `kind`, not one inherited from a parent class. */
function ownKind(type: unknown): string | undefined {
  if (typeof type !== 'function' || !Object.hasOwn(type, 'kind')) return undefined;
  const kind = (type as { kind?: unknown }).kind;
  return typeof kind === 'string' ? kind : undefined;
}

function isInstanceOf(type: unknown, value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const kind = ownKind(type);
  // A subclass without a kind of its own has no identity that survives a second copy: instanceof decides.
  if (kind === undefined) return typeof type === 'function' && value instanceof type;
  const kinds = (value as { [BRAND]?: unknown })[BRAND];
  return Array.isArray(kinds) && kinds.includes(kind);
}

/** Adds a class identity to an error beyond its own class chain (an error that concerns a task is a TaskError). */
function addKind(error: ToolwrightError, kind: string): void {
  const kinds = (error as unknown as { [BRAND]?: unknown })[BRAND];
  if (Array.isArray(kinds) && !kinds.includes(kind)) kinds.push(kind);
}

// `isInstance` is read through a getter that binds it to the class it is read from, so a detached
// `const is = X.isInstance` still knows X. Bound functions are cached per class.
const bound = new WeakMap<object, (value: unknown) => boolean>();
Object.defineProperty(ToolwrightError, 'isInstance', {
  configurable: true,
  get(this: unknown) {
    const type = typeof this === 'function' ? this : ToolwrightError;
    let check = bound.get(type);
    if (!check) {
      check = (value: unknown) => isInstanceOf(type, value);
      bound.set(type, check);
    }
    return check;
  },
});

/** The model should try again; `message` is written for the model and says what to change. */
export class ModelRetry extends ToolwrightError {
  static override readonly kind = 'ModelRetry';
  declare readonly code: 'model_retry';
  /** Takes the message written for the model (what to change) and optionally the underlying error. */
  constructor(message: string, options?: ToolwrightErrorOptions) {
    super('model_retry', message, options);
  }
}

/** The tool ran and failed; `message` is written for the model, which may report or work around it. */
export class ToolFailed extends ToolwrightError {
  static override readonly kind = 'ToolFailed';
  declare readonly code: 'tool_failed';
  /** Takes the message written for the model and optionally the underlying error. */
  constructor(message: string, options?: ToolwrightErrorOptions) {
    super('tool_failed', message, options);
  }
}

/** A programming or configuration mistake by the application; the message says how to fix it. */
export class UserError extends ToolwrightError {
  static override readonly kind = 'UserError';
  declare readonly code: 'user_error';
  /** Takes the message (saying how to fix the mistake) and optionally the underlying error. */
  constructor(message: string, options?: ToolwrightErrorOptions) {
    super('user_error', message, options);
  }
}

/** A tool reported an error and the application asked for errors to be thrown (not retried or returned). */
export class ToolError extends ToolwrightError {
  static override readonly kind: string = 'ToolError';
  declare readonly code: 'tool_error' | 'task_failed';
  /** The tool that failed. */
  readonly toolName: string;
  /** Takes the failed tool's name, the tool's error message and optionally the underlying error. */
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
  | 'request_timeout'
  | 'result_invalid'
  | 'connection_lost'
  | 'authorization_failed';

/** What a task error knows about the task it concerns. */
export interface TaskErrorDetails extends ToolwrightErrorOptions {
  /** The tool whose call the task runs. */
  readonly toolName?: string | undefined;
  /** The server's task id, when a task exists. */
  readonly taskId?: string | undefined;
  /** A serialisable reference from which the task can be resumed later (JSON). */
  readonly reference?: JsonObject | undefined;
}

/**
 * An error that may concern a task: it carries the task's details when it does, and only then is
 * it a {@link TaskError} (by `isInstance`). It declares no `kind`, so it is no class of its own.
 */
abstract class TaskDetailsError extends ToolwrightError {
  /** The tool whose call the error concerns; undefined when the error is not tied to one call. */
  readonly toolName: string | undefined;
  /** The server's task id; undefined when no task existed (the error then is no {@link TaskError}). */
  readonly taskId: string | undefined;
  /** Pass this to the toolset's `resumeTask` to pick the task up again, when the error concerns a task. */
  readonly reference: JsonObject | undefined;
  /** Takes the error's code, its message and what is known of the tool and task. */
  constructor(code: TaskErrorCode, message: string, details: TaskErrorDetails = {}) {
    super(code, message, details);
    this.toolName = details.toolName;
    this.taskId = details.taskId;
    this.reference = details.reference;
    if (details.taskId !== undefined) addKind(this, 'TaskError');
  }
}

/**
 * Base of the errors about a task. Carries the task reference when there is one. `isInstance`
 * also recognises a {@link ProtocolError} or {@link ConnectionLostError} that concerns a task
 * (one with a `taskId`), and a {@link TaskFailedError}.
 */
export class TaskError extends TaskDetailsError {
  static override readonly kind: string = 'TaskError';
  declare readonly code: TaskErrorCode;
}

/**
 * A task ended in `failed` and the application asked for errors to be thrown
 * (`toolErrorBehavior: 'error'`). It is a {@link ToolError} (for the tool) and, by `isInstance`, a
 * {@link TaskError} (for the task): it carries the task id and reference.
 */
export class TaskFailedError extends ToolError {
  static override readonly kind = 'TaskFailedError';
  declare readonly code: 'task_failed';
  /** The server's id of the failed task; undefined when none is known. */
  readonly taskId: string | undefined;
  /** The task's reference, to fetch its details again later. */
  readonly reference: JsonObject | undefined;
  /** Takes the task's error message and what is known of the tool and task (`toolName` is `''` when absent). */
  constructor(message: string, details: TaskErrorDetails = {}) {
    super(details.toolName ?? '', message, details);
    (this as { code: string }).code = 'task_failed';
    this.taskId = details.taskId;
    this.reference = details.reference;
    addKind(this, TaskError.kind);
  }
}

/**
 * A call was abandoned because its run was aborted, before any task existed. Its family also
 * holds {@link TaskCancelledError}: `CancelledError.isInstance` matches both, so one check covers
 * every cancellation.
 */
export class CancelledError extends ToolwrightError {
  static override readonly kind = 'CancelledError';
  declare readonly code: 'cancelled';
  /** The tool whose call was cancelled. */
  readonly toolName: string | undefined;
  /** Takes the message and, optionally, the tool's name and the underlying error. */
  constructor(message: string, details: { readonly toolName?: string | undefined; readonly cause?: unknown } = {}) {
    super('cancelled', message, details);
    this.toolName = details.toolName;
  }
}

/** The task was cancelled, by this client or by the server. A {@link CancelledError} too, by `isInstance`. */
export class TaskCancelledError extends TaskError {
  static override readonly kind = 'TaskCancelledError';
  declare readonly code: 'task_cancelled';
  /** Takes the message and what is known of the tool and task. */
  constructor(message: string, details?: TaskErrorDetails) {
    super('task_cancelled', message, details);
    addKind(this, CancelledError.kind);
  }
}

/** The server no longer has the task (its ttl passed, or it was deleted). */
export class TaskExpiredError extends TaskError {
  static override readonly kind = 'TaskExpiredError';
  declare readonly code: 'task_expired';
  /** Takes the message and what is known of the tool and task. */
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
  /** Takes the message, what is known of the tool and task, and whether the task was cancelled on the server. */
  constructor(message: string, details: TaskErrorDetails & { readonly cancelled: boolean }) {
    super('task_deadline_exceeded', message, details);
    this.cancelled = details.cancelled;
  }
}

/** The peer sent something the protocol does not allow (or no answer in time); the message names what was wrong. */
export class ProtocolError extends TaskDetailsError {
  static override readonly kind: string = 'ProtocolError';
  declare readonly code: 'protocol_error' | 'request_timeout' | 'result_invalid';
  /** Takes the message (naming what was wrong) and what is known of the tool and task. */
  constructor(message: string, details?: TaskErrorDetails) {
    super('protocol_error', message, details);
  }
}

/** A request got no answer within its timeout (`timeouts.requestMs`); the server may be overloaded or stuck. */
export class RequestTimeoutError extends ProtocolError {
  static override readonly kind = 'RequestTimeoutError';
  declare readonly code: 'request_timeout';
  /** The method of the request that timed out, e.g. `tools/call`. */
  readonly method: string;
  /** The timeout that passed, in milliseconds. */
  readonly timeoutMs: number;
  /** Takes the message, what is known of the tool and task, the request's method and the timeout in milliseconds. */
  constructor(message: string, details: TaskErrorDetails & { readonly method: string; readonly timeoutMs: number }) {
    super(message, details);
    (this as { code: string }).code = 'request_timeout';
    this.method = details.method;
    this.timeoutMs = details.timeoutMs;
  }
}

/**
 * A tool's result does not fit the result schema its caller asked for: the server sent another
 * shape than the caller expects (the tool broke its output schema, or the caller's schema is
 * wrong). The message names the tool, the field and what the server sent.
 */
export class ResultValidationError extends ProtocolError {
  static override readonly kind = 'ResultValidationError';
  declare readonly code: 'result_invalid';
  /** The tool whose result did not fit. */
  declare readonly toolName: string;
  /** The path of the first field that does not fit (`forecast.0.celsius`); undefined for the whole result. */
  readonly field: string | undefined;
  /** Takes the message, the tool's name, what is known of the task, and the path of the field that does not fit. */
  constructor(
    message: string,
    details: TaskErrorDetails & { readonly toolName: string; readonly field?: string | undefined },
  ) {
    super(message, details);
    (this as { code: string }).code = 'result_invalid';
    this.field = details.field;
  }
}

/** The connection to the server was lost; a task's reference lets it be resumed on a new connection. */
export class ConnectionLostError extends TaskDetailsError {
  static override readonly kind = 'ConnectionLostError';
  declare readonly code: 'connection_lost';
  /** Takes the message and what is known of the tool and task. */
  constructor(message: string, details?: TaskErrorDetails) {
    super('connection_lost', message, details);
  }
}

/**
 * The server refused the client's credentials and they could not be renewed: authorization failed
 * (no token, a token the server rejects after a refresh, a refresh the authorization server denied,
 * a scope step-up that did not help, or a user who did not authorize in time). `server` names the
 * server; the message says what to do. When it ends a task's wait, it carries the task's reference:
 * authorize again, then resume the task from it.
 */
export class AuthorizationError extends TaskDetailsError {
  static override readonly kind = 'AuthorizationError';
  declare readonly code: 'authorization_failed';
  /** The server whose authorization failed (the toolset's id, or its URL without credentials). */
  readonly server: string;
  /** Takes the message (saying what to do), what is known of the tool and task, and the server's name. */
  constructor(message: string, details: TaskErrorDetails & { readonly server: string }) {
    super('authorization_failed', message, details);
    this.server = details.server;
  }
}
