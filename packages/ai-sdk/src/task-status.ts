import { isTaskStatusOutput } from '@toolwright/core';
import type { StreamTextTransform, Tool, ToolSet } from 'ai';

/** The tools {@link aiSdkTools} made that stream task status: their preliminary outputs are theirs to filter. */
const statusTools = new WeakSet<object>();

/** Marks a tool whose preliminary outputs are task status (and, last, the AI SDK's copy of its result). */
export function markStatusTool<T extends Tool>(tool: T): T {
  statusTools.add(tool);
  return tool;
}

/**
 * A `streamText` transform (`experimental_transform`) that keeps the preliminary outputs of
 * Toolwright tools to task status alone. The AI SDK streams a tool's last value once more as a
 * preliminary output before the final one, so without it the result also shows as a preliminary
 * output, one a UI drawing preliminaries as status would draw as a status. Other tools' parts
 * pass as they are.
 */
export function statusOnlyPreliminaries<TOOLS extends ToolSet>(): StreamTextTransform<TOOLS> {
  return ({ tools }) =>
    new TransformStream({
      transform(part, controller) {
        const echo =
          part.type === 'tool-result' &&
          part.preliminary === true &&
          !isTaskStatusOutput(part.output) &&
          isStatusTool(tools[part.toolName]);
        if (!echo) controller.enqueue(part);
      },
    });
}

function isStatusTool(tool: object | undefined): boolean {
  return tool !== undefined && statusTools.has(tool);
}
