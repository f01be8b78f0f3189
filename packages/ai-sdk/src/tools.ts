import { getEventListeners } from 'node:events';
import {
  forToolCall,
  type JsonObject,
  type RunContext,
  type ToolDefinition,
  type Toolset,
  UserError,
} from '@toolwright/core';
import { isPlainObject, toJsonValue } from '@toolwright/core/internal';
import { dynamicTool, jsonSchema, type Tool, type ToolExecutionOptions, type ToolSet } from 'ai';
import { callSignal } from './call-signal.ts';
import { readableFailure, toModelOutput, toModelValue } from './model-output.ts';
import { TaskStatusFeed } from './task-status.ts';

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
  const execute = options.taskStatus === false ? executeOnce : executeWithStatus;
  const title = titleOf(tool.metadata);
  return dynamicTool({
    ...(tool.description === undefined ? {} : { description: tool.description }),
    ...(title === undefined ? {} : { title }),
    metadata: toJsonValue(tool.metadata, 'metadata') as NonNullable<Tool['metadata']>,
    inputSchema: jsonSchema(tool.inputSchema as Parameters<typeof jsonSchema>[0]),
    execute: (input, execution) => execute({ toolset, ctx, tool, input, execution }),
    toModelOutput,
  });
}

/** One call as the AI SDK hands it over. */
interface Execution<Deps> {
  readonly toolset: Toolset<Deps>;
  readonly ctx: RunContext<Deps>;
  readonly tool: ToolDefinition;
  readonly input: unknown;
  readonly execution: ToolExecutionOptions<unknown>;
}

/** Starts the call with its own context and signal; `dispose` unlinks the signal when the call is over. */
function startCall<Deps>({ toolset, ctx, tool, input, execution }: Execution<Deps>) {
  const { signal, abort, dispose } = callSignal(ctx.signal, execution.abortSignal);
  const callCtx = forToolCall(ctx, { toolCallId: execution.toolCallId, signal });
  const args = (isPlainObject(input) ? input : {}) as Record<string, unknown>;
  let settled = false;
  const call = toolset.callTool(tool.name, args, callCtx, tool).finally(() => {
    settled = true;
  });
  return {
    call,
    /**
     * Ends the call's link to the run; a call still running (its consumer left) is aborted first.
     * Work that outlives its call (a background tool's) still listens to the call's signal: then
     * the link stays, so aborting the run still reaches that work.
     */
    end: () => {
      if (!settled) abort(new UserError(`The AI SDK stopped reading tool '${tool.name}' before it finished.`));
      if (getEventListeners(signal, 'abort').length === 0) dispose();
    },
  };
}

async function executeOnce<Deps>(execution: Execution<Deps>): Promise<unknown> {
  const { call, end } = startCall(execution);
  try {
    return toModelValue(await call);
  } catch (error) {
    throw readableFailure(execution.tool.name, error);
  } finally {
    end();
  }
}

async function* executeWithStatus<Deps>(execution: Execution<Deps>): AsyncGenerator<unknown> {
  const feed = new TaskStatusFeed(execution.ctx.events, execution.execution.toolCallId);
  const { call, end } = startCall(execution);
  try {
    yield* feed.updates(call);
    yield toModelValue(await call);
  } catch (error) {
    throw readableFailure(execution.tool.name, error);
  } finally {
    feed.close();
    end();
  }
}

/** The tool's display title: the MCP tool's `title`, else its annotations' `title`. */
function titleOf(metadata: JsonObject): string | undefined {
  if (typeof metadata.title === 'string') return metadata.title;
  const annotations = metadata.annotations;
  return isPlainObject(annotations) && typeof annotations.title === 'string' ? annotations.title : undefined;
}
