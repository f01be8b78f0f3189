import type { AgentExecutionOptions, OnIterationCompleteHandler } from '@mastra/core/agent';
import { type BackgroundWork, followUpText, linkedSignal, type RunContext } from '@toolwright/core';

/** Options of {@link backgroundFollowUps}. */
export interface BackgroundFollowUpsOptions<Deps> {
  /** The run; its follow-up queue receives the background results. */
  readonly ctx: RunContext<Deps>;
  /** Where pending work is known: a `BackgroundTools` capability. */
  readonly background: BackgroundWork<Deps>;
  /** Wait for pending work when the model gives its final answer (default true). False delivers only what has arrived. */
  readonly waitForBackground?: boolean;
  /** The run's abort signal, when it has one: it ends a wait for background work too. */
  readonly abortSignal?: AbortSignal;
  /** Called with each follow-up's text as it is added to the conversation. */
  readonly onFollowUp?: (text: string) => void;
}

/** Options to spread into one `agent.stream` or `agent.generate` call. */
export interface BackgroundFollowUps {
  /** Adds the follow-ups that arrived as user messages before each step. */
  readonly prepareStep: NonNullable<AgentExecutionOptions['prepareStep']>;
  /** At a final answer with follow-ups waiting (or, unless told not to, work pending) keeps the run going. */
  readonly onIterationComplete: OnIterationCompleteHandler;
}

/** Finish reasons after which the answer was cut off or failed: no follow-up waits on those. */
const UNFINISHED = ['length', 'content-filter', 'error', 'tripwire'];

/**
 * Background results inside one Mastra agent run, through Mastra's own hooks: spread the result
 * into `agent.stream` or `agent.generate`. Before each step (`prepareStep`) the follow-ups that
 * arrived become user messages (`[background result] …`). When the model gives its final answer
 * while follow-ups wait, or work is pending (then the hook waits for the next result),
 * `onIterationComplete` keeps the run going, within `maxSteps`. The wait ends when a result
 * arrives or when `ctx.signal` or `abortSignal` aborts (a run deadline bounds it). A follow-up
 * stays in `ctx.followUps` until a step takes it, so one the run could not deliver is still there
 * when it ends. Use a new one for each call; if you have a `prepareStep` or `onIterationComplete`
 * of your own, call these from it.
 */
export function backgroundFollowUps<Deps>(options: BackgroundFollowUpsOptions<Deps>): BackgroundFollowUps {
  const { ctx, background } = options;
  return {
    prepareStep: ({ messageList }) => {
      for (const followUp of ctx.followUps.take()) {
        const text = followUpText(followUp);
        options.onFollowUp?.(text);
        messageList.add({ role: 'user', content: text }, 'input');
      }
    },
    onIterationComplete: async (iteration) => {
      const finalAnswer =
        iteration.isFinal && iteration.toolCalls.length === 0 && !UNFINISHED.includes(iteration.finishReason);
      // Mastra continues a run past its final answer only within maxSteps.
      const room = iteration.maxIterations === undefined || iteration.iteration < iteration.maxIterations;
      if (!finalAnswer || !room) return undefined;
      if (ctx.followUps.size > 0) return { continue: true };
      if (options.waitForBackground === false || background.pending(ctx).length === 0) return undefined;
      const { signal, dispose } = linkedSignal(ctx.signal, options.abortSignal);
      try {
        const next = await ctx.followUps.next(signal);
        // Back in the queue in order, for the next step's prepareStep to take.
        const later = ctx.followUps.take();
        for (const followUp of [next, ...later]) ctx.followUps.push(followUp);
      } catch {
        return undefined; // aborted: the run ends
      } finally {
        dispose();
      }
      return { continue: true };
    },
  };
}
