import {
  isBinaryContent,
  ModelRetry,
  TaskCancelledError,
  TaskFailedError,
  ToolFailed,
  type ToolwrightError,
} from '@toolwright/core';
import type { JSONValue, Tool } from 'ai';

/** What a tool's `toModelOutput` returns. */
type ToolResultOutput = Awaited<ReturnType<NonNullable<Tool['toModelOutput']>>>;

/** Binary content in a tool's output: JSON, so it streams to a UI and persists with the messages. */
export interface BinaryOutput {
  readonly type: 'binary';
  readonly mediaType: string;
  readonly base64: string;
}

/** A tool result as JSON the model can read: binary content becomes its media type and base64 data. */
export function toModelValue(value: unknown): unknown {
  if (isBinaryContent(value))
    return { type: 'binary', mediaType: value.mediaType, base64: Buffer.from(value.data).toString('base64') };
  if (Array.isArray(value)) return value.map(toModelValue);
  return value === undefined ? null : value;
}

function isBinaryOutput(value: unknown): value is BinaryOutput {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === 'binary' &&
    typeof (value as { mediaType?: unknown }).mediaType === 'string' &&
    typeof (value as { base64?: unknown }).base64 === 'string'
  );
}

type ContentPart = Extract<ToolResultOutput, { type: 'content' }>['value'][number];

function toContentPart(value: unknown): ContentPart {
  if (isBinaryOutput(value))
    return { type: 'file', mediaType: value.mediaType, data: { type: 'data', data: value.base64 } };
  return { type: 'text', text: typeof value === 'string' ? value : JSON.stringify(value) };
}

/**
 * The AI SDK's `toModelOutput` for a Toolwright tool's output (as {@link toModelValue} made it):
 * text stays text; binary content (images, audio), alone or among other parts, becomes media
 * (file) parts beside text parts; any other value is JSON.
 */
export function toModelOutput({ output }: { readonly output: unknown }): ToolResultOutput {
  if (typeof output === 'string') return { type: 'text', value: output };
  const parts = Array.isArray(output) ? output : [output];
  if (parts.some(isBinaryOutput)) return { type: 'content', value: parts.map(toContentPart) };
  return { type: 'json', value: (output ?? null) as JSONValue };
}

/**
 * A failed call (`ModelRetry`, `ToolFailed`, a task that failed or was cancelled) as an error of
 * the same kind, with the original as its `cause`, whose message is written for the model. The
 * AI SDK records it as a tool error and sends the model its string form as an `error-text`
 * output, so that string form is the message alone. Other errors are returned unchanged.
 */
export function readableFailure(toolName: string, error: unknown): unknown {
  const failure = toReadable(toolName, error);
  if (failure === undefined) return error;
  Object.defineProperty(failure, 'toString', { value: () => failure.message, enumerable: false });
  return failure;
}

function toReadable(toolName: string, error: unknown): ToolwrightError | undefined {
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
