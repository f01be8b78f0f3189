import { getEventListeners } from 'node:events';
import { isBinaryContent } from './content.ts';
import {
  ModelRetry,
  TaskCancelledError,
  TaskFailedError,
  ToolFailed,
  type ToolwrightError,
  UserError,
} from './errors.ts';
import { isPlainObject, type JsonObject } from './json.ts';
import { linkedSignal } from './linked-signal.ts';
import { forToolCall, type RunContext } from './run-context.ts';
import type { ToolDefinition } from './tool-definition.ts';
import type { Toolset } from './toolset.ts';

/** Binary content in a tool's output, as JSON: it streams to a UI and persists with the messages. */
export interface BinaryOutput {
  /** Always `'binary'`: marks the value as binary content. */
  readonly type: 'binary';
  /** The content's media type, e.g. `image/png`. */
  readonly mediaType: string;
  /** The data, base64. */
  readonly base64: string;
}

/** A tool result as JSON a framework can carry: binary content becomes its media type and base64 data. */
export function toModelValue(value: unknown): unknown {
  if (isBinaryContent(value))
    return { type: 'binary', mediaType: value.mediaType, base64: Buffer.from(value.data).toString('base64') };
  if (Array.isArray(value)) return value.map(toModelValue);
  return value === undefined ? null : value;
}

/** True for a {@link BinaryOutput}, as {@link toModelValue} makes it. */
export function isBinaryOutput(value: unknown): value is BinaryOutput {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === 'binary' &&
    typeof (value as { mediaType?: unknown }).mediaType === 'string' &&
    typeof (value as { base64?: unknown }).base64 === 'string'
  );
}

/** What {@link readableFailure} knows of the call besides its error. */
export interface FailureContext {
  /**
   * The call's task ended `failed` on the server: the server failed, not the call, so a
   * `ModelRetry` reads "Tool 'x' failed: …" rather than asking the model to fix its call.
   */
  readonly taskFailed?: boolean;
}

/**
 * A failed call (`ModelRetry`, `ToolFailed`, a task that failed or was cancelled) as an error of
 * the same kind, with the original as its `cause`, whose message is written for the model: a
 * failure of the server says the tool failed; only a `ModelRetry` of the call itself (a tool's
 * error result, arguments the server refused) asks the model to fix the call. Other errors are
 * returned unchanged.
 */
export function readableFailure(toolName: string, error: unknown, context: FailureContext = {}): unknown {
  return toReadable(toolName, error, context) ?? error;
}

function toReadable(toolName: string, error: unknown, context: FailureContext): ToolwrightError | undefined {
  if (ModelRetry.isInstance(error) && context.taskFailed === true)
    return new ModelRetry(`Tool '${toolName}' failed: ${error.message}`, { cause: error });
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

function taskDetails(error: TaskFailedError | TaskCancelledError) {
  return {
    cause: error,
    ...(error.toolName === undefined ? {} : { toolName: error.toolName }),
    ...(error.taskId === undefined ? {} : { taskId: error.taskId }),
    ...(error.reference === undefined ? {} : { reference: error.reference }),
  };
}

/** One tool call as an agent framework hands it to an adapter. */
export interface AdapterCallOptions<Deps> {
  /** The toolset that runs the call. */
  readonly toolset: Toolset<Deps>;
  /** The run's context (long-lived); the call gets its own, with its call id and signal. */
  readonly ctx: RunContext<Deps>;
  /** The definition of the tool being called, as the toolset listed it. */
  readonly tool: ToolDefinition;
  /** The arguments the framework parsed (anything but a plain object counts as none). */
  readonly input: unknown;
  /** The framework's id of this tool call. */
  readonly toolCallId: string;
  /** The framework's abort signal for the call or its run, if it has one. */
  readonly signal?: AbortSignal | undefined;
  /** Names the framework in the message of a call abandoned because the framework stopped reading it. */
  readonly framework: string;
}

/** A running adapter call: its result, how to word its failure for the model, and its end. */
export interface AdapterCall {
  /** The tool's result as the toolset gives it. */
  readonly call: Promise<unknown>;
  /** The call's failure as the model should read it ({@link readableFailure}). */
  failure(error: unknown): unknown;
  /**
   * Ends the call's link to the run; a call still running (its consumer left) is aborted first.
   * Work that outlives its call (a background tool's) still listens to the call's signal: then
   * the link stays, so aborting the run still reaches that work.
   */
  end(): void;
}

/**
 * Starts one tool call for an adapter: with the run's context for this call (its tool call id and
 * a signal aborted by the run's signal or the framework's), linked to the run only while it runs
 * (a listener per call on a long-lived run signal would pile up), and watching whether its task
 * ends `failed` on the server, which decides how its failure reads to the model.
 */
export function startAdapterCall<Deps>(options: AdapterCallOptions<Deps>): AdapterCall {
  const { toolset, ctx, tool, toolCallId } = options;
  const { signal, abort, dispose } = linkedSignal(ctx.signal, options.signal);
  const callCtx = forToolCall(ctx, { toolCallId, signal });
  const args = (isPlainObject(options.input) ? options.input : {}) as Record<string, unknown>;
  let taskFailed = false;
  const stopWatching = ctx.events.on('task-status', (event) => {
    if (event.toolCallId === toolCallId && event.status === 'failed') taskFailed = true;
  });
  let settled = false;
  const call = toolset.callTool(tool.name, args, callCtx, tool).finally(() => {
    settled = true;
  });
  return {
    call,
    failure: (error) => readableFailure(tool.name, error, { taskFailed }),
    end: () => {
      stopWatching();
      if (!settled)
        abort(new UserError(`${options.framework} stopped reading tool '${tool.name}' before it finished.`));
      if (listenerCount(signal) === 0) dispose();
    },
  };
}

/** How many abort listeners the call's signal still has (work that outlives the call keeps one). */
function listenerCount(signal: AbortSignal): number {
  return getEventListeners(signal, 'abort').length;
}

/** A tool's display title from its metadata: the MCP tool's `title`, else its annotations' `title`. */
export function toolTitle(metadata: JsonObject): string | undefined {
  if (typeof metadata.title === 'string') return metadata.title;
  const annotations = metadata.annotations;
  return isPlainObject(annotations) && typeof annotations.title === 'string' ? annotations.title : undefined;
}

/** What an adapter needs to know of a run's background work (a `BackgroundTools` capability has it). */
export interface BackgroundWork<Deps> {
  /** The work of this run still running; the run goes on while it is not empty. */
  pending(ctx: RunContext<Deps>): readonly unknown[];
}
