import type { ModelMessage } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';

type Prompt = ModelMessage[];
type Turn = Extract<
  NonNullable<NonNullable<ConstructorParameters<typeof MockLanguageModelV4>[0]>['doGenerate']>,
  { content: unknown }
>;
const usage = {
  inputTokens: { total: 0, noCache: 0, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 0, text: 0, reasoning: 0 },
};
const say = (text: string): Turn => ({
  content: [{ type: 'text', text }],
  finishReason: { unified: 'stop', raw: undefined },
  usage,
  warnings: [],
});

/**
 * A stand-in for a real model, so the demo needs no API key: it calls progress_task first, says it
 * will report back, and reports once the background result is in the conversation.
 */
export function scriptedModel(args: { steps: number; stepMs: number }): MockLanguageModelV4 {
  return new MockLanguageModelV4({
    doGenerate: async ({ prompt }) => {
      const text = JSON.stringify(prompt as unknown as Prompt);
      const result = /\[background result\] ([^"\\]*)/.exec(text)?.[1];
      if (result) return say(`The analysis is done. ${result}`);
      if (text.includes('running in the background'))
        return say('I started the analysis in the background; I will tell you when it is done.');
      return {
        content: [{ type: 'tool-call', toolCallId: 'call-1', toolName: 'progress_task', input: JSON.stringify(args) }],
        finishReason: { unified: 'tool-calls', raw: undefined },
        usage,
        warnings: [],
      };
    },
  });
}
