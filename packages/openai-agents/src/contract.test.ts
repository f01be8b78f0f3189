import {
  Agent,
  type AgentInputItem,
  type CallModelInputFilter,
  run,
  type Span,
  type SpanData,
  setTraceProcessors,
  setTracingDisabled,
  type TracingProcessor,
} from '@openai/agents';
import { assistantMessage, functionCall, ScriptedModel } from '@openai/agents/testing';
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
import { isTaskStatusOutput, type JsonObject } from '@toolwright/core';
import { runWithBackgroundWork } from './background.ts';
import { withTaskStatus } from './task-status.ts';
import { openAIAgentsTools, type ToolOutputData } from './tools.ts';

const TOOL_CALL_ID = 'contract-call';

/**
 * The SDK's tool spans, kept in memory (no exporter): a tool call whose output is its error output
 * ends with an error on its span, the SDK's own record that the call failed.
 */
const toolSpans: Span<SpanData>[] = [];
const collector: TracingProcessor = {
  onTraceStart: async () => {},
  onTraceEnd: async () => {},
  onSpanStart: async () => {},
  onSpanEnd: async (span) => {
    if (span.spanData.type === 'function') toolSpans.push(span);
  },
  shutdown: async () => {},
  forceFlush: async () => {},
};
setTraceProcessors([collector]);
setTracingDisabled(false);

/** The SDK's ScriptedModel: the scripted call on its first step, the final text on every later one. */
function contractModel(call: TurnOptions['call']): ScriptedModel {
  const finalAnswers = Array.from({ length: 6 }, () => [assistantMessage(FINAL_TEXT)]);
  return new ScriptedModel([
    [functionCall(call.toolName, { ...call.args }, { callId: TOOL_CALL_ID })],
    ...finalAnswers,
  ]);
}

/** The call's output in the input of the model's second call, as the SDK sent it, and the media in it. */
function outputIn(model: ScriptedModel): { text: string | undefined; media: MediaPart[] } {
  const input = model.calls[1]?.request.input;
  const item = Array.isArray(input)
    ? input.find((each) => each.type === 'function_call_result' && each.callId === TOOL_CALL_ID)
    : undefined;
  if (item?.type !== 'function_call_result') return { text: undefined, media: [] };
  const parts = (Array.isArray(item.output) ? item.output : [item.output]) as {
    type?: string;
    text?: string;
    image?: unknown;
  }[];
  const texts: string[] = [];
  const media: MediaPart[] = [];
  for (const part of parts) {
    if ((part.type === 'text' || part.type === 'input_text') && part.text !== undefined) texts.push(part.text);
    if (part.type === 'input_image' && typeof part.image === 'string') {
      const [, mediaType, base64] = /^data:([^;]+);base64,(.*)$/.exec(part.image) ?? [];
      if (mediaType !== undefined && base64 !== undefined) media.push({ mediaType, base64 });
    }
  }
  return { text: texts.join('\n'), media };
}

/** The tools as the model was offered them on its first call (no title or metadata: the SDK has no field for them). */
function toolViews(model: ScriptedModel): ToolView[] {
  return (model.calls[0]?.request.tools ?? []).flatMap((offered) =>
    offered.type === 'function'
      ? [{ name: offered.name, description: offered.description, inputSchema: offered.parameters as JsonObject }]
      : [],
  );
}

/** One streamed run, its stream read through `withTaskStatus` as the README shows it. */
async function streamedRun(
  options: TurnOptions,
  agent: Agent<unknown>,
  input: string | AgentInputItem[],
  items: StreamedItem[],
  filter?: CallModelInputFilter,
) {
  const result = await run(agent, input, {
    stream: true,
    signal: options.signal,
    ...(filter ? { callModelInputFilter: filter } : {}),
  });
  for await (const event of withTaskStatus(result, options.ctx)) {
    if (isTaskStatusOutput(event)) {
      if (event.toolCallId === TOOL_CALL_ID) items.push(statusItem(event));
    } else if (event.type === 'run_item_stream_event' && event.item.type === 'tool_call_output_item') {
      const raw = event.item.rawItem;
      const data = event.item.customData as ToolOutputData | undefined;
      if (raw.type === 'function_call_result' && raw.callId === TOOL_CALL_ID)
        items.push({ kind: 'result', isError: data?.toolwright.isError === true });
    }
  }
  await result.completed;
  if (result.error) throw result.error;
  return result;
}

/** A streamed run of the SDK's `Agent` with the ScriptedModel; background work through `runWithBackgroundWork`. */
const streamedRunHarness: AdapterHarness = {
  name: '@toolwright/openai-agents (streamed run)',
  media: true,
  followUps: {
    loop:
      'The SDK ends a run at the final answer and has no hook to go on; runWithBackgroundWork starts the next run ' +
      'with the result (a result that arrives while a run goes on reaches its next model call through callModelInputFilter).',
  },
  fields: { title: false, metadata: false },
  async runTurn(options) {
    const model = contractModel(options.call);
    const agent = new Agent({ name: 'contract', model, tools: await openAIAgentsTools(options.toolset, options.ctx) });
    const items: StreamedItem[] = [];
    const spansBefore = toolSpans.length;
    const background = options.background;
    const result = background
      ? (
          await runWithBackgroundWork({
            ctx: options.ctx,
            background,
            input: 'Go.',
            run: (input, runOptions) => streamedRun(options, agent, input, items, runOptions.callModelInputFilter),
          })
        ).result
      : await streamedRun(options, agent, 'Go.', items);
    const { text, media } = outputIn(model);
    const span = toolSpans
      .slice(spansBefore)
      .find((each) => each.spanData.type === 'function' && each.spanData.name === options.call.toolName);
    const outcome: ToolOutcome | undefined =
      text === undefined ? undefined : { kind: span?.error ? 'failure' : 'success', text };
    return {
      items,
      outcome,
      media,
      tools: toolViews(model),
      modelInputs: model.calls.map((call) => JSON.stringify(call.request.input)),
      text: !result.cancelled && typeof result.finalOutput === 'string' ? result.finalOutput : undefined,
    };
  },
};

describeAdapterContract(streamedRunHarness);
