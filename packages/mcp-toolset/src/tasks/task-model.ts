import type { MCPCallToolResult } from '../wire.ts';

/** The statuses of a task, the same in both generations of MCP tasks. */
export const TASK_STATUSES = ['working', 'input_required', 'completed', 'failed', 'cancelled'] as const;

/** A task's status. */
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** The statuses after which a task never changes. */
export function isTerminalStatus(status: TaskStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'cancelled';
}

/**
 * How a task ended, when the server said it: the tool's result, or the JSON-RPC error the call
 * itself would have answered.
 */
export type TaskOutcome =
  | { readonly kind: 'result'; readonly result: MCPCallToolResult }
  | { readonly kind: 'error'; readonly code: number; readonly message: string; readonly cause: unknown };

/** One request a task waits on (an elicitation, a sampling request, …), with the key its answer goes back under. */
export interface TaskInputRequest {
  readonly key: string;
  readonly method: string;
  readonly params: Readonly<Record<string, unknown>>;
}

/**
 * A task's state as the server last reported it, in the neutral model both generations map to.
 * `outcome` and `inputRequests` appear only where the generation carries them inline.
 */
export interface TaskSnapshot {
  /** The server's id of the task. */
  readonly taskId: string;
  /** The task's status; `completed`, `failed` and `cancelled` are final. */
  readonly status: TaskStatus;
  /** The server's message for the status; undefined when it gave none. */
  readonly statusMessage: string | undefined;
  /** When the server created the task (ISO 8601, the server's clock). */
  readonly createdAt: string;
  /** When the server last changed the task (ISO 8601, the server's clock). */
  readonly lastUpdatedAt: string;
  /** Milliseconds from creation the server keeps the task; `null` for unlimited. */
  readonly ttl: number | null;
  /** The server's suggested polling interval in milliseconds, when it gave one. */
  readonly pollInterval: number | undefined;
  /** How the task ended, when the report carried it inline (2026-07-28); absent otherwise. */
  readonly outcome?: TaskOutcome;
  /** The requests the task waits on, when the report carried them inline (2026-07-28, `input_required`); absent otherwise. */
  readonly inputRequests?: readonly TaskInputRequest[];
}

/** What applying a snapshot to the current one did; see {@link reduceSnapshot}. */
export interface SnapshotChange {
  readonly snapshot: TaskSnapshot;
  /** The status or its message changed: listeners hear of it. */
  readonly changed: boolean;
  readonly terminal: boolean;
}

/**
 * The task handle's reducer: a terminal snapshot never changes (late or stale reports are
 * ignored); any other report replaces the current one.
 */
export function reduceSnapshot(current: TaskSnapshot, next: TaskSnapshot): SnapshotChange {
  if (isTerminalStatus(current.status)) return { snapshot: current, changed: false, terminal: true };
  const changed = next.status !== current.status || next.statusMessage !== current.statusMessage;
  return { snapshot: next, changed, terminal: isTerminalStatus(next.status) };
}
