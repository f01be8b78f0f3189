import type { Agent } from '@mastra/core/agent';
import { MastraLanguageModelV2Mock } from '@mastra/core/test-utils/llm-mock';

// Test support: Mastra's own mock model (it wraps the AI SDK 5 MockLanguageModelV2), scripted.

const usage = { inputTokens: 1, outputTokens: 1, totalTokens: 2 };

/** One scripted model step: call a tool, or answer with text. */
export type Step =
  | { readonly toolName: string; readonly input: Readonly<Record<string, unknown>>; readonly toolCallId: string }
  | { readonly text: string };

function parts(step: Step): unknown[] {
  const body =
    'text' in step
      ? [
          { type: 'text-start', id: 'text' },
          { type: 'text-delta', id: 'text', delta: step.text },
          { type: 'text-end', id: 'text' },
        ]
      : [
          {
            type: 'tool-call',
            toolCallId: step.toolCallId,
            toolName: step.toolName,
            input: JSON.stringify(step.input),
          },
        ];
  return [
    { type: 'stream-start', warnings: [] },
    ...body,
    { type: 'finish', finishReason: 'text' in step ? 'stop' : 'tool-calls', usage },
  ];
}

function generated(step: Step) {
  return {
    content: [
      'text' in step
        ? { type: 'text', text: step.text }
        : {
            type: 'tool-call',
            toolCallId: step.toolCallId,
            toolName: step.toolName,
            input: JSON.stringify(step.input),
          },
    ],
    finishReason: 'text' in step ? 'stop' : 'tool-calls',
    usage,
    warnings: [],
  };
}

/**
 * Mastra's mock model playing `steps` in order (through `agent.stream` and `agent.generate`
 * alike), then the last one again for any further call.
 */
export function scriptedModel(...steps: Step[]): MastraLanguageModelV2Mock {
  let calls = 0;
  const next = () => steps[Math.min(calls++, steps.length - 1)] as Step;
  return new MastraLanguageModelV2Mock({
    doGenerate: async () => generated(next()) as never,
    doStream: async () => {
      const step = next();
      const stream = new ReadableStream({
        start(controller) {
          for (const part of parts(step)) controller.enqueue(part);
          controller.close();
        },
      });
      return { stream: stream as never };
    },
  });
}

/** The calls the model received, generate or stream, in order. */
export function modelCalls(model: MastraLanguageModelV2Mock) {
  return model.doStreamCalls.length > 0 ? model.doStreamCalls : model.doGenerateCalls;
}

/** Everything the model was shown in call `index`, as text to assert on. */
export function promptText(model: MastraLanguageModelV2Mock, index: number): string {
  return JSON.stringify(modelCalls(model)[index]?.prompt ?? []);
}

/** The model option of a Mastra `Agent`. */
type AgentModel = ConstructorParameters<typeof Agent>[0]['model'];

/**
 * The mock as an agent's model. It is one at run time; Mastra's declarations of it do not pass
 * `exactOptionalPropertyTypes` (an optional `response` that may be `undefined`), hence the cast.
 */
export function agentModel(model: MastraLanguageModelV2Mock): AgentModel {
  return model as unknown as AgentModel;
}
