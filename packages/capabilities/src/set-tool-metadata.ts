import {
  type JsonObject,
  type RunContext,
  selectTools,
  type ToolDefinition,
  type ToolSelector,
} from '@toolwright/core';
import { mergeJsonObjects } from '@toolwright/core/internal';
import type { Capability } from './capability.ts';

/** Options of {@link SetToolMetadata}. */
export interface SetToolMetadataOptions<Deps> {
  /** Which tools to change (every selector kind of core). */
  readonly tools: ToolSelector<Deps>;
  /** Merged deeply into each matching tool's metadata; keys not named here are kept. */
  readonly metadata: JsonObject;
}

/**
 * Merges metadata onto the matching tools. On an MCP toolset, setting `task` switches the routing
 * of an `optional` task tool; on a `required` or `forbidden` tool it changes nothing on the wire,
 * because the toolset never breaks the MCP spec.
 */
export class SetToolMetadata<Deps = unknown> implements Capability<Deps> {
  readonly #options: SetToolMetadataOptions<Deps>;

  /** Takes the tools to change and the metadata to merge onto them. */
  constructor(options: SetToolMetadataOptions<Deps>) {
    this.#options = options;
  }

  async prepareTools(ctx: RunContext<Deps>, tools: readonly ToolDefinition[]): Promise<readonly ToolDefinition[]> {
    const chosen = new Set(await selectTools(this.#options.tools, ctx, tools));
    return tools.map((tool) =>
      chosen.has(tool) ? { ...tool, metadata: mergeJsonObjects(tool.metadata, this.#options.metadata) } : tool,
    );
  }
}
