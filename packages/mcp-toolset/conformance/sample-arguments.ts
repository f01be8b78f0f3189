import type { JsonObject, ToolDefinition } from '@toolwright/core';

/** A value of the declared type for each required property: enough to call a tool the suite only wants called. */
export function sampleArguments(tool: ToolDefinition): JsonObject {
  const schema = tool.inputSchema as { properties?: Record<string, { type?: string }>; required?: string[] };
  return Object.fromEntries(
    (schema.required ?? []).map((name) => {
      const type = schema.properties?.[name]?.type;
      return [name, type === 'number' || type === 'integer' ? 1 : type === 'boolean' ? true : 'conformance'];
    }),
  );
}
