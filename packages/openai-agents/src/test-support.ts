import type { ModelResponse } from '@openai/agents';
import { setTracingDisabled } from '@openai/agents';
import { assistantMessage, functionCall, ScriptedModel } from '@openai/agents/testing';

// Test support: the SDK's own ScriptedModel plays the model; no API key, no network, no trace export.
setTracingDisabled(true);

/** A model turn that calls tools, each `[name, input, callId?]`. */
export function callTools(...calls: readonly (readonly [string, Record<string, unknown>, string?])[]) {
  return calls.map(([name, input, callId]) => functionCall(name, input, { callId: callId ?? `call-${name}` }));
}

/** A model turn that answers with text. */
export function say(text: string) {
  return [assistantMessage(text)];
}

/** A scripted model playing `turns` in order (each an output list). */
export function scriptedModel(...turns: ModelResponse['output'][]): ScriptedModel {
  return new ScriptedModel(turns);
}

/** The input items the model was sent in call `index`. */
export function modelInput(model: ScriptedModel, index: number) {
  const input = model.calls[index]?.request.input;
  return Array.isArray(input) ? input : [];
}

/** The function call outputs the model was sent in call `index`, by call id. */
export function toolOutputsSeen(model: ScriptedModel, index: number): Map<string, unknown> {
  const outputs = new Map<string, unknown>();
  for (const item of modelInput(model, index))
    if (item.type === 'function_call_result') outputs.set(item.callId, item.output);
  return outputs;
}

export { fixtureToolset } from '@toolwright/adapter-contract';
