import type { JSONRPCMessage, Transport, TransportSendOptions } from '@modelcontextprotocol/server';
import { type EndTaskListen, type ListenMessage, listenTaskIds, openTaskListen } from './listen.ts';
import type { TasksExtensionServer } from './server.ts';

/**
 * A stdio transport wrapper that applies the fixture's wire faults (a request left unanswered, or
 * answered in the SDK's place), serves `subscriptions/listen` for task ids itself (the SDK's listen
 * ignores `taskIds`) and hands every other message to the SDK. A listen ends when the client cancels
 * it (`notifications/cancelled` naming its id) or the connection closes.
 */
export class TaskListenTransport implements Transport {
  onclose?: (() => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  onmessage?: Transport['onmessage'];
  readonly #inner: Transport;
  readonly #server: TasksExtensionServer;
  readonly #listens = new Map<string | number, EndTaskListen>();

  constructor(inner: Transport, server: TasksExtensionServer) {
    this.#inner = inner;
    this.#server = server;
  }

  async start(): Promise<void> {
    this.#inner.onmessage = (message, extra) => {
      const faulted = this.#server.fault(message, 'stdio');
      if (faulted?.kind === 'answer') void this.#inner.send(faulted.message as JSONRPCMessage).catch(() => {});
      if (faulted !== undefined) return; // (no HTTP over stdio: the fault function gives no HTTP error here)
      const taskIds = listenTaskIds(message);
      if (taskIds !== undefined) {
        const request = message as { id: string | number; params?: { _meta?: unknown } };
        const send = (outgoing: ListenMessage) => void this.#inner.send(outgoing as JSONRPCMessage).catch(() => {});
        this.#listens.set(request.id, openTaskListen(this.#server.store, this.#server.state, request, taskIds, send));
        return;
      }
      const cancelled = cancelledRequestId(message);
      const stop = cancelled === undefined ? undefined : this.#listens.get(cancelled);
      if (stop && cancelled !== undefined) {
        stop(false);
        this.#listens.delete(cancelled);
        return;
      }
      this.onmessage?.(message, extra);
    };
    this.#inner.onerror = (error) => this.onerror?.(error);
    this.#inner.onclose = () => {
      this.#stopAll();
      this.onclose?.();
    };
    await this.#inner.start();
  }

  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    return this.#inner.send(message, options);
  }

  async close(): Promise<void> {
    this.#stopAll();
    await this.#inner.close();
  }

  #stopAll(): void {
    for (const stop of this.#listens.values()) stop(false);
    this.#listens.clear();
  }
}

function cancelledRequestId(message: unknown): string | number | undefined {
  const { method, params } = message as { method?: unknown; params?: { requestId?: unknown } };
  if (method !== 'notifications/cancelled') return undefined;
  const id = params?.requestId;
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}
