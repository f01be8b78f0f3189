import { type FunctionTool, type JsonSchemaDefinition, tool } from '@openai/agents';
import { type RunContext, startAdapterCall, type ToolDefinition, type Toolset } from '@toolwright/core';
import { failureOutput, markWorded, toToolOutput } from './model-output.ts';

/** What the OpenAI Agents SDK hands a function tool besides its input. */
type CallDetails = Parameters<FunctionTool['invoke']>[2];

/** A JSON schema of a function tool's parameters, strict or not. */
type ParametersSchema = JsonSchemaDefinition['schema'];

/** A JSON schema of a non-strict function tool's parameters. */
type NonStrictSchema = Extract<ParametersSchema, { additionalProperties: true }>;

/** A Toolwright tool as a function tool of the OpenAI Agents SDK. */
export type OpenAIAgentsTool = FunctionTool<unknown, ParametersSchema, unknown>;

/**
 * The custom data of each output item of a Toolwright tool (the `customData` of its
 * `tool_output` run item, never sent to the model): whether the output is a failure. The SDK's
 * protocol has no error flag on a tool's output, so this is how a stream or a UI tells a failed
 * call from a result.
 */
export interface ToolOutputData {
  readonly [key: string]: unknown;
  /** Toolwright's part of the custom data. */
  readonly toolwright: {
    /** The output is the tool's error output (a failed call, a timeout), not its result. */
    readonly isError: boolean;
  };
}

/** Options of {@link openAIAgentsTools}. */
export interface OpenAIAgentsToolsOptions {
  /**
   * Per-call timeout in milliseconds, enforced by the SDK (`timeoutMs` of `tool()`): when it
   * passes, the call is aborted (its MCP task cancelled) and the model reads that it timed out.
   * Default: none, as a task may run long.
   */
  readonly timeoutMs?: number;
}

/**
 * The tools of a toolset (capabilities applied or not) as function tools of the OpenAI Agents
 * SDK, for one run: pass them as an `Agent`'s `tools`. Each call runs with the run's context, the
 * SDK's call id, and the SDK's abort signal (the run's `signal`, a tool timeout) joined to the
 * run's: aborting either cancels the call and its MCP task. Task status and progress go to the
 * run's events (`ctx.events`); {@link withTaskStatus} puts them in the run's stream. Images reach
 * the model as image outputs, other binary content as file outputs; a failed call (`ModelRetry`,
 * `ToolFailed`, a failed or cancelled task) becomes the tool's error output, a message for the
 * model that names the tool.
 */
export async function openAIAgentsTools<Deps>(
  toolset: Toolset<Deps>,
  ctx: RunContext<Deps>,
  options: OpenAIAgentsToolsOptions = {},
): Promise<OpenAIAgentsTool[]> {
  return (await toolset.getTools(ctx)).map((definition) => toFunctionTool(toolset, ctx, definition, options));
}

function toFunctionTool<Deps>(
  toolset: Toolset<Deps>,
  ctx: RunContext<Deps>,
  definition: ToolDefinition,
  options: OpenAIAgentsToolsOptions,
): OpenAIAgentsTool {
  const name = definition.name;
  // The calls whose output is a failure: the output item's custom data says so.
  const failed = new Set<string | undefined>();
  const markFailed = (details: CallDetails) => failed.add(details?.toolCall?.callId);
  const timeoutMs = options.timeoutMs;
  return tool<NonStrictSchema, unknown, unknown>({
    name,
    description: definition.description ?? '',
    parameters: parametersOf(definition),
    // MCP input schemas are rarely valid strict schemas; the server validates the arguments.
    strict: false,
    execute: (input: unknown, _runContext: unknown, details?: CallDetails) =>
      execute({ toolset, ctx, definition, input, details }),
    errorFunction: (_runContext, error, details) => {
      markFailed(details);
      return failureOutput(name, error);
    },
    customDataExtractor: ({ toolCall }): ToolOutputData => ({
      toolwright: { isError: failed.delete(toolCall.callId) },
    }),
    ...(timeoutMs === undefined
      ? {}
      : {
          timeoutMs,
          timeoutErrorFunction: (_runContext: unknown, _error: unknown, details?: CallDetails) => {
            markFailed(details);
            return `Tool '${name}' timed out after ${timeoutMs}ms.`;
          },
        }),
  });
}

/** The tool's input schema as the SDK wants it: an object schema with `properties` and `required`. */
function parametersOf(definition: ToolDefinition): NonStrictSchema {
  const schema = definition.inputSchema as Partial<NonStrictSchema>;
  // The type asks `additionalProperties: true` of a non-strict schema; the SDK sends what is there.
  return {
    ...schema,
    type: 'object',
    properties: schema.properties ?? {},
    required: schema.required ?? [],
  } as NonStrictSchema;
}

interface Execution<Deps> {
  readonly toolset: Toolset<Deps>;
  readonly ctx: RunContext<Deps>;
  readonly definition: ToolDefinition;
  readonly input: unknown;
  readonly details: CallDetails;
}

let directCalls = 0;

async function execute<Deps>({ toolset, ctx, definition, input, details }: Execution<Deps>): Promise<unknown> {
  const { call, failure, end } = startAdapterCall({
    toolset,
    ctx,
    tool: definition,
    input,
    // A call through the SDK's runner always has one; a direct `invoke` may not.
    toolCallId: details?.toolCall?.callId ?? `direct-${++directCalls}`,
    signal: details?.signal,
    framework: 'The OpenAI Agents SDK',
  });
  try {
    return toToolOutput(await call);
  } catch (error) {
    throw markWorded(failure(error), error);
  } finally {
    end();
  }
}
