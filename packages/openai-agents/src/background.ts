import type { AgentInputItem, CallModelInputFilter, UserMessageItem } from '@openai/agents';
import { type BackgroundWork, type FollowUp, followUpText, type RunContext } from '@toolwright/core';

/** A follow-up (the result of background work) as a user message for the model. */
export function followUpMessage(followUp: FollowUp): UserMessageItem {
  return { type: 'message', role: 'user', content: followUpText(followUp) };
}

/** A follow-up handed to the model, and where: after the first `at` items of the run's input. */
interface Delivered {
  readonly at: number;
  readonly item: UserMessageItem;
}

/**
 * Background results inside one run of the OpenAI Agents SDK, through its own hook for the
 * model's input: pass `callModelInputFilter` to `run()` (or the `Runner`). Before each model call,
 * the follow-ups that arrived become user messages after everything the model has seen so far,
 * and stay in their place for the rest of the run. The SDK keeps what the filter adds out of the
 * run's history, so `history(result)` puts them back where the model saw them: use it as the
 * next run's input. (For runs whose history the SDK keeps itself: not with `previousResponseId`
 * or `conversationId`.) Use a new one for each run.
 */
export class BackgroundFollowUps<Deps> {
  readonly #ctx: RunContext<Deps>;
  readonly #onFollowUp: ((message: UserMessageItem) => void) | undefined;
  readonly #delivered: Delivered[] = [];

  /** Takes the run's context, whose follow-ups it delivers, and optionally a callback for each follow-up message as it is added. */
  constructor(ctx: RunContext<Deps>, onFollowUp?: (message: UserMessageItem) => void) {
    this.#ctx = ctx;
    this.#onFollowUp = onFollowUp;
  }

  /** The filter for `run()`: adds the follow-ups that arrived, and keeps those added before. */
  readonly callModelInputFilter: CallModelInputFilter = ({ modelData }) => {
    for (const followUp of this.#ctx.followUps.take()) {
      const item = followUpMessage(followUp);
      this.#onFollowUp?.(item);
      this.#delivered.push({ at: modelData.input.length, item });
    }
    return { ...modelData, input: this.#withDelivered(modelData.input) };
  };

  /** How many follow-ups this run handed to the model. */
  get deliveredCount(): number {
    return this.#delivered.length;
  }

  /** The run's history with the follow-ups the model saw in their places: the next run's input. */
  history(result: { readonly history: AgentInputItem[] }): AgentInputItem[] {
    return this.#withDelivered(result.history);
  }

  #withDelivered(items: readonly AgentInputItem[]): AgentInputItem[] {
    const merged: AgentInputItem[] = [];
    let next = 0;
    for (const [index, item] of items.entries()) {
      for (; next < this.#delivered.length && (this.#delivered[next] as Delivered).at <= index; next++)
        merged.push((this.#delivered[next] as Delivered).item);
      merged.push(item);
    }
    for (const { item } of this.#delivered.slice(next)) merged.push(item);
    return merged;
  }
}

/** The part of a run's result that {@link runWithBackgroundWork} reads. */
export interface RunOutcome {
  /** The run's history (its input and every item it added), which becomes the next run's input. */
  readonly history: AgentInputItem[];
}

/** Options of {@link runWithBackgroundWork}. */
export interface RunWithBackgroundWorkOptions<Result extends RunOutcome, Deps> {
  /** The run's context; its follow-up queue receives the background results. */
  readonly ctx: RunContext<Deps>;
  /** Where pending work is known: a `BackgroundTools` capability. */
  readonly background: BackgroundWork<Deps>;
  /** The conversation so far. */
  readonly input: string | AgentInputItem[];
  /**
   * One run of the agent, given its input and the options to pass to `run()`, for example
   * `(input, options) => run(agent, input, options)`. A streamed run returns its result once
   * `completed` has resolved.
   */
  readonly run: (
    input: AgentInputItem[],
    options: { readonly callModelInputFilter: CallModelInputFilter },
  ) => Promise<Result>;
  /** Wait for background work before ending (default true). False ends after the first run. */
  readonly waitForBackground?: boolean;
  /** Called with each follow-up message as it is handed to the model. */
  readonly onFollowUp?: (message: UserMessageItem) => void;
}

/** What {@link runWithBackgroundWork} returns: the last run's result and the whole conversation. */
export interface BackgroundRunResult<Result> {
  /** The last run's result. */
  readonly result: Result;
  /** The conversation with every run's items and every follow-up the model saw, in order. */
  readonly history: AgentInputItem[];
}

/**
 * Runs the agent until no background work is pending. Follow-ups that arrive while a run goes on
 * reach the model at its next model call ({@link BackgroundFollowUps}). A run ends when the model
 * gives its final answer, and the SDK has no hook to go on from there, so when work is still
 * pending the next follow-up starts another run, with the whole conversation as its input. The
 * wait ends when a result arrives (background work always delivers one) or when `ctx.signal`
 * aborts.
 */
export async function runWithBackgroundWork<Result extends RunOutcome, Deps>(
  options: RunWithBackgroundWorkOptions<Result, Deps>,
): Promise<BackgroundRunResult<Result>> {
  const { ctx, background } = options;
  let input: AgentInputItem[] =
    typeof options.input === 'string'
      ? [{ type: 'message', role: 'user', content: options.input }]
      : [...options.input];
  for (;;) {
    const followUps = new BackgroundFollowUps(ctx, options.onFollowUp);
    const result = await options.run(input, { callModelInputFilter: followUps.callModelInputFilter });
    const history = followUps.history(result);
    if (options.waitForBackground === false) return { result, history };
    if (ctx.followUps.size === 0 && background.pending(ctx).length === 0) return { result, history };
    const arrived = ctx.followUps.size > 0 ? [] : [await ctx.followUps.next(ctx.signal)];
    const messages = [...arrived, ...ctx.followUps.take()].map(followUpMessage);
    for (const message of messages) options.onFollowUp?.(message);
    input = [...history, ...messages];
  }
}
