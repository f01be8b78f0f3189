import { SUBSCRIPTION_ID_META_KEY } from '@modelcontextprotocol/server';
import type { TasksExtensionState } from './state.ts';
import type { TaskStore } from './task-store.ts';
import {
  type DetailedTask,
  declaredCapabilities,
  declaresTasksExtension,
  MISSING_REQUIRED_CLIENT_CAPABILITY,
  TASKS_EXTENSION,
} from './wire.ts';

/** A JSON-RPC message the listen stream writes. */
export type ListenMessage = Record<string, unknown>;

/** The task ids a `subscriptions/listen` request asks about, or undefined when it asks for none (the SDK serves it then). */
export function listenTaskIds(message: unknown): string[] | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { method, params } = message as { method?: unknown; params?: { notifications?: { taskIds?: unknown } } };
  if (method !== 'subscriptions/listen') return undefined;
  const taskIds = params?.notifications?.taskIds;
  return Array.isArray(taskIds) ? taskIds.filter((id): id is string => typeof id === 'string') : undefined;
}

/** Ends a task subscription: `graceful` answers the listen request (the server ends it), otherwise it just stops. */
export type EndTaskListen = (graceful: boolean) => void;

/**
 * Serves a `subscriptions/listen` that names task ids (the SDK's own listen ignores `taskIds` and pushes
 * nothing for tasks). Without the extension declared it answers -32021. Otherwise it acknowledges the ids
 * the server knows, pushes each one's current state at once (a task may have moved before the listen
 * arrived), then a `notifications/tasks` with the full task on every change, until the returned function
 * is called (the client closed the stream or cancelled the subscription, or the server shuts down). When
 * it agreed to no id at all, it ends the subscription at once with the empty listen result.
 */
export function openTaskListen(
  store: TaskStore,
  state: TasksExtensionState,
  request: { readonly id: string | number; readonly params?: { readonly _meta?: unknown } },
  taskIds: readonly string[],
  send: (message: ListenMessage) => void,
): EndTaskListen {
  if (!declaresTasksExtension(declaredCapabilities(request.params?._meta))) {
    state.recordListen({ requested: [...taskIds], agreed: [] });
    send({
      jsonrpc: '2.0',
      id: request.id,
      error: {
        code: MISSING_REQUIRED_CLIENT_CAPABILITY,
        message: `Missing required client capability: task notifications need the ${TASKS_EXTENSION} extension`,
        data: { requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } } },
      },
    });
    return () => {};
  }
  const agreed = taskIds.filter((taskId) => 'task' in store.lookup(taskId));
  state.recordListen({ requested: [...taskIds], agreed });
  const meta = { [SUBSCRIPTION_ID_META_KEY]: request.id };
  const push = (task: DetailedTask) =>
    send({ jsonrpc: '2.0', method: 'notifications/tasks', params: { ...task, _meta: meta } });
  send({
    jsonrpc: '2.0',
    method: 'notifications/subscriptions/acknowledged',
    params: { notifications: { taskIds: agreed }, _meta: meta },
  });
  const wanted = new Set(agreed);
  const unsubscribe = store.subscribe((task) => {
    if (wanted.has(task.taskId)) push(task);
  });
  let ended = false;
  const end: EndTaskListen = (graceful) => {
    if (ended) return;
    ended = true;
    unsubscribe();
    if (graceful) send({ jsonrpc: '2.0', id: request.id, result: { resultType: 'complete', _meta: meta } });
  };
  for (const taskId of agreed) {
    const found = store.lookup(taskId);
    if ('task' in found) push(found.task);
  }
  if (agreed.length === 0) end(true);
  return end;
}
