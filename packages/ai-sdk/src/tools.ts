import {
  forToolCall,
  isBinaryContent,
  ModelRetry,
  type RunContext,
  type ToolDefinition,
  ToolFailed,
  type Toolset,
} from '@toolwright/core';
import { dynamicTool, jsonSchema, type ToolSet } from 'ai';

/**
 * The tools of a toolset (capabilities applied or not) as an AI SDK tool set, for one run. Each
 * call runs with the run's context, its own tool call id, and the AI SDK's abort signal joined to
 * the run's: aborting either cancels the call (and its MCP task). `ModelRetry` and `ToolFailed`
 * become results the model reads and can act on; other errors surface as the AI SDK's tool errors.
 */
export async function aiSdkTools<Deps>(toolset: Toolset<Deps>, ctx: RunContext<Deps>): Promise<ToolSet> {
  const tools: ToolSet = {};
  for (const tool of await toolset.getTools(ctx)) tools[tool.name] = toAiSdkTool(toolset, ctx, tool);
  return tools;
}

function toAiSdkTool<Deps>(toolset: Toolset<Deps>, ctx: RunContext<Deps>, tool: ToolDefinition) {
  return dynamicTool({
    ...(tool.description === undefined ? {} : { description: tool.description }),
    inputSchema: jsonSchema(tool.inputSchema as Parameters<typeof jsonSchema>[0]),
    execute: async (input, { toolCallId, abortSignal }) => {
      const signal = abortSignal ? AbortSignal.any([ctx.signal, abortSignal]) : ctx.signal;
      const callCtx = forToolCall(ctx, { toolCallId, signal });
      try {
        return toModelValue(await toolset.callTool(tool.name, (input ?? {}) as Record<string, unknown>, callCtx, tool));
      } catch (error) {
        if (ModelRetry.isInstance(error)) return `Error: ${error.message} Fix the call and try again.`;
        if (ToolFailed.isInstance(error)) return `Error: tool '${tool.name}' failed: ${error.message}`;
        throw error;
      }
    },
  });
}

/** A tool result as JSON the model can read: binary content becomes its media type and base64 data. */
export function toModelValue(value: unknown): unknown {
  if (isBinaryContent(value))
    return { type: 'binary', mediaType: value.mediaType, base64: Buffer.from(value.data).toString('base64') };
  if (Array.isArray(value)) return value.map(toModelValue);
  return value === undefined ? null : value;
}
