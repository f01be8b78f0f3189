import { createStep, type Step } from '@mastra/core/workflows';
import { type RunContext, type Toolset, toolTitle } from '@toolwright/core';
import { execute, type MastraToolsOptions, type Schema } from './tools.ts';

/** A Toolwright tool as a Mastra workflow step: its input is the tool's arguments, its output the result. */
export type MastraStep = Step<string, unknown, Record<string, unknown>, unknown>;

/**
 * The tools of a toolset as Mastra workflow steps (`createWorkflow(…).then(steps.research)`), for
 * one run. Mastra's `createStep(tool)` gives a tool no output stream; these steps write each task
 * status change and progress update to the step's `writer` (`workflow-step-output` chunks of
 * `run.stream()`), and cancelling the run (`run.cancel()`) cancels the MCP task.
 */
export async function mastraSteps<Deps>(
  toolset: Toolset<Deps>,
  ctx: RunContext<Deps>,
  options: MastraToolsOptions = {},
): Promise<Record<string, MastraStep>> {
  const steps: Record<string, MastraStep> = {};
  for (const tool of await toolset.getTools(ctx)) {
    const title = toolTitle(tool.metadata);
    steps[tool.name] = createStep({
      id: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      ...(title === undefined ? {} : { metadata: { title } }),
      inputSchema: tool.inputSchema as NonNullable<Schema>,
      outputSchema: {} as NonNullable<Schema>,
      execute: ({ inputData, abortSignal, writer }) =>
        execute({
          toolset,
          ctx,
          tool,
          input: inputData,
          toolCallId: undefined,
          signal: abortSignal,
          writer: options.taskStatus === false ? undefined : writer,
        }),
    }) as unknown as MastraStep;
  }
  return steps;
}
