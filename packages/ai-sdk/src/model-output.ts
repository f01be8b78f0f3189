import { type FailureContext, isBinaryOutput, readableFailure as modelFacingFailure } from '@toolwright/core';
import type { JSONValue, Tool } from 'ai';

/** What a tool's `toModelOutput` returns. */
type ToolResultOutput = Awaited<ReturnType<NonNullable<Tool['toModelOutput']>>>;

type ContentPart = Extract<ToolResultOutput, { type: 'content' }>['value'][number];

function toContentPart(value: unknown): ContentPart {
  if (isBinaryOutput(value))
    return { type: 'file', mediaType: value.mediaType, data: { type: 'data', data: value.base64 } };
  return { type: 'text', text: typeof value === 'string' ? value : JSON.stringify(value) };
}

/**
 * The AI SDK's `toModelOutput` for a Toolwright tool's output (as core's `toModelValue` made it):
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
 * Core's `readableFailure` (a failed call as an error of the same kind whose message is written
 * for the model) for the AI SDK, which sends the model an error's string form as an `error-text`
 * output: that string form is the message alone. Other errors are returned unchanged.
 */
export function readableFailure(toolName: string, error: unknown, context: FailureContext = {}): unknown {
  return messageAsString(error, modelFacingFailure(toolName, error, context));
}

/** Makes the string form of `failure`, when it replaced `original`, its message alone. */
export function messageAsString(original: unknown, failure: unknown): unknown {
  if (failure !== original && failure instanceof Error)
    Object.defineProperty(failure, 'toString', { value: () => failure.message, enumerable: false });
  return failure;
}
