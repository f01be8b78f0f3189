import { AIMessage, type BaseMessage, ToolMessage } from '@langchain/core/messages';
import { type FakeBuiltModel, fakeModel } from '@langchain/core/testing';
import { convertToOpenAITool } from '@langchain/core/utils/function_calling';
import {
  type AdapterHarness,
  describeAdapterContract,
  FINAL_TEXT,
  type MediaPart,
  type StreamedItem,
  statusItem,
  type ToolOutcome,
  type ToolView,
  type TurnOptions,
} from '@toolwright/adapter-contract';
import type { JsonObject } from '@toolwright/core';
import { createAgent } from 'langchain';
import { backgroundFollowUps } from './middleware.ts';
import { isTaskStatusUpdate } from './task-status.ts';
import { langChainTools } from './tools.ts';

const TOOL_CALL_ID = 'contract-call';

/** LangChain's fake chat model: the scripted call on its first step, the final text on every later one. */
function contractModel(call: TurnOptions['call']): FakeBuiltModel {
  const model = fakeModel().respondWithTools([{ name: call.toolName, args: { ...call.args }, id: TOOL_CALL_ID }]);
  for (let step = 0; step < 6; step++) model.respond(new AIMessage(FINAL_TEXT));
  return model;
}

/** The call's tool message among the messages of the model's second call: success or error, its text and media. */
function outcomeIn(messages: readonly BaseMessage[]): { outcome: ToolOutcome | undefined; media: MediaPart[] } {
  const message = messages.find((each) => ToolMessage.isInstance(each) && each.tool_call_id === TOOL_CALL_ID);
  if (!ToolMessage.isInstance(message)) return { outcome: undefined, media: [] };
  const blocks = (
    typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content
  ) as {
    type: string;
    text?: string;
    data?: string;
    mimeType?: string;
  }[];
  const text = blocks.flatMap((block) => (block.type === 'text' && block.text !== undefined ? [block.text] : []));
  const media = blocks.flatMap((block) =>
    block.type === 'image' && block.data !== undefined && block.mimeType !== undefined
      ? [{ mediaType: block.mimeType, base64: block.data }]
      : [],
  );
  const kind = message.status === 'error' ? 'failure' : 'success';
  return { outcome: { kind, text: text.join('\n') }, media };
}

/** The tools as LangChain hands them to a chat model (its own OpenAI tool format), with their metadata. */
function toolViews(tools: Awaited<ReturnType<typeof langChainTools>>): ToolView[] {
  return tools.map((tool) => {
    const { function: offered } = convertToOpenAITool(tool);
    return {
      name: offered.name,
      description: offered.description,
      inputSchema: offered.parameters as JsonObject,
      metadata: tool.metadata as JsonObject | undefined,
    };
  });
}

/** `createAgent` (langchain) with LangChain's fake model, its stream read in the `tools` mode. */
const createAgentHarness: AdapterHarness = {
  name: '@toolwright/langchain (createAgent, streamMode tools)',
  media: true,
  followUps: 'hook',
  fields: { title: false, metadata: true },
  async runTurn({ toolset, ctx, call, signal, background }) {
    const model = contractModel(call);
    const tools = await langChainTools(toolset, ctx);
    const agent = createAgent({
      model,
      tools,
      ...(background ? { middleware: [backgroundFollowUps({ ctx, background })] } : {}),
    });
    const items: StreamedItem[] = [];
    let last: { messages: BaseMessage[] } | undefined;
    const input = { messages: [{ role: 'user' as const, content: 'Go.' }] };
    for await (const [mode, chunk] of await agent.stream(input, { streamMode: ['tools', 'values'], signal })) {
      if (mode === 'values') last = chunk as { messages: BaseMessage[] };
      if (mode !== 'tools') continue;
      const event = chunk as { event: string; toolCallId?: string; data?: unknown; output?: unknown };
      if (event.toolCallId !== TOOL_CALL_ID) continue;
      if (event.event === 'on_tool_event' && isTaskStatusUpdate(event.data)) items.push(statusItem(event.data));
      if (event.event === 'on_tool_end')
        items.push({
          kind: 'result',
          isError: ToolMessage.isInstance(event.output) && event.output.status === 'error',
        });
      if (event.event === 'on_tool_error') items.push({ kind: 'result', isError: true });
    }
    const answer = last?.messages.at(-1);
    return {
      items,
      ...outcomeIn(model.calls[1]?.messages ?? []),
      tools: toolViews(tools),
      modelInputs: model.calls.map((each) => JSON.stringify(each.messages)),
      text: AIMessage.isInstance(answer) ? answer.text : undefined,
    };
  },
};

describeAdapterContract(createAgentHarness);
