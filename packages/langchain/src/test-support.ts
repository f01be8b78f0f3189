import { AIMessage, type BaseMessage, ToolMessage } from '@langchain/core/messages';
import { type FakeBuiltModel, fakeModel } from '@langchain/core/testing';

// Test support: LangChain's own fake chat model (`fakeModel`, with bindTools) plays the model.

/** One scripted model turn: tool calls `[name, args, id?]`, or a text answer. */
export type Turn = readonly (readonly [string, Record<string, unknown>, string?])[] | string;

/** A fake model that plays `turns` in order. */
export function scriptedModel(...turns: Turn[]): FakeBuiltModel {
  const model = fakeModel();
  for (const turn of turns) {
    if (typeof turn === 'string') model.respond(new AIMessage(turn));
    else model.respondWithTools(turn.map(([name, args, id]) => ({ name, args, id: id ?? `call-${name}` })));
  }
  return model;
}

/** The messages the model was shown in call `index`. */
export function messagesSeen(model: FakeBuiltModel, index: number): BaseMessage[] {
  return model.calls[index]?.messages ?? [];
}

/** The tool messages the model was shown in call `index`, by tool call id. */
export function toolMessagesSeen(model: FakeBuiltModel, index: number): Map<string, ToolMessage> {
  const found = new Map<string, ToolMessage>();
  for (const message of messagesSeen(model, index))
    if (ToolMessage.isInstance(message)) found.set(message.tool_call_id, message);
  return found;
}

export { fixtureToolset } from '@toolwright/adapter-contract';
