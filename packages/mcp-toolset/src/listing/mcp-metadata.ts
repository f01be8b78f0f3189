import type { JsonObject, JsonValue, ToolDefinition } from '@toolwright/core';
import { isJsonObject } from '@toolwright/core/internal';

/**
 * A tool's annotations (MCP `ToolAnnotations`), typed. The hints are hints: a server may set them
 * wrongly, so never trust them for security. A hint the server sent with the wrong type reads as
 * undefined; keys this version does not know keep their JSON values.
 */
export interface MCPToolAnnotations {
  /** A human-readable title of the tool (the older place for it; see {@link MCPToolMetadataView.title}). */
  readonly title?: string | undefined;
  /** The tool does not change its environment. */
  readonly readOnlyHint?: boolean | undefined;
  /** The tool may destroy or overwrite (meaningful only when it is not read-only). */
  readonly destructiveHint?: boolean | undefined;
  /** Calling it again with the same arguments has no further effect. */
  readonly idempotentHint?: boolean | undefined;
  /** The tool reaches an open world of entities (the web, say), not a closed domain. */
  readonly openWorldHint?: boolean | undefined;
  /** Annotations this version does not know, as the server sent them. */
  readonly [key: string]: JsonValue | undefined;
}

/**
 * The MCP metadata of a tool definition, typed and undefined-safe: what {@link mcpMetadata} reads.
 * A field the definition lacks (a local tool, or metadata a capability replaced) reads as
 * undefined, or `false` for `task`.
 */
export interface MCPToolMetadataView {
  /** `execution.taskSupport` as the server declared it; undefined when it declared none. */
  readonly taskSupport: 'required' | 'optional' | 'forbidden' | undefined;
  /** Whether calls of the tool run as tasks (the toolset's routing, or a capability's override). */
  readonly task: boolean;
  /** The tool's annotations, typed; undefined when it has none. */
  readonly annotations: MCPToolAnnotations | undefined;
  /** The tool's `_meta`; undefined when it has none. */
  readonly meta: JsonObject | undefined;
  /** The tool's title: its `title`, else `annotations.title`; undefined when it has neither. */
  readonly title: string | undefined;
}

const TASK_SUPPORT: readonly unknown[] = [
  'required',
  'optional',
  'forbidden',
] satisfies MCPToolMetadataView['taskSupport'][];
const HINTS = ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const;

/**
 * Reads the MCP metadata an {@link MCPToolset} writes on a definition (`taskSupport`, `task`,
 * `annotations`, `meta`, `title`) with types, so an application needs no casts. Works on any
 * definition: one that went through JSON and back, one a capability changed, or a local tool
 * (whose fields all read as undefined).
 *
 * ```ts
 * const { task, annotations, title } = mcpMetadata(definition);
 * if (annotations?.readOnlyHint) console.log(`${title ?? definition.name} only reads`);
 * ```
 */
export function mcpMetadata(definition: Pick<ToolDefinition, 'metadata'>): MCPToolMetadataView {
  const { taskSupport, task, annotations, meta, title } = definition.metadata;
  const typedAnnotations = isJsonObject(annotations) ? readAnnotations(annotations) : undefined;
  return {
    taskSupport: isTaskSupport(taskSupport) ? taskSupport : undefined,
    task: task === true,
    annotations: typedAnnotations,
    meta: isJsonObject(meta) ? meta : undefined,
    title: typeof title === 'string' ? title : typedAnnotations?.title,
  };
}

function isTaskSupport(value: unknown): value is NonNullable<MCPToolMetadataView['taskSupport']> {
  return TASK_SUPPORT.includes(value);
}

/** The annotations with each known key of the right type, or left out. */
function readAnnotations(annotations: JsonObject): MCPToolAnnotations {
  const typed: Record<string, JsonValue | undefined> = { ...annotations };
  if (typeof typed.title !== 'string') delete typed.title;
  for (const hint of HINTS) if (typeof typed[hint] !== 'boolean') delete typed[hint];
  return typed;
}
