import { Agent } from '@mastra/core/agent';
import type { MastraLanguageModelV2Mock } from '@mastra/core/test-utils/llm-mock';
import {
  type AdapterHarness,
  describeAdapterContract,
  FINAL_TEXT,
  type MediaPart,
  type StreamedItem,
  statusItem,
  type ToolOutcome,
  type ToolView,
} from '@toolwright/adapter-contract';
import { isTaskStatusOutput, type JsonObject } from '@toolwright/core';
import { backgroundFollowUps } from './background.ts';
import { agentModel, scriptedModel } from './test-support.ts';
import { type MastraTool, mastraTools } from './tools.ts';

const TOOL_CALL_ID = 'contract-call';

/** The AI SDK 5 tool result output Mastra hands its model. */
type Output =
  | { type: 'text' | 'error-text'; value: string }
  | { type: 'json' | 'error-json'; value: unknown }
  | { type: 'content'; value: ({ type: 'text'; text: string } | { type: 'media'; data: string; mediaType: string })[] };

/** The tool's outcome in the prompt of the model's second call, as Mastra gave it. */
function outcomeIn(model: MastraLanguageModelV2Mock): { outcome: ToolOutcome | undefined; media: MediaPart[] } {
  for (const message of model.doStreamCalls[1]?.prompt ?? []) {
    if (message.role !== 'tool') continue;
    for (const part of message.content) {
      if (part.type !== 'tool-result' || part.toolCallId !== TOOL_CALL_ID) continue;
      const output = part.output as Output;
      switch (output.type) {
        case 'text':
          return { outcome: { kind: 'success', text: output.value }, media: [] };
        case 'json':
          return { outcome: { kind: 'success', text: JSON.stringify(output.value) }, media: [] };
        case 'error-text':
          return { outcome: { kind: 'failure', text: output.value }, media: [] };
        case 'error-json':
          return { outcome: { kind: 'failure', text: JSON.stringify(output.value) }, media: [] };
        case 'content':
          return {
            outcome: {
              kind: 'success',
              text: output.value.flatMap((item) => (item.type === 'text' ? [item.text] : [])).join('\n'),
            },
            media: output.value.flatMap((item) =>
              item.type === 'media' ? [{ mediaType: item.mediaType, base64: item.data }] : [],
            ),
          };
      }
    }
  }
  return { outcome: undefined, media: [] };
}

/** The tools as the model was offered them on its first call, with the title Mastra keeps. */
function toolViews(model: MastraLanguageModelV2Mock, tools: Record<string, MastraTool>): ToolView[] {
  return (model.doStreamCalls[0]?.tools ?? []).flatMap((offered) =>
    offered.type === 'function'
      ? [
          {
            name: offered.name,
            description: offered.description,
            inputSchema: offered.inputSchema as JsonObject,
            title: tools[offered.name]?.title,
          },
        ]
      : [],
  );
}

/** A Mastra `Agent` streaming with Mastra's own mock model, as the README shows it. */
const agentHarness: AdapterHarness = {
  name: '@toolwright/mastra (Agent.stream)',
  media: true,
  followUps: 'hook',
  // Mastra keeps a tool's title; it has no field for arbitrary metadata (the MCP annotations and
  // _meta go to the tool's `mcp` properties, checked in tools.test.ts).
  fields: { title: true, metadata: false },
  async runTurn({ toolset, ctx, call, signal, background }) {
    const model = scriptedModel(
      { toolName: call.toolName, input: call.args, toolCallId: TOOL_CALL_ID },
      { text: FINAL_TEXT },
    );
    const tools = await mastraTools(toolset, ctx);
    const agent = new Agent({
      id: 'contract',
      name: 'Contract',
      instructions: 'Use the tools.',
      model: agentModel(model),
      tools,
    });
    const result = await agent.stream('Go.', {
      maxSteps: 6,
      abortSignal: signal,
      ...(background ? backgroundFollowUps({ ctx, background, abortSignal: signal }) : {}),
    });
    const items: StreamedItem[] = [];
    for await (const chunk of result.fullStream) {
      if (chunk.type === 'error') throw chunk.payload.error;
      if (!('payload' in chunk) || (chunk.payload as { toolCallId?: unknown }).toolCallId !== TOOL_CALL_ID) continue;
      if (chunk.type === 'tool-output')
        items.push(
          isTaskStatusOutput(chunk.payload.output)
            ? statusItem(chunk.payload.output)
            : { kind: 'result', isError: false },
        );
      if (chunk.type === 'tool-result') items.push({ kind: 'result', isError: false });
      if (chunk.type === 'tool-error') items.push({ kind: 'result', isError: true });
    }
    const text = signal.aborted ? undefined : await result.text;
    return {
      items,
      ...outcomeIn(model),
      tools: toolViews(model, tools),
      modelInputs: model.doStreamCalls.map((options) => JSON.stringify(options.prompt)),
      text,
    };
  },
};

describeAdapterContract(agentHarness);
