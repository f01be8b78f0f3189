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
import type { JsonObject } from '@toolwright/core';
import { isTaskStatusOutput } from '@toolwright/core';
import { isStepCount, streamText, type ToolSet } from 'ai';
import { convertArrayToReadableStream, MockLanguageModelV4 } from 'ai/test';
import { backgroundFollowUps } from './background.ts';
import { statusOnlyPreliminaries } from './task-status.ts';
import { callTool, promptOf, say, streamed } from './testing.ts';
import { aiSdkTools } from './tools.ts';

const TOOL_CALL_ID = 'contract-call';

/** The AI SDK's mock model: the scripted call on its first step, the final text on every later one. */
function contractModel(toolName: string, args: Readonly<Record<string, unknown>>): MockLanguageModelV4 {
  let calls = 0;
  return new MockLanguageModelV4({
    doStream: async () => {
      const turn = calls++ === 0 ? callTool(toolName, { ...args }, TOOL_CALL_ID) : say(FINAL_TEXT);
      return { stream: convertArrayToReadableStream(streamed(turn)) };
    },
  });
}

type Prompt = ReturnType<typeof promptOf>;

/** The tool's outcome in the prompt of the model's second call, as the AI SDK gave it. */
function outcomeIn(prompt: Prompt): { outcome: ToolOutcome | undefined; media: MediaPart[] } {
  for (const message of prompt) {
    if (message.role !== 'tool') continue;
    for (const part of message.content) {
      if (part.type !== 'tool-result' || part.toolCallId !== TOOL_CALL_ID) continue;
      const output = part.output;
      switch (output.type) {
        case 'text':
          return { outcome: { kind: 'success', text: output.value }, media: [] };
        case 'json':
          return { outcome: { kind: 'success', text: JSON.stringify(output.value) }, media: [] };
        case 'error-text':
          return { outcome: { kind: 'failure', text: output.value }, media: [] };
        case 'error-json':
          return { outcome: { kind: 'failure', text: JSON.stringify(output.value) }, media: [] };
        case 'content': {
          const texts = output.value.flatMap((item) => (item.type === 'text' ? [item.text] : []));
          const media = output.value.flatMap((item) =>
            item.type === 'file' && item.data.type === 'data' && typeof item.data.data === 'string'
              ? [{ mediaType: item.mediaType, base64: item.data.data }]
              : [],
          );
          return { outcome: { kind: 'success', text: texts.join('\n') }, media };
        }
        default:
          return { outcome: undefined, media: [] };
      }
    }
  }
  return { outcome: undefined, media: [] };
}

/** The tools as the model was offered them on its first call, with the title and metadata the AI SDK keeps. */
function toolViews(model: MockLanguageModelV4, tools: ToolSet): ToolView[] {
  return (model.doStreamCalls[0]?.tools ?? []).flatMap((offered) =>
    offered.type === 'function'
      ? [
          {
            name: offered.name,
            description: offered.description,
            inputSchema: offered.inputSchema as JsonObject,
            title: tools[offered.name]?.title,
            metadata: tools[offered.name]?.metadata as JsonObject | undefined,
          },
        ]
      : [],
  );
}

/** `streamText` with the AI SDK's mock model, as the README shows it (status transform, background follow-ups). */
const streamTextHarness: AdapterHarness = {
  name: '@toolwright/ai-sdk (streamText)',
  media: true,
  followUps: 'hook',
  fields: { title: true, metadata: true },
  async runTurn({ toolset, ctx, call, signal, background }) {
    const model = contractModel(call.toolName, call.args);
    const tools = await aiSdkTools(toolset, ctx);
    const result = streamText({
      model,
      tools,
      prompt: 'Go.',
      abortSignal: signal,
      stopWhen: isStepCount(6),
      experimental_transform: statusOnlyPreliminaries(),
      ...(background ? backgroundFollowUps({ ctx, background, abortSignal: signal }) : {}),
    });
    const items: StreamedItem[] = [];
    for await (const part of result.fullStream) {
      if (part.type === 'tool-result' && part.toolCallId === TOOL_CALL_ID)
        items.push(isTaskStatusOutput(part.output) ? statusItem(part.output) : { kind: 'result', isError: false });
      if (part.type === 'tool-error' && part.toolCallId === TOOL_CALL_ID) items.push({ kind: 'result', isError: true });
      if (part.type === 'error') throw part.error;
    }
    const text = signal.aborted ? undefined : await result.text;
    return {
      items,
      ...outcomeIn(promptOf(model, 1)),
      tools: toolViews(model, tools),
      modelInputs: model.doStreamCalls.map((options) => JSON.stringify(options.prompt)),
      text,
    };
  },
};

describeAdapterContract(streamTextHarness);
