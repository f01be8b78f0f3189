import type { RunContext, Toolset } from '@toolwright/core';

/** A toolset as this module reads it: what wrappers and combinations expose, and instructions. */
interface Instructed {
  readonly inner?: unknown;
  readonly toolsets?: unknown;
  readonly instructions?: unknown;
}

/**
 * The instructions for the model that a toolset carries: the server's (an MCP toolset opened with
 * `includeInstructions`), then those of capabilities applied around it, through every wrapper and
 * combined toolset, joined by blank lines. Undefined when there are none. Read after `open()`.
 */
export async function toolsetInstructions<Deps>(
  toolset: Toolset<Deps>,
  ctx: RunContext<Deps>,
): Promise<string | undefined> {
  const parts: string[] = [];
  await collect(toolset, ctx, parts, new Set());
  return parts.length > 0 ? parts.join('\n\n') : undefined;
}

/**
 * Instructions for the model: the app's own followed by the toolset's instructions
 * ({@link toolsetInstructions}). Pass the result as `instructions` to `generateText` or `streamText`.
 */
export async function withToolsetInstructions<Deps>(
  instructions: string | undefined,
  toolset: Toolset<Deps>,
  ctx: RunContext<Deps>,
): Promise<string> {
  return [instructions?.trim(), await toolsetInstructions(toolset, ctx)].filter(Boolean).join('\n\n');
}

async function collect(toolset: unknown, ctx: RunContext<unknown>, parts: string[], seen: Set<unknown>): Promise<void> {
  if (typeof toolset !== 'object' || toolset === null || seen.has(toolset)) return;
  seen.add(toolset);
  const { inner, toolsets } = toolset as Instructed;
  await collect(inner, ctx, parts, seen);
  if (Array.isArray(toolsets)) for (const child of toolsets) await collect(child, ctx, parts, seen);
  const own = (toolset as Instructed).instructions;
  const text: unknown = typeof own === 'function' ? await own.call(toolset, ctx) : own;
  if (typeof text === 'string' && text.trim() !== '' && !parts.includes(text.trim())) parts.push(text.trim());
}
