/**
 * A scripted model for tests of an AI SDK app with Toolwright tools: the AI SDK's own
 * `MockLanguageModelV4` (from `ai/test`), playing turns written as `callTool(…)` and `say(…)` through
 * `generateText` and `streamText` alike, with the usage and finish-reason shapes the AI SDK 7 expects.
 *
 * @module
 */
import { convertArrayToReadableStream, MockLanguageModelV4 } from 'ai/test';

type MockOptions = NonNullable<ConstructorParameters<typeof MockLanguageModelV4>[0]>;
/** What the mock model returns for one generate call. */
type GenerateResult = Extract<NonNullable<MockOptions['doGenerate']>, { content: unknown }>;
/** One part of a streamed model response. */
type StreamPart =
  Extract<NonNullable<MockOptions['doStream']>, { stream: unknown }>['stream'] extends ReadableStream<infer Part>
    ? Part
    : never;

const usage = {
  inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 1, text: 1, reasoning: 0 },
};

/** One scripted model turn: call tools, or answer with text. */
export type Turn =
  | {
      /** `'tools'`: the model calls tools in this turn (finish reason `tool-calls`). */
      readonly kind: 'tools';
      /** The tool calls of the turn, in order. */
      readonly calls: readonly {
        /** The call's id, which its result answers. */
        toolCallId: string;
        /** The tool to call. */
        toolName: string;
        /** The arguments, as JSON text. */
        input: string;
      }[];
    }
  | {
      /** `'text'`: the model answers with text (finish reason `stop`). */
      readonly kind: 'text';
      /** The answer. */
      readonly text: string;
    };

/** A turn that calls one tool. */
export const callTool = (toolName: string, input: Record<string, unknown>, toolCallId = `call-${toolName}`): Turn => ({
  kind: 'tools',
  calls: [{ toolCallId, toolName, input: JSON.stringify(input) }],
});

/** A turn that answers with text. */
export const say = (text: string): Turn => ({ kind: 'text', text });

function generated(turn: Turn): GenerateResult {
  return {
    content:
      turn.kind === 'text'
        ? [{ type: 'text', text: turn.text }]
        : turn.calls.map((call) => ({ type: 'tool-call' as const, ...call })),
    finishReason: { unified: turn.kind === 'text' ? 'stop' : 'tool-calls', raw: undefined },
    usage,
    warnings: [],
  };
}

/** The stream parts of one scripted turn. */
export function streamed(turn: Turn): StreamPart[] {
  const body: StreamPart[] =
    turn.kind === 'text'
      ? [
          { type: 'text-start', id: 'text' },
          { type: 'text-delta', id: 'text', delta: turn.text },
          { type: 'text-end', id: 'text' },
        ]
      : turn.calls.map((call) => ({ type: 'tool-call' as const, ...call }));
  return [
    { type: 'stream-start', warnings: [] },
    ...body,
    { type: 'finish', finishReason: { unified: turn.kind === 'text' ? 'stop' : 'tool-calls', raw: undefined }, usage },
  ];
}

/** A mock model that plays `turns` in order, through doGenerate and doStream alike. */
export function scriptedModel(...turns: Turn[]): MockLanguageModelV4 {
  return new MockLanguageModelV4({
    doGenerate: turns.map(generated),
    doStream: turns.map((turn) => ({ stream: convertArrayToReadableStream(streamed(turn)) })),
  });
}

/** Everything the model was shown in call `index` (generate or stream), as text to assert on. */
export function promptText(model: MockLanguageModelV4, index: number): string {
  return JSON.stringify((model.doGenerateCalls[index] ?? model.doStreamCalls[index])?.prompt);
}

/** The prompt the model is given in one call: the messages, in the AI SDK's provider format. */
export type ModelPrompt = MockLanguageModelV4['doGenerateCalls'][number]['prompt'];

/** The prompt of call `index` (generate or stream); empty when there was no such call. */
export function promptOf(model: MockLanguageModelV4, index: number): ModelPrompt {
  return (model.doGenerateCalls[index] ?? model.doStreamCalls[index])?.prompt ?? [];
}
