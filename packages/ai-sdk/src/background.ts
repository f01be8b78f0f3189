import { type BackgroundWork, type FollowUp, followUpText, linkedSignal, type RunContext } from '@toolwright/core';
import type { Experimental_Steering, ModelMessage, UserModelMessage } from 'ai';
import { experimental_createSteering } from './ai-sdk-runtime.ts';

/** A follow-up (the result of background work) as a user message for the model. */
function toMessage(followUp: FollowUp): UserModelMessage {
  return { role: 'user', content: followUpText(followUp) };
}

/** Takes the run's queued follow-ups as user messages for the model. */
export function followUpMessages(ctx: RunContext<unknown>): ModelMessage[] {
  return ctx.followUps.take().map(toMessage);
}

/** The part of an agent turn's result that {@link runWithBackgroundWork} reads: the messages to add. */
export interface TurnResult {
  /** The turn's response. */
  readonly response: {
    /** The messages the turn produced (the model's answers and tool results), to add to the conversation. */
    readonly messages: readonly ModelMessage[];
  };
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

/** Options of {@link backgroundFollowUps}. */
export interface BackgroundFollowUpsOptions<Deps> {
  /** The run; its follow-up queue receives the background results. */
  readonly ctx: RunContext<Deps>;
  /** Where pending work is known: a `BackgroundTools` capability. */
  readonly background: BackgroundWork<Deps>;
  /** Wait for pending work when the model gives its final answer (default true). False delivers only what has arrived. */
  readonly waitForBackground?: boolean;
  /** The call's abort signal, when it has one: it ends a wait for background work too. */
  readonly abortSignal?: AbortSignal;
  /** Called with each follow-up message as it is handed to the run. */
  readonly onFollowUp?: (message: UserModelMessage) => void;
}

/** The part of a step that {@link backgroundFollowUps} reads. */
export interface StepEnd {
  /** The step's tool calls; none means the model answered. */
  readonly toolCalls: readonly unknown[];
  /** Why the step ended (`stop`, `tool-calls`, `length`, …); after `length`, `content-filter` or `error` the run ends anyway. */
  readonly finishReason: string;
}

/** Finish reasons after which the AI SDK ends a run even with a message waiting. */
const UNFINISHED = ['length', 'content-filter', 'error'];

/** Options to spread into one `generateText` or `streamText` call (or an agent's `generate`/`stream`). */
export interface BackgroundFollowUps {
  /** The AI SDK's steering object: adds each follow-up as a user message at the next step boundary. */
  readonly experimental_steering: Experimental_Steering;
  /** Hands arrived follow-ups to the run; at a final answer with work pending, waits for the next one first. */
  readonly onStepEnd: (step: StepEnd) => Promise<void>;
}

/**
 * Background results inside one AI SDK run, with no loop around it: spread the result into
 * `generateText` or `streamText`. After each step, follow-ups that arrived become user messages
 * of the next step (through the AI SDK's steering). When the model gives its final answer while
 * background work is pending, the step's end waits for the next result, and the run continues
 * with it instead of ending (the AI SDK continues a run that has a message waiting). Stop
 * conditions still apply: leave steps for the follow-ups. The wait ends when a result arrives or
 * when `ctx.signal` or `abortSignal` aborts (a run deadline bounds it). A follow-up the run could not deliver
 * (it ended first) goes back to `ctx.followUps`. Use a new one for each call.
 */
export function backgroundFollowUps<Deps>(options: BackgroundFollowUpsOptions<Deps>): BackgroundFollowUps {
  const { ctx, background } = options;
  const steering = experimental_createSteering();
  const deliver = (followUps: readonly FollowUp[]) => {
    for (const followUp of followUps) {
      const message = toMessage(followUp);
      options.onFollowUp?.(message);
      void steering.steer(message).then((outcome) => {
        if (outcome.type === 'not-delivered') ctx.followUps.push(followUp);
      });
    }
    return followUps.length;
  };
  return {
    experimental_steering: steering,
    onStepEnd: async (step) => {
      if (deliver(ctx.followUps.take()) > 0) return;
      // A cut-off or failed answer ends the run whatever waits, so only a final answer waits.
      const finalAnswer = step.toolCalls.length === 0 && !UNFINISHED.includes(step.finishReason);
      if (!finalAnswer || options.waitForBackground === false || background.pending(ctx).length === 0) return;
      const { signal, dispose } = linkedSignal(ctx.signal, options.abortSignal);
      try {
        const next = await ctx.followUps.next(signal);
        deliver([next, ...ctx.followUps.take()]);
      } finally {
        dispose();
      }
    },
  };
}
