import {
  type RunContext,
  startAdapterCall,
  TaskStatusFeed,
  type ToolDefinition,
  type Toolset,
  toModelValue,
  toolTitle,
} from '@toolwright/core';
import { toJsonValue } from '@toolwright/core/internal';
import type { Tool, ToolExecutionOptions, ToolSet } from 'ai';
import { dynamicTool, jsonSchema } from './ai-sdk-runtime.ts';
import { messageAsString, toModelOutput } from './model-output.ts';
import { markStatusTool } from './task-status.ts';

/** Options of {@link aiSdkTools}. */
export interface AiSdkToolsOptions {
  /**
   * Yield each task status change and progress update as a preliminary tool result (a
   * `TaskStatusOutput`) before the final result (default true). `streamText` streams them to the
   * UI; `generateText` keeps only the final result. False makes `execute` a plain async function.
   */
  readonly taskStatus?: boolean;
}

/**
 * The tools of a toolset (capabilities applied or not) as an AI SDK tool set, for one run. Each
 * call runs with the run's context, its own tool call id, and the AI SDK's abort signal joined to
 * the run's: aborting either cancels the call (and its MCP task). While a call runs, its task
 * status and progress are preliminary results; binary output reaches the model as media parts;
 * a failed call (`ModelRetry`, `ToolFailed`, a failed or cancelled task) is a tool error whose
 * message the model reads. Each tool carries its definition's metadata and title.
 */
export async function aiSdkTools<Deps>(
  toolset: Toolset<Deps>,
  ctx: RunContext<Deps>,
  options: AiSdkToolsOptions = {},
): Promise<ToolSet> {
  const tools: ToolSet = {};
  for (const tool of await toolset.getTools(ctx)) tools[tool.name] = toAiSdkTool(toolset, ctx, tool, options);
  return tools;
}

function toAiSdkTool<Deps>(
  toolset: Toolset<Deps>,
  ctx: RunContext<Deps>,
  tool: ToolDefinition,
  options: AiSdkToolsOptions,
) {
  const streamsStatus = options.taskStatus !== false;
  const execute = streamsStatus ? executeWithStatus : executeOnce;
  const title = toolTitle(tool.metadata);
  const aiSdkTool = dynamicTool({
    ...(tool.description === undefined ? {} : { description: tool.description }),
    ...(title === undefined ? {} : { title }),
    metadata: toJsonValue(tool.metadata, 'metadata') as NonNullable<Tool['metadata']>,
    inputSchema: jsonSchema(tool.inputSchema as Parameters<typeof jsonSchema>[0]),
    execute: (input, execution) => execute({ toolset, ctx, tool, input, execution }),
    toModelOutput,
  });
  return streamsStatus ? markStatusTool(aiSdkTool) : aiSdkTool;
}

/** One call as the AI SDK hands it over. */
interface Execution<Deps> {
  readonly toolset: Toolset<Deps>;
  readonly ctx: RunContext<Deps>;
  readonly tool: ToolDefinition;
  readonly input: unknown;
  readonly execution: ToolExecutionOptions<unknown>;
}

/** Starts the call with its own context and signal (the AI SDK's joined to the run's). */
function startCall<Deps>({ toolset, ctx, tool, input, execution }: Execution<Deps>) {
  const started = startAdapterCall({
    toolset,
    ctx,
    tool,
    input,
    toolCallId: execution.toolCallId,
    signal: execution.abortSignal,
    framework: 'The AI SDK',
  });
  // The AI SDK sends the model an error's string form: make it the message alone.
  return { ...started, failure: (error: unknown) => messageAsString(error, started.failure(error)) };
}

async function executeOnce<Deps>(execution: Execution<Deps>): Promise<unknown> {
  const { call, failure, end } = startCall(execution);
  try {
    return toModelValue(await call);
  } catch (error) {
    throw failure(error);
  } finally {
    end();
  }
}

async function* executeWithStatus<Deps>(execution: Execution<Deps>): AsyncGenerator<unknown> {
  const feed = new TaskStatusFeed(execution.ctx.events, execution.execution.toolCallId);
  const { call, failure, end } = startCall(execution);
  try {
    yield* feed.updates(call);
    yield toModelValue(await call);
  } catch (error) {
    throw failure(error);
  } finally {
    feed.close();
    end();
  }
}
