import { unknownTaskErrorFor } from '../options.ts';
import { wallClockMs } from '../wall-clock.ts';
import type { ResolvedTasksExtensionFixtureOptions } from './options.ts';
import type { TasksExtensionState } from './state.ts';
import type { TaskStore } from './task-store.ts';
import { INTERNAL_ERROR, INVALID_PARAMS } from './wire.ts';

/** What the fixture does with one incoming request in the SDK's place (the faults its options ask for). */
export type WireFault =
  | { readonly kind: 'drop' }
  | { readonly kind: 'answer'; readonly message: Record<string, unknown> }
  | { readonly kind: 'http-error' };

/** The tasks/* requests that name a task the server may not hold. */
const TASK_METHODS = new Set(['tasks/get', 'tasks/update', 'tasks/cancel']);

/** The HTML an HTTP 500 of `httpErrorMethods` carries, as a proxy or a crashed framework would send it. */
export const HTTP_ERROR_PAGE =
  '<!DOCTYPE html><html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1><p>The server encountered an internal error.</p></body></html>';

/**
 * Records each incoming message (before any fault) and decides what the fixture does with it instead of
 * the SDK, by the options: nothing (undefined), drop it, answer it, or (over HTTP) fail the HTTP request.
 */
export function wireFaults(
  options: ResolvedTasksExtensionFixtureOptions,
  store: TaskStore,
  state: TasksExtensionState,
): (message: unknown, over: 'http' | 'stdio') => WireFault | undefined {
  return (message, over) => {
    if (typeof message !== 'object' || message === null) return undefined;
    const { id, method, params } = message as { id?: unknown; method?: unknown; params?: { taskId?: unknown } };
    if (typeof method !== 'string') return undefined;
    const taskId = typeof params?.taskId === 'string' ? params.taskId : undefined;
    const isRequest = typeof id === 'string' || typeof id === 'number';
    state.recordReceived({
      method,
      ...(isRequest ? { id: id as string | number } : {}),
      ...(taskId === undefined ? {} : { taskId }),
      at: wallClockMs(),
    });
    if (!isRequest) return undefined;
    const answer = (body: Record<string, unknown>): WireFault => ({
      kind: 'answer',
      message: { jsonrpc: '2.0', id, ...body },
    });
    if (options.unansweredMethods.includes(method)) return { kind: 'drop' };
    if (over === 'http' && options.httpErrorMethods.includes(method)) return { kind: 'http-error' };
    if (options.failingMethods.includes(method))
      return answer({ error: { code: INTERNAL_ERROR, message: `Internal error: ${method} failed` } });
    if (TASK_METHODS.has(method) && taskId !== undefined) {
      const unknown =
        options.taskNotFoundMethods.includes(method) ||
        (options.unknownTaskError !== undefined && !('task' in store.lookup(taskId)));
      if (unknown) return answer({ error: unknownTask(options, taskId) });
    }
    if (method === 'tools/list' && options.invalidToolsList)
      return answer({
        result: { resultType: 'complete', tools: [{ name: 'no_input_schema', description: 'Lacks its inputSchema.' }] },
      });
    return undefined;
  };
}

/** The error the server answers for a task it does not hold. */
function unknownTask(options: ResolvedTasksExtensionFixtureOptions, taskId: string): Record<string, unknown> {
  const configured = options.unknownTaskError;
  if (configured === undefined)
    return { code: INVALID_PARAMS, message: `Failed to retrieve task: Task not found (${taskId})` };
  return unknownTaskErrorFor(configured, taskId);
}
