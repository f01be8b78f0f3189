import { dispatchCustomEvent } from '@langchain/core/callbacks/dispatch/web';
import type { CallbackManagerForToolRun } from '@langchain/core/callbacks/manager';
import { ToolMessage } from '@langchain/core/messages';
import { patchConfig } from '@langchain/core/runnables';
import { DynamicStructuredTool, type ToolRuntime } from '@langchain/core/tools';
import {
  type RunContext,
  startAdapterCall,
  TaskStatusFeed,
  type ToolDefinition,
  type Toolset,
  ToolwrightError,
} from '@toolwright/core';
import { toJsonValue } from '@toolwright/core/internal';
import { toToolContent } from './content.ts';
import { TASK_STATUS_EVENT, type TaskStatusUpdate } from './task-status.ts';

/** Options of {@link langChainTools}. */
export interface LangChainToolsOptions {
  /**
   * Stream each task status change and progress update of a call while it runs (default true):
   * to `streamMode: 'custom'` (through the graph's `writer`), to `streamMode: 'tools'` (as
   * `on_tool_event`s) and to `streamEvents` (as `on_custom_event`s named `toolwright_task_status`),
   * each a {@link TaskStatusUpdate}. The model never sees them.
   */
  readonly taskStatus?: boolean;
}

/**
 * The tools of a toolset (capabilities applied or not) as LangChain structured tools, for one
 * run: pass them to `createAgent` (from `langchain`), a LangGraph `ToolNode`, or a model's
 * `bindTools`. Each call runs with the run's context, the tool call's id, and LangChain's
 * `config.signal` joined to the run's signal: aborting either cancels the call and its MCP task.
 * While a call runs, its task status and progress stream as {@link TaskStatusUpdate}s. Images and
 * audio reach the model as standard media blocks; a failed call (`ModelRetry`, `ToolFailed`, a
 * failed or cancelled task) is a tool message with `status: 'error'` whose content the model
 * reads. Each tool carries its definition's metadata (JSON) as its `metadata` (LangChain has no
 * field for a title: an MCP tool's is in `metadata.title` or `metadata.annotations.title`).
 */
export async function langChainTools<Deps>(
  toolset: Toolset<Deps>,
  ctx: RunContext<Deps>,
  options: LangChainToolsOptions = {},
): Promise<DynamicStructuredTool[]> {
  return (await toolset.getTools(ctx)).map((definition) => toLangChainTool(toolset, ctx, definition, options));
}

function toLangChainTool<Deps>(
  toolset: Toolset<Deps>,
  ctx: RunContext<Deps>,
  definition: ToolDefinition,
  options: LangChainToolsOptions,
): DynamicStructuredTool {
  const taskStatus = options.taskStatus !== false;
  // A DynamicStructuredTool of its own, not `tool()`: that helper runs each call in a new async
  // context for LangSmith (a run tree per call), which costs a plain call a third of its time here.
  return new DynamicStructuredTool({
    name: definition.name,
    description: definition.description ?? '',
    schema: schemaOf(definition),
    metadata: toJsonValue(definition.metadata, 'metadata') as Record<string, unknown>,
    // LangChain consumes an async generator: what it yields streams, what it returns is the result.
    func: ((input: unknown, runManager?: CallbackManagerForToolRun, config?: ToolRuntime) =>
      execute({
        toolset,
        ctx,
        definition,
        input,
        runManager,
        runtime: config ?? ({} as ToolRuntime),
        taskStatus,
      })) as never,
  });
}

/** The tool's input schema as an object schema (LangChain validates the arguments against it). */
function schemaOf(definition: ToolDefinition): Record<string, unknown> {
  const schema = definition.inputSchema;
  return { ...schema, type: 'object', properties: schema.properties ?? {} };
}

interface Execution<Deps> {
  readonly toolset: Toolset<Deps>;
  readonly ctx: RunContext<Deps>;
  readonly definition: ToolDefinition;
  readonly input: unknown;
  /** The tool run's callbacks: custom events are dispatched as its children. */
  readonly runManager: CallbackManagerForToolRun | undefined;
  /** What LangChain hands the tool: the run's config, with LangGraph's writer, signal and tool call. */
  readonly runtime: ToolRuntime;
  readonly taskStatus: boolean;
}

let directCalls = 0;

/**
 * One call, as an async generator: LangChain streams what it yields (`on_tool_event`) and makes
 * the tool message of what it returns.
 */
async function* execute<Deps>(execution: Execution<Deps>): AsyncGenerator<TaskStatusUpdate, unknown> {
  const { definition, runtime } = execution;
  // A tool message needs the call's id; a direct `invoke(args)` has none and gets the content itself.
  const frameworkCallId = runtime.toolCallId ?? runtime.toolCall?.id;
  const toolCallId = frameworkCallId ?? `direct-${++directCalls}`;
  const feed = execution.taskStatus ? new TaskStatusFeed(execution.ctx.events, toolCallId) : undefined;
  const { call, failure, end } = startAdapterCall({
    toolset: execution.toolset,
    ctx: execution.ctx,
    tool: definition,
    input: execution.input,
    toolCallId,
    signal: runtime.signal,
    framework: 'LangChain',
  });
  try {
    if (feed) {
      // The config of the tool run's children, made at the first update (a plain call has none).
      let eventConfig: ToolRuntime | undefined;
      for await (const snapshot of feed.updates(call)) {
        const update: TaskStatusUpdate = { ...snapshot, toolName: definition.name, toolCallId };
        runtime.writer?.(update);
        eventConfig ??= childConfig(runtime, execution.runManager);
        await dispatchCustomEvent(TASK_STATUS_EVENT, update, eventConfig);
        yield update;
      }
    }
    return toToolContent(await call);
  } catch (error) {
    const readable = failure(error);
    // Not a failure for the model: LangChain's own tool error handling decides.
    if (readable === error || !ToolwrightError.isInstance(readable)) throw readable;
    if (frameworkCallId === undefined) throw readable;
    return new ToolMessage({
      status: 'error',
      content: readable.message,
      tool_call_id: frameworkCallId,
      name: definition.name,
    });
  } finally {
    feed?.close();
    end();
  }
}

/** The config of a tool run's children, so that a custom event belongs to the tool's run. */
function childConfig(runtime: ToolRuntime, runManager: CallbackManagerForToolRun | undefined): ToolRuntime {
  const callbacks = runManager?.getChild();
  return callbacks === undefined ? runtime : (patchConfig(runtime, { callbacks }) as ToolRuntime);
}
