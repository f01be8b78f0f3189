import { CLIENT_CAPABILITIES_META_KEY, ProtocolError } from '@modelcontextprotocol/server';

/** The extension identifier of SEP-2663. */
export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';

/** JSON-RPC code for a request that lacks a client capability the server needs (SEP-2575). */
export const MISSING_REQUIRED_CLIENT_CAPABILITY = -32021;

/** JSON-RPC codes the fixture answers with. */
export const INVALID_PARAMS = -32602;
export const METHOD_NOT_FOUND = -32601;
export const INTERNAL_ERROR = -32603;

/** What a request declared in its per-request `_meta` envelope, as the fixture reads it. */
export function declaredCapabilities(envelope: unknown): Record<string, unknown> | undefined {
  if (typeof envelope !== 'object' || envelope === null) return undefined;
  const capabilities = (envelope as Record<string, unknown>)[CLIENT_CAPABILITIES_META_KEY];
  return typeof capabilities === 'object' && capabilities !== null
    ? (capabilities as Record<string, unknown>)
    : undefined;
}

/** Whether declared capabilities include the tasks extension (the only opt-in the spec knows). */
export function declaresTasksExtension(capabilities: Record<string, unknown> | undefined): boolean {
  const extensions = capabilities?.extensions;
  return typeof extensions === 'object' && extensions !== null && TASKS_EXTENSION in extensions;
}

/** The -32021 error the spec prescribes, naming the extension in `requiredCapabilities`. */
export function missingTasksExtension(what: string): ProtocolError {
  return new ProtocolError(
    MISSING_REQUIRED_CLIENT_CAPABILITY,
    `Missing required client capability: ${what} needs the ${TASKS_EXTENSION} extension declared in the request's _meta`,
    { requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } } },
  );
}

/** A task status of SEP-2663. */
export type TaskStatus = 'working' | 'input_required' | 'completed' | 'failed' | 'cancelled';

/** Whether a status is terminal. */
export function isTerminal(status: TaskStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'cancelled';
}

/** One server-to-client request carried in `inputRequests` (elicitation or sampling). */
export interface InputRequest {
  readonly method: string;
  readonly params?: Record<string, unknown>;
}

/** A JSON-RPC error as a failed task inlines it. */
export interface TaskError {
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

/** The task fields common to CreateTaskResult, tasks/get and notifications/tasks. */
export interface TaskFields {
  taskId: string;
  status: TaskStatus;
  statusMessage?: string;
  createdAt: string;
  lastUpdatedAt: string;
  ttlMs: number | null;
  pollIntervalMs?: number;
}

/** A task with its status-specific payload inlined (DetailedTask). */
export interface DetailedTask extends TaskFields {
  result?: Record<string, unknown>;
  error?: TaskError;
  inputRequests?: Record<string, InputRequest>;
}
