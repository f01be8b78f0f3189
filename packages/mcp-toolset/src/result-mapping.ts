import { ProtocolError as JsonRpcError } from '@modelcontextprotocol/client';
import {
  binaryContent,
  type JsonValue,
  ModelRetry,
  ToolError,
  ToolFailed,
  type ToolwrightError,
} from '@toolwright/core';
import type { ToolErrorBehavior } from './options.ts';
import type { ContentPart, MCPCallToolResult } from './wire.ts';

/** A resource link in a tool result. */
export interface ResourceLink {
  /** Always `'resource-link'`. */
  readonly type: 'resource-link';
  /** The resource's URI, as the server gave it. */
  readonly uri: string;
  /** The resource's name; undefined when the server gave none. */
  readonly name: string | undefined;
  /** The resource's MIME type; undefined when the server gave none. */
  readonly mimeType: string | undefined;
  /** What the resource is; undefined when the server gave no description. */
  readonly description: string | undefined;
}

/** An embedded text resource in a tool result (binary resources become binary content). */
export interface EmbeddedResource {
  /** Always `'resource'`. */
  readonly type: 'resource';
  /** The resource's URI, as the server gave it. */
  readonly uri: string;
  /** The resource's MIME type; undefined when the server gave none. */
  readonly mimeType: string | undefined;
  /** The resource's text content. */
  readonly text: string;
}

/**
 * What a tool call returns: `structuredContent` when present (a lone `{ result }` wrapper
 * unwrapped); else each content part (text, text that looks like JSON parsed, binary content for
 * images and audio, resource links and embedded resources), one part alone, several as a list,
 * none as `null`.
 */
export function mapToolResult(result: MCPCallToolResult): unknown {
  const structured = result.structuredContent;
  if (structured !== undefined) {
    const keys = Object.keys(structured);
    return keys.length === 1 && keys[0] === 'result' ? structured.result : structured;
  }
  const parts = result.content.map(mapPart);
  if (parts.length === 0) return null;
  return parts.length === 1 ? parts[0] : parts;
}

function mapPart(part: ContentPart): unknown {
  switch (part.type) {
    case 'text':
      return typeof part.text === 'string' ? parseJsonText(part.text) : '';
    case 'image':
    case 'audio':
      return binaryContent(
        Buffer.from(String(part.data ?? ''), 'base64'),
        String(part.mimeType ?? 'application/octet-stream'),
      );
    case 'resource_link':
      return {
        type: 'resource-link',
        uri: String(part.uri),
        name: optionalString(part.name),
        mimeType: optionalString(part.mimeType),
        description: optionalString(part.description),
      } satisfies ResourceLink;
    case 'resource': {
      const resource = (part.resource ?? {}) as Record<string, unknown>;
      const mimeType = optionalString(resource.mimeType);
      if (typeof resource.blob === 'string')
        return binaryContent(Buffer.from(resource.blob, 'base64'), mimeType ?? 'application/octet-stream');
      return {
        type: 'resource',
        uri: String(resource.uri),
        mimeType,
        text: String(resource.text ?? ''),
      } satisfies EmbeddedResource;
    }
    default:
      // A content kind this version does not know: keep it as the server sent it.
      return part as JsonValue;
  }
}

/** Text that looks like a JSON object or array becomes that value; anything else stays text. */
function parseJsonText(text: string): unknown {
  const start = text.trimStart()[0];
  if (start !== '{' && start !== '[') return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The text of a result's text parts, for error messages. */
export function resultText(result: MCPCallToolResult): string {
  const texts = result.content.flatMap((part) =>
    part.type === 'text' && typeof part.text === 'string' ? [part.text] : [],
  );
  return texts.join('\n').trim();
}

/**
 * The error for a tool that reported failure (an `isError` result, or a failed task), by the
 * toolset's {@link ToolErrorBehavior}: `retry` → ModelRetry, `failed` → ToolFailed, `error` →
 * ToolError. The message carries the server's words.
 */
export function toolFailure(
  toolName: string,
  serverMessage: string,
  behavior: ToolErrorBehavior,
  cause?: unknown,
): ToolwrightError {
  const message = serverMessage || `Tool '${toolName}' failed without a message.`;
  const options = cause === undefined ? undefined : { cause };
  if (behavior === 'retry') return new ModelRetry(message, options);
  if (behavior === 'failed') return new ToolFailed(message, options);
  return new ToolError(toolName, `Tool '${toolName}' failed: ${message}`, options);
}

/**
 * A failed call's error as the caller should see it: Toolwright's typed errors pass through; a
 * JSON-RPC error answer from the server becomes ModelRetry (so the model may fix its arguments),
 * or ToolError with toolErrorBehavior 'error'.
 */
export function callFailure(toolName: string, error: unknown, behavior: ToolErrorBehavior): unknown {
  if (!(error instanceof JsonRpcError)) return error;
  if (behavior === 'error')
    return new ToolError(toolName, `Tool '${toolName}': the MCP server answered with an error: ${error.message}`, {
      cause: error,
    });
  return new ModelRetry(
    `Calling tool '${toolName}' failed: ${error.message}. Check the arguments against the tool's input schema and try again.`,
    { cause: error },
  );
}
