import { RunEvents } from './events.ts';
import { FollowUpQueue } from './follow-ups.ts';

/** What one agent run hands to its tools. */
export interface RunContext<Deps = unknown> {
  /** Identifies the run; background results are delivered to this run only. */
  readonly runId: string;
  /** The application's dependencies for this run. */
  readonly deps: Deps;
  /** Aborted when the run is cancelled; tools stop their work (and cancel server tasks). */
  readonly signal: AbortSignal;
  /** The id of the tool call being executed, when there is one. */
  readonly toolCallId: string | undefined;
  /** How many times this tool call has been retried (0 for the first attempt). */
  readonly retry: number;
  /** The run's event sink: progress, task created, task status. */
  readonly events: RunEvents;
  /** Results that arrive after their tool call returned (background tools). */
  readonly followUps: FollowUpQueue;
}

/** Options of {@link createRunContext}. */
export interface RunContextOptions<Deps> {
  /** The application's dependencies, handed to every tool; undefined when not given. */
  readonly deps?: Deps;
  /** Aborts the run; defaults to a signal that never aborts. */
  readonly signal?: AbortSignal;
  /** The run's id; a random UUID by default. */
  readonly runId?: string;
  /** The current tool call's id, when the context is made for one call. */
  readonly toolCallId?: string;
  /** How many times the current tool call was retried; 0 by default. */
  readonly retry?: number;
}

/** Creates the context of a new run, with its own event sink and follow-up queue. */
export function createRunContext(): RunContext<undefined>;
export function createRunContext<Deps>(options: RunContextOptions<Deps> & { readonly deps: Deps }): RunContext<Deps>;
export function createRunContext(options?: RunContextOptions<undefined>): RunContext<undefined>;
export function createRunContext<Deps>(options: RunContextOptions<Deps> = {}): RunContext<Deps | undefined> {
  return {
    runId: options.runId ?? crypto.randomUUID(),
    deps: options.deps,
    signal: options.signal ?? new AbortController().signal,
    toolCallId: options.toolCallId,
    retry: options.retry ?? 0,
    events: new RunEvents(),
    followUps: new FollowUpQueue(),
  };
}

/** The same run's context for one tool call: same run, events and follow-ups; its own call id, retry and signal. */
export function forToolCall<Deps>(
  ctx: RunContext<Deps>,
  call: { readonly toolCallId: string; readonly retry?: number; readonly signal?: AbortSignal },
): RunContext<Deps> {
  return { ...ctx, toolCallId: call.toolCallId, retry: call.retry ?? 0, signal: call.signal ?? ctx.signal };
}
