import type { BackgroundTools } from '@toolwright/capabilities';
import type { JsonObject, RunContext, Toolset } from '@toolwright/core';

/** The text the scripted model answers with on every step after its tool call. */
export const FINAL_TEXT = 'All done.';

/** The tool call the scripted model makes on its first step. */
export interface ScriptedCall {
  readonly toolName: string;
  readonly args: Readonly<Record<string, unknown>>;
}

/** What the contract hands the harness for one agent turn. */
export interface TurnOptions {
  /** An opened Toolwright toolset (the contract opens and closes it): give its tools to the agent. */
  readonly toolset: Toolset<undefined>;
  /** The run context to build the tools with: its events carry status and progress, its queue background results. */
  readonly ctx: RunContext<undefined>;
  /**
   * The model's script: on its first step it calls `call`, on every later step it answers with
   * {@link FINAL_TEXT}. The model must be the framework's own fake or mock model.
   */
  readonly call: ScriptedCall;
  /** Pass it to the framework as the run's abort signal (its own option, not the run context's). */
  readonly signal: AbortSignal;
  /**
   * Set when the toolset runs tools in the background: wire follow-ups through the framework's own
   * hook (when {@link AdapterHarness.followUps} is `'hook'`) so they reach a later step of this run,
   * or through the adapter's loop of runs (when it is a {@link Loop}).
   */
  readonly background?: BackgroundTools;
}

/**
 * One item the framework's streaming surface showed for the tool call, in order.
 *
 * - `status`: a task status change or progress update (fields absent until known; `message` is
 *   the status message or the progress message).
 * - `result`: the tool's final outcome as the stream showed it: once, after every status.
 *   Anything the stream showed that carries the tool's result (also an echo of it among the
 *   preliminary outputs) is a `result` item.
 */
export type StreamedItem =
  | {
      readonly kind: 'status';
      readonly taskId?: string;
      readonly status?: string;
      readonly message?: string;
      readonly progress?: number;
      readonly total?: number;
    }
  | { readonly kind: 'result'; readonly isError: boolean };

/** What the model received as the tool's outcome on its next step, in the form the framework gives it. */
export type ToolOutcome =
  | { readonly kind: 'success'; readonly text: string }
  | { readonly kind: 'failure'; readonly text: string };

/** A media part the model received in the tool's outcome. */
export interface MediaPart {
  readonly mediaType: string;
  /** The data, base64. */
  readonly base64: string;
}

/** A tool as the framework handed it to the model (name, description, JSON Schema) and the fields it keeps beside. */
export interface ToolView {
  readonly name: string;
  readonly description: string | undefined;
  /** The input schema as JSON Schema, as the framework sent it to the model. */
  readonly inputSchema: JsonObject;
  /** The tool's display title, where the framework has a field for it. */
  readonly title?: string | undefined;
  /** The tool's metadata, where the framework has a field for it. */
  readonly metadata?: JsonObject | undefined;
}

/** The normalised record of one agent turn. */
export interface TurnRecord {
  /** What the framework's streaming surface showed for the tool call, in order. */
  readonly items: readonly StreamedItem[];
  /** What the model received as the tool's outcome on the step after the call (undefined: it never got one). */
  readonly outcome: ToolOutcome | undefined;
  /** Media parts in that outcome. */
  readonly media: readonly MediaPart[];
  /** The tools as the model was offered them on its first step. */
  readonly tools: readonly ToolView[];
  /** Everything the model was shown, one string per model call, in order (to find follow-ups). */
  readonly modelInputs: readonly string[];
  /** The run's final text, when it finished. */
  readonly text: string | undefined;
}

/** What a framework has no place for, and why: the contract checks the documented fallback instead. */
export interface Gap {
  readonly none: string;
}

/**
 * A framework that ends a run at the model's final answer and has no hook to go on from there:
 * the adapter's own loop starts the framework's next run with the background result (through the
 * framework's hook for the model's input, where it has one). `loop` says why there is no hook; the
 * contract checks what it checks of a hook, over the runs of the turn.
 */
export interface Loop {
  readonly loop: string;
}

/**
 * What an adapter supplies to run the contract: one agent turn inside its framework's real
 * runtime, with that framework's own fake or mock model, normalised to a {@link TurnRecord}.
 */
export interface AdapterHarness {
  /** The adapter's name, for the tests' titles. */
  readonly name: string;
  /** Runs one agent turn; may reject when the run was aborted. */
  runTurn(options: TurnOptions): Promise<TurnRecord>;
  /** `true` when images reach the model as media parts; a {@link Gap} when the framework has none. */
  readonly media: true | Gap;
  /**
   * `'hook'` when follow-ups reach a later step of the same run through the framework's hook; a
   * {@link Loop} when the adapter's loop hands them to the framework's next run; a {@link Gap}
   * when neither exists.
   */
  readonly followUps: 'hook' | Loop | Gap;
  /** Which definition fields the framework keeps beside name, description and schema. */
  readonly fields: { readonly title: boolean; readonly metadata: boolean };
}
