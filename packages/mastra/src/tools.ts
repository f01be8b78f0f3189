import { createTool, type Tool, type ToolExecutionContext } from '@mastra/core/tools';
import {
  type JsonObject,
  type RunContext,
  startAdapterCall,
  TaskStatusFeed,
  type ToolDefinition,
  type Toolset,
  toModelValue,
  toolTitle,
} from '@toolwright/core';
import { isPlainObject } from '@toolwright/core/internal';
import { toModelOutput } from './model-output.ts';

/** Options of {@link mastraTools}. */
export interface MastraToolsOptions {
  /**
   * Write each task status change and progress update to the tool's output stream (Mastra's
   * `writer`) as a `TaskStatusOutput` while the call runs (default true): an agent's stream shows
   * them as `tool-output` chunks, a workflow's as its step's output.
   */
  readonly taskStatus?: boolean;
}

/** A Toolwright tool as Mastra holds it. */
export type MastraTool = Tool<Record<string, unknown>, unknown>;

/**
 * The tools of a toolset (capabilities applied or not) as Mastra tools, for one run: give them to
 * an `Agent` (`tools`, or a call's `toolsets`) or make a workflow step of one (`createStep(tool)`).
 * Each call runs with the run's context, its own tool call id, and Mastra's abort signal joined to
 * the run's: aborting either cancels the call and its MCP task. While a call runs its task status
 * and progress go to Mastra's tool output stream; binary output reaches the model as media parts;
 * a failed call (`ModelRetry`, `ToolFailed`, a failed or cancelled task) is a tool error whose
 * message the model reads. Each tool keeps its title, and the MCP annotations and `_meta` of its
 * metadata.
 */
export async function mastraTools<Deps>(
  toolset: Toolset<Deps>,
  ctx: RunContext<Deps>,
  options: MastraToolsOptions = {},
): Promise<Record<string, MastraTool>> {
  const tools: Record<string, MastraTool> = {};
  for (const tool of await toolset.getTools(ctx)) tools[tool.name] = toMastraTool(toolset, ctx, tool, options);
  return tools;
}

function toMastraTool<Deps>(
  toolset: Toolset<Deps>,
  ctx: RunContext<Deps>,
  tool: ToolDefinition,
  options: MastraToolsOptions,
): MastraTool {
  const title = toolTitle(tool.metadata);
  const mcp = mcpPropertiesOf(tool.metadata);
  return createTool({
    id: tool.name,
    description: tool.description ?? '',
    ...(title === undefined ? {} : { title }),
    ...(mcp === undefined ? {} : { mcp }),
    inputSchema: tool.inputSchema as Schema,
    // Any JSON: the result as core's toModelValue makes it (an outputSchema lets a workflow step wrap the tool).
    outputSchema: {} as Schema,
    execute: (input: unknown, context: ToolExecutionContext) =>
      execute({
        toolset,
        ctx,
        tool,
        input,
        toolCallId: context.agent?.toolCallId,
        signal: context.abortSignal,
        writer: options.taskStatus === false ? undefined : context.writer,
      }),
    toModelOutput,
  }) as MastraTool;
}

/** A JSON Schema as `createTool` takes it. */
export type Schema = Parameters<typeof createTool>[0]['inputSchema'];

/** One call as Mastra hands it over, from an agent or a workflow step. */
interface Execution<Deps> {
  readonly toolset: Toolset<Deps>;
  readonly ctx: RunContext<Deps>;
  readonly tool: ToolDefinition;
  readonly input: unknown;
  /** The agent's tool call id, when an agent made the call. */
  readonly toolCallId: string | undefined;
  readonly signal: AbortSignal | undefined;
  /** Mastra's output stream of the tool or step, unless status is off. */
  readonly writer: { write(data: unknown): Promise<void> } | undefined;
}

/** Runs one call: status and progress to Mastra's writer while it runs, then the result (or a failure for the model). */
export async function execute<Deps>({ toolset, ctx, tool, input, signal, writer, ...call }: Execution<Deps>) {
  const toolCallId = call.toolCallId ?? `${ctx.runId}:${crypto.randomUUID()}`;
  const feed = writer ? new TaskStatusFeed(ctx.events, toolCallId) : undefined;
  const {
    call: running,
    failure,
    end,
  } = startAdapterCall({
    toolset,
    ctx,
    tool,
    input,
    toolCallId,
    signal,
    framework: 'Mastra',
  });
  try {
    if (feed && writer) for await (const status of feed.updates(running)) await writer.write(status);
    return toModelValue(await running);
  } catch (error) {
    throw failure(error);
  } finally {
    feed?.close();
    end();
  }
}

/** Mastra's MCP tool properties from the metadata an MCP toolset writes (`annotations`, `meta`). */
function mcpPropertiesOf(metadata: JsonObject): { annotations?: JsonObject; _meta?: JsonObject } | undefined {
  const annotations = isPlainObject(metadata.annotations) ? (metadata.annotations as JsonObject) : undefined;
  const meta = isPlainObject(metadata.meta) ? (metadata.meta as JsonObject) : undefined;
  if (annotations === undefined && meta === undefined) return undefined;
  return { ...(annotations ? { annotations } : {}), ...(meta ? { _meta: meta } : {}) };
}
