import { type JsonObject, ProtocolError, type ToolDefinition } from '@toolwright/core';
import { isPlainObject, toJsonValue } from '@toolwright/core/internal';
import type { TaskSupport, ToolRouting } from '../tasks/task-generation.ts';

/** The metadata an MCP toolset writes on each tool definition. */
export interface MCPToolMetadata {
  /** The tool's `_meta`, or null. */
  readonly meta: JsonObject | null;
  /** The tool's annotations with the wire's camelCase keys, or null. */
  readonly annotations: JsonObject | null;
  /** `execution.taskSupport` as the server declared it, or null. */
  readonly taskSupport: TaskSupport;
  /** The effective routing: whether calls run as tasks. */
  readonly task: boolean;
  readonly [key: string]: JsonObject | null | TaskSupport | boolean | string;
}

/** Maps one tools/list entry to a definition. Throws a ProtocolError naming the tool when the entry is malformed. */
export function toToolDefinition(
  tool: unknown,
  routing: (execution: unknown) => ToolRouting,
  index: number,
): { definition: ToolDefinition; taskSupport: TaskSupport } {
  if (!isPlainObject(tool) || typeof tool.name !== 'string' || tool.name.length === 0) {
    throw new ProtocolError(
      `The server's tools/list entry ${index} has no name; every tool needs a non-empty string name.`,
    );
  }
  const { name, description, inputSchema, outputSchema, annotations, _meta, execution, title } = tool;
  const json = (field: string, value: unknown): JsonObject | null => {
    if (value === undefined || value === null) return null;
    if (!isPlainObject(value))
      throw new ProtocolError(`The server's tool '${name}' has a ${field} that is not an object.`, { toolName: name });
    try {
      return toJsonValue(value, field) as JsonObject;
    } catch (error) {
      throw new ProtocolError(`The server's tool '${name}' has an invalid ${field}: ${(error as Error).message}.`, {
        toolName: name,
        cause: error,
      });
    }
  };
  const { taskSupport, task } = routing(execution);
  const metadata: Record<string, JsonObject | null | TaskSupport | boolean | string> = {
    meta: json('_meta', _meta),
    annotations: json('annotations', annotations),
    taskSupport,
    task,
  };
  if (typeof title === 'string') metadata.title = title;
  const input = json('inputSchema', inputSchema);
  const output = json('outputSchema', outputSchema);
  const definition: ToolDefinition = {
    name,
    ...(typeof description === 'string' ? { description } : {}),
    inputSchema: input ?? { type: 'object', properties: {} },
    ...(output ? { outputSchema: output } : {}),
    metadata,
  };
  return { definition, taskSupport };
}
