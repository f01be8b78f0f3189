import type { FollowUp, RunContext } from '@toolwright/core';
import type { ModelMessage } from 'ai';

/** A follow-up (the result of background work) as a user message for the model. */
function toMessage(followUp: FollowUp): ModelMessage {
  return { role: 'user', content: `[background result] ${followUp.message}` };
}

/** Takes the run's queued follow-ups as user messages for the model. */
export function followUpMessages(ctx: RunContext<unknown>): ModelMessage[] {
  return ctx.followUps.take().map(toMessage);
}

/** What {@link runWithBackgroundWork} needs to know of the background work of a run. */
export interface BackgroundWork<Deps> {
  pending(ctx: RunContext<Deps>): readonly unknown[];
}

/** The part of an agent turn's result that {@link runWithBackgroundWork} reads: the messages to add. */
export interface TurnResult {
  readonly response: { readonly messages: readonly ModelMessage[] };
}

/** Options of {@link runWithBackgroundWork}. */
export interface RunWithBackgroundWorkOptions<Result extends TurnResult, Deps> {
  /** The run; its follow-up queue receives the background results. */
  readonly ctx: RunContext<Deps>;
  /** Where pending work is known: a `BackgroundTools` capability. */
  readonly background: BackgroundWork<Deps>;
  /** The conversation so far; the model's answers and the follow-ups are added to it. */
  readonly messages: ModelMessage[];
  /** One agent turn, for example `(messages) => generateText({ model, tools, messages, stopWhen })`. */
  readonly generate: (messages: ModelMessage[]) => Promise<Result>;
  /** Wait for background work before ending the run (default true). False ends after the first turn. */
  readonly waitForBackground?: boolean;
  /** Called with each follow-up message before it is added. */
  readonly onFollowUp?: (message: ModelMessage) => void;
}

/**
 * Runs agent turns until no background work is pending: after a turn, waits for the next
 * follow-up, adds every queued one to the conversation as a message, and runs another turn, so the
 * model sees each background result and the run does not end while work is pending (unless
 * `waitForBackground` is false). Returns the last turn's result.
 */
export async function runWithBackgroundWork<Result extends TurnResult, Deps>(
  options: RunWithBackgroundWorkOptions<Result, Deps>,
): Promise<Result> {
  const { ctx, background, messages, generate } = options;
  for (;;) {
    const result = await generate(messages);
    messages.push(...result.response.messages);
    if (options.waitForBackground === false) return result;
    if (ctx.followUps.size === 0 && background.pending(ctx).length === 0) return result;
    const arrived = ctx.followUps.size > 0 ? [] : [await ctx.followUps.next(ctx.signal)];
    for (const message of [...arrived, ...ctx.followUps.take()].map(toMessage)) {
      options.onFollowUp?.(message);
      messages.push(message);
    }
  }
}
