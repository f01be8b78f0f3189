import { isJsonObject, type JsonObject, type JsonValue, jsonEqual } from './json.ts';
import type { RunContext } from './run-context.ts';
import type { ToolDefinition } from './tool-definition.ts';

/** Decides per tool; may be async. */
export type ToolPredicate<Deps = unknown> = (ctx: RunContext<Deps>, tool: ToolDefinition) => boolean | Promise<boolean>;

/**
 * Chooses tools, the same way in every layer:
 * - `'all'`: every tool;
 * - a string: the tool of exactly that name (`'my'` does not match `'my_tool'`);
 * - an array of strings: the tools of those names;
 * - a metadata pattern (a plain object): tools whose metadata includes the pattern deeply: every
 *   key of the pattern must equal the tool's, nested objects recursively; extra keys on the tool
 *   are fine; a missing key fails;
 * - a predicate `(ctx, tool) => boolean | Promise<boolean>`.
 */
export type ToolSelector<Deps = unknown> = 'all' | string | readonly string[] | JsonObject | ToolPredicate<Deps>;

/** True when `value` includes `pattern` deeply (see {@link ToolSelector}). Arrays and scalars must be equal. */
export function includesPattern(value: JsonValue | undefined, pattern: JsonValue): boolean {
  if (!isJsonObject(pattern)) return value !== undefined && jsonEqual(value, pattern);
  if (!isJsonObject(value)) return false;
  for (const key of Object.keys(pattern)) {
    if (!Object.hasOwn(value, key)) return false;
    if (!includesPattern(value[key], pattern[key] as JsonValue)) return false;
  }
  return true;
}

/**
 * Whether `tool` matches `selector`. Synchronous for every selector but an async predicate, so
 * matching thousands of tools costs no promise per tool.
 */
export function matchesToolSelector<Deps>(
  selector: ToolSelector<Deps>,
  ctx: RunContext<Deps>,
  tool: ToolDefinition,
): boolean | Promise<boolean> {
  if (selector === 'all') return true;
  if (typeof selector === 'string') return tool.name === selector;
  if (typeof selector === 'function') return selector(ctx, tool);
  if (Array.isArray(selector)) return selector.includes(tool.name);
  return includesPattern(tool.metadata, selector as JsonObject);
}

/** The tools that match `selector`, in their order. */
export async function selectTools<Deps>(
  selector: ToolSelector<Deps>,
  ctx: RunContext<Deps>,
  tools: readonly ToolDefinition[],
): Promise<ToolDefinition[]> {
  if (typeof selector !== 'function') return tools.filter((tool) => matchesToolSelector(selector, ctx, tool) === true);
  const matches = await Promise.all(tools.map((tool) => selector(ctx, tool)));
  return tools.filter((_, index) => matches[index]);
}
