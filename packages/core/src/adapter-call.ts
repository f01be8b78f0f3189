import { getEventListeners } from 'node:events';
import { callSignal } from './call-signal.ts';
import { UserError } from './errors.ts';
import { isPlainObject } from './json.ts';
import { forToolCall, type RunContext } from './run-context.ts';
import type { ToolDefinition } from './tool-definition.ts';
import type { Toolset } from './toolset.ts';

/** One tool call as a framework adapter hands it to a toolset. */
export interface AdapterCall<Deps> {
  readonly toolset: Toolset<Deps>;
  readonly ctx: RunContext<Deps>;
  readonly tool: ToolDefinition;
  /** The arguments the model gave (anything but a plain object becomes `{}`). */
  readonly input: unknown;
  /** The framework's id of this call. */
  readonly toolCallId: string;
  /** The framework's abort signal for this call, when it has one. */
  readonly signal: AbortSignal | undefined;
  /** The framework's name, for the error a call gets when the framework stops waiting for it. */
  readonly framework: string;
}

/** A started call and the function that ends its link to the run. */
export interface StartedCall {
  readonly call: Promise<unknown>;
  /**
   * Ends the call's link to the run; a call still running (its consumer left) is aborted first.
   * Work that outlives its call (a background tool's) still listens to the call's signal: then
   * the link stays, so aborting the run still reaches that work.
   */
  readonly end: () => void;
}

/**
 * Starts one call with its own context (the framework's call id) and a signal aborted by the
 * run's or the framework's: aborting either cancels the call and its MCP task. The call is linked
 * to the run's long-lived signal only while it runs (a listener per call would pile up).
 */
export function startAdapterCall<Deps>(options: AdapterCall<Deps>): StartedCall {
  const { toolset, ctx, tool, input, toolCallId, framework } = options;
  const { signal, abort, dispose } = callSignal(ctx.signal, options.signal);
  const callCtx = forToolCall(ctx, { toolCallId, signal });
  const args = (isPlainObject(input) ? input : {}) as Record<string, unknown>;
  let settled = false;
  const call = toolset.callTool(tool.name, args, callCtx, tool).finally(() => {
    settled = true;
  });
  return {
    call,
    end: () => {
      if (!settled) abort(new UserError(`${framework} stopped reading tool '${tool.name}' before it finished.`));
      if (getEventListeners(signal, 'abort').length === 0) dispose();
    },
  };
}
