/** A tool's `execution.taskSupport` as the server declared it; `null` when absent. */
export type TaskSupport = 'required' | 'optional' | 'forbidden' | null;

/** Reads `execution.taskSupport` from a tools/list entry; unknown values count as absent (no task). */
export function readTaskSupport(execution: unknown): TaskSupport {
  const value =
    typeof execution === 'object' && execution !== null
      ? (execution as { taskSupport?: unknown }).taskSupport
      : undefined;
  return value === 'required' || value === 'optional' || value === 'forbidden' ? value : null;
}

/**
 * Whether a call runs as a task: the caller's wish where the spec leaves a choice, and the spec
 * where it does not ("Tool-Level Negotiation", MCP 2025-11-25). Without the server's
 * `tasks.requests.tools.call` capability, never; a `required` tool, always; `optional`, as wished;
 * `forbidden` or absent, never.
 */
export function useTaskFor(wish: boolean, taskSupport: TaskSupport, serverSupportsToolTasks: boolean): boolean {
  if (!serverSupportsToolTasks) return false;
  if (taskSupport === 'required') return true;
  if (taskSupport === 'optional') return wish;
  return false;
}
