import { type JsonObject, ProtocolError } from '@toolwright/core';
import { isPlainObject, toJsonValue } from '@toolwright/core/internal';
import type { z } from 'zod/v4';

/** One content part of a tool result, as MCP sends it. */
export type ContentPart = {
  /** The part's kind: `text`, `image`, `audio`, `resource_link`, `resource`, or another a server sends. */
  readonly type: string;
} & Readonly<Record<string, unknown>>;

/**
 * A tool result, as MCP sends it (validated). Named apart from the SDK's `CallToolResult`, which an app
 * may import beside it: this is the toolset's own, read-only and already checked.
 */
export interface MCPCallToolResult {
  /** The result's content parts (text, image, audio, resource link, embedded resource, …), in the server's order. */
  readonly content: readonly ContentPart[];
  /** The structured result (JSON); undefined when the server sent none. */
  readonly structuredContent: JsonObject | undefined;
  /** True when the tool reported an error (`isError: true`); false when the server left it out. */
  readonly isError: boolean;
  /** The result's `_meta` (JSON); undefined when the server sent none. */
  readonly meta: JsonObject | undefined;
}

/** What was being read, for a {@link ProtocolError} message. */
export type WireContext = {
  readonly what: string;
  readonly toolName?: string | undefined;
  readonly taskId?: string | undefined;
};

/** Throws the ProtocolError for a malformed message, naming what was read and the tool or task. */
export function malformed(context: WireContext, problem: string): never {
  const subject = context.toolName ? `${context.what} for tool '${context.toolName}'` : context.what;
  throw new ProtocolError(`The server sent a malformed ${subject}: ${problem}.`, {
    ...(context.toolName === undefined ? {} : { toolName: context.toolName }),
    ...(context.taskId === undefined ? {} : { taskId: context.taskId }),
  });
}

/**
 * Reads a message through its schema; a failure becomes the ProtocolError of {@link malformed},
 * naming the first field that does not fit and why.
 */
export function readWire<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  context: WireContext,
): z.output<Schema> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : undefined;
  return malformed(
    context,
    `${field === undefined ? 'the message' : `field ${field}`} ${issue ? `is invalid (${issue.message})` : 'is invalid'}${field === undefined ? '' : `, got ${describeValue(fieldValue(value, issue?.path ?? []))}`}`,
  );
}

/** The value at `path` inside `value`, or undefined where the path leads nowhere. */
export function fieldValue(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path)
    current =
      isPlainObject(current) || Array.isArray(current) ? (current as Record<PropertyKey, unknown>)[key] : undefined;
  return current;
}

/** Validates a tool result (tools/call, tasks/result). */
export function parseCallToolResult(value: unknown, context: WireContext): MCPCallToolResult {
  if (!isPlainObject(value)) malformed(context, 'the result is not an object');
  const { content, structuredContent, isError, _meta } = value;
  if (content !== undefined && !Array.isArray(content)) malformed(context, 'content must be an array');
  const parts = (content ?? []) as unknown[];
  parts.forEach((part, index) => {
    if (!isPlainObject(part) || typeof part.type !== 'string')
      malformed(context, `content[${index}] has no string type`);
  });
  if (structuredContent !== undefined && !isPlainObject(structuredContent))
    malformed(context, 'structuredContent must be an object');
  if (isError !== undefined && typeof isError !== 'boolean') malformed(context, 'isError must be a boolean');
  return {
    content: parts as ContentPart[],
    structuredContent: structuredContent === undefined ? undefined : (toJsonValue(structuredContent) as JsonObject),
    isError: isError === true,
    meta: isPlainObject(_meta) ? (toJsonValue(_meta) as JsonObject) : undefined,
  };
}

/** A value as a short text for a message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text === undefined ? typeof value : text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
