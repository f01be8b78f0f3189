import type { LanguageModel } from 'ai';
import { convertArrayToReadableStream, MockLanguageModelV4 } from 'ai/test';

/** How the scripted model asks for the task: how many steps and how long each takes. */
export interface ScriptOptions {
  readonly steps: number;
  readonly stepMs: number;
}

type StreamOptions = Parameters<MockLanguageModelV4['doStream']>[0];

const usage = {
  inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 1, text: 1, reasoning: 0 },
};

/**
 * A stand-in for a real model (no API key, no network): to a user's message it answers by calling
 * the fixture server's `progress_task`; once the tool result is in, it reports it in words.
 */
export function scriptedModel({ steps, stepMs }: ScriptOptions): LanguageModel {
  return new MockLanguageModelV4({
    doStream: async ({ prompt }: StreamOptions) => {
      const last = prompt.at(-1);
      const result = last?.role === 'tool' ? last.content.find((part) => part.type === 'tool-result') : undefined;
      const body =
        result === undefined
          ? [
              {
                type: 'tool-call' as const,
                toolCallId: `call-${crypto.randomUUID()}`,
                toolName: 'progress_task',
                input: JSON.stringify({ steps, stepMs }),
              },
            ]
          : [
              { type: 'text-start' as const, id: 'answer' },
              {
                type: 'text-delta' as const,
                id: 'answer',
                delta: `The analysis is done: ${outputText(result.output)}.`,
              },
              { type: 'text-end' as const, id: 'answer' },
            ];
      return {
        stream: convertArrayToReadableStream([
          { type: 'stream-start' as const, warnings: [] },
          ...body,
          {
            type: 'finish' as const,
            finishReason: {
              unified: result === undefined ? ('tool-calls' as const) : ('stop' as const),
              raw: undefined,
            },
            usage,
          },
        ]),
      };
    },
  });
}

function outputText(output: { type: string; value?: unknown }): string {
  return typeof output.value === 'string' ? output.value : JSON.stringify(output.value);
}
