/**
 * Agent middleware for `createAgent` of the `langchain` package (an optional peer dependency: only
 * this entry point needs it).
 *
 * @module
 */

import { AIMessage, HumanMessage } from '@langchain/core/messages';
import { type BackgroundWork, type FollowUp, followUpText, linkedSignal, type RunContext } from '@toolwright/core';
import { createMiddleware } from 'langchain';

/** A follow-up (the result of background work) as a user message for the model. */
export function followUpMessage(followUp: FollowUp): HumanMessage {
  return new HumanMessage(followUpText(followUp));
}

/** Options of {@link backgroundFollowUps}. */
export interface BackgroundFollowUpsOptions<Deps> {
  /** The run; its follow-up queue receives the background results. */
  readonly ctx: RunContext<Deps>;
  /** Where pending work is known: a `BackgroundTools` capability. */
  readonly background: BackgroundWork<Deps>;
  /** Wait for pending work when the model gives its final answer (default true). False delivers only what has arrived. */
  readonly waitForBackground?: boolean;
  /** Called with each follow-up message as it is added to the conversation. */
  readonly onFollowUp?: (message: HumanMessage) => void;
}

/**
 * Background results inside one `createAgent` run, through its own hooks: add the result to the
 * agent's `middleware`. Before each model call (`beforeModel`), the follow-ups that arrived become
 * user messages in the agent's state (so they stay in the conversation and its checkpoints).
 * When the model gives its final answer while background work is pending (`afterModel`), the
 * hook waits for the next result and sends the agent back to the model with it, instead of
 * ending. The wait ends when a result arrives (background work always delivers one) or when the
 * run's signal (`ctx.signal`) or the agent's (`signal` of `invoke`/`stream`) aborts. Mind the
 * agent's recursion limit: each follow-up takes a model step.
 */
export function backgroundFollowUps<Deps>(options: BackgroundFollowUpsOptions<Deps>) {
  const { ctx, background } = options;
  const take = (arrived: readonly FollowUp[] = []) =>
    [...arrived, ...ctx.followUps.take()].map((followUp) => {
      const message = followUpMessage(followUp);
      options.onFollowUp?.(message);
      return message;
    });
  return createMiddleware({
    name: 'ToolwrightBackgroundFollowUps',
    beforeModel: () => {
      const messages = take();
      return messages.length === 0 ? undefined : { messages };
    },
    afterModel: {
      canJumpTo: ['model'],
      hook: async (state, runtime) => {
        const last = state.messages.at(-1);
        const finalAnswer = AIMessage.isInstance(last) && (last.tool_calls?.length ?? 0) === 0;
        if (!finalAnswer || options.waitForBackground === false) return undefined;
        if (ctx.followUps.size === 0 && background.pending(ctx).length === 0) return undefined;
        const { signal, dispose } = linkedSignal(ctx.signal, runtime.signal);
        try {
          const arrived = ctx.followUps.size > 0 ? [] : [await ctx.followUps.next(signal)];
          return { messages: take(arrived), jumpTo: 'model' as const };
        } finally {
          dispose();
        }
      },
    },
  });
}
