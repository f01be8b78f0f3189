import { UserError } from './errors.ts';
import type { RunContext } from './run-context.ts';
import { type ToolDefinition, type ToolDefinitionInput, toolDefinition } from './tool-definition.ts';
import { BaseToolset, type ToolArguments } from './toolset.ts';

/** A tool implemented by a local function. */
export interface FunctionTool<Deps = unknown> {
  /** What the model sees of the tool. */
  readonly definition: ToolDefinition;
  /** Runs the tool; what it returns (or a promise of it) is the tool's result. */
  execute(args: ToolArguments, ctx: RunContext<Deps>, tool: ToolDefinition): unknown;
}

/** Defines a {@link FunctionTool}: the definition's fields plus `execute`. */
export function functionTool<Deps = unknown>(
  input: ToolDefinitionInput & { execute(args: ToolArguments, ctx: RunContext<Deps>, tool: ToolDefinition): unknown },
): FunctionTool<Deps> {
  return { definition: toolDefinition(input), execute: input.execute };
}

/** A toolset of local functions: handy for app tools, tests and examples. */
export class FunctionToolset<Deps = unknown> extends BaseToolset<Deps> {
  readonly #tools: ReadonlyMap<string, FunctionTool<Deps>>;

  /** Takes the tools and an optional id (for messages and `label`); opens nothing. */
  constructor(tools: readonly FunctionTool<Deps>[], options: { readonly id?: string } = {}) {
    super(options);
    const byName = new Map<string, FunctionTool<Deps>>();
    for (const tool of tools) {
      if (byName.has(tool.definition.name)) {
        throw new UserError(
          `Toolset '${this.label}' defines tool '${tool.definition.name}' twice; give each tool its own name.`,
        );
      }
      byName.set(tool.definition.name, tool);
    }
    this.#tools = byName;
  }

  async getTools(): Promise<readonly ToolDefinition[]> {
    return [...this.#tools.values()].map((tool) => tool.definition);
  }

  async callTool(name: string, args: ToolArguments, ctx: RunContext<Deps>, tool: ToolDefinition): Promise<unknown> {
    const entry = this.#tools.get(name);
    if (!entry) {
      throw new UserError(
        `Toolset '${this.label}' has no tool '${name}'. Its tools: ${[...this.#tools.keys()].join(', ')}.`,
      );
    }
    return entry.execute(args, ctx, tool);
  }
}
