import {
  type RunContext,
  type ToolArguments,
  type ToolDefinition,
  type Toolset,
  WrapperToolset,
} from '@toolwright/core';
import { assertSameTools } from '@toolwright/core/internal';

/** One tool call as a capability sees it. */
export interface ToolCall {
  /** The tool's name, as the caller called it. */
  readonly name: string;
  /** The call's arguments; a capability may pass changed ones to `next`. */
  readonly args: ToolArguments;
  /** The definition the caller holds (after every capability's prepareTools). */
  readonly tool: ToolDefinition;
}

/** Runs the rest of the chain: the inner capabilities, then the toolset. `ctx` defaults to the caller's. */
export type NextToolCall<Deps = unknown> = (call: ToolCall, ctx?: RunContext<Deps>) => Promise<unknown>;

/**
 * A hook set that changes tools without forking toolsets. Every hook is optional:
 * - `prepareTools` changes the tool list of a run (definitions, metadata, dropping tools), never
 *   adding or renaming a tool;
 * - `wrapToolCall` runs around each call and decides whether, how and when to call `next`;
 * - `instructions` contributes text for the model.
 */
export interface Capability<Deps = unknown> {
  /** Changes the tool list of a run: definitions and metadata may change, tools may go; none is added or renamed. */
  prepareTools?(
    ctx: RunContext<Deps>,
    tools: readonly ToolDefinition[],
  ): readonly ToolDefinition[] | Promise<readonly ToolDefinition[]>;
  /** Runs around each tool call; calls `next` (or not, or later) and returns the call's result. */
  wrapToolCall?(ctx: RunContext<Deps>, call: ToolCall, next: NextToolCall<Deps>): Promise<unknown>;
  /** Text for the model about what this capability does to the tools, if any. */
  instructions?(ctx: RunContext<Deps>): string | undefined | Promise<string | undefined>;
}

/**
 * A toolset with capabilities applied. Order: the first capability is the outermost. Its
 * `wrapToolCall` runs first and sees the result last. For `prepareTools` the innermost (last)
 * capability runs first, on the toolset's own list, and the first runs last, so it sees the final
 * list. Instructions are joined first to last.
 */
export class CapableToolset<Deps = unknown> extends WrapperToolset<Deps> {
  /** The applied capabilities; the first is the outermost. */
  readonly capabilities: readonly Capability<Deps>[];

  /** Applies `capabilities` (first outermost) to `inner`; opens nothing (opening opens `inner`). */
  constructor(inner: Toolset<Deps>, capabilities: readonly Capability<Deps>[]) {
    super(inner);
    this.capabilities = [...capabilities];
  }

  /** The inner toolset's tools, passed through each capability's `prepareTools`, innermost first. */
  override async getTools(ctx: RunContext<Deps>): Promise<readonly ToolDefinition[]> {
    let tools = await this.inner.getTools(ctx);
    for (let index = this.capabilities.length - 1; index >= 0; index--) {
      const prepare = this.capabilities[index]?.prepareTools;
      if (!prepare) continue;
      const prepared = await prepare.call(this.capabilities[index], ctx, tools);
      assertSameTools(tools, prepared, `${this.label} (capability ${index + 1})`);
      tools = prepared;
    }
    return tools;
  }

  /** Calls the tool through each capability's `wrapToolCall`, outermost first, then the inner toolset. */
  override callTool(name: string, args: ToolArguments, ctx: RunContext<Deps>, tool: ToolDefinition): Promise<unknown> {
    const dispatch = (index: number, call: ToolCall, callCtx: RunContext<Deps>): Promise<unknown> => {
      const capability = this.capabilities[index];
      if (!capability) return this.inner.callTool(call.name, call.args, callCtx, call.tool);
      if (!capability.wrapToolCall) return dispatch(index + 1, call, callCtx);
      return capability.wrapToolCall(callCtx, call, (next, nextCtx) => dispatch(index + 1, next, nextCtx ?? callCtx));
    };
    return dispatch(0, { name, args, tool }, ctx);
  }

  /** The capabilities' instructions for the model, first to last, or undefined when none has any. */
  async instructions(ctx: RunContext<Deps>): Promise<string | undefined> {
    const parts: string[] = [];
    for (const capability of this.capabilities) {
      const text = await capability.instructions?.(ctx);
      if (text) parts.push(text);
    }
    return parts.length > 0 ? parts.join('\n\n') : undefined;
  }
}

/** Applies capabilities to a toolset; the first capability is the outermost (see {@link CapableToolset}). */
export function applyCapabilities<Deps>(
  toolset: Toolset<Deps>,
  capabilities: readonly Capability<Deps>[],
): CapableToolset<Deps> {
  return new CapableToolset(toolset, capabilities);
}
