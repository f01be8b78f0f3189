import { AsyncLocalStorage } from 'node:async_hooks';
import { UserError } from '@toolwright/core';
import type { ServerRequestContext } from '@toolwright/mcp-toolset';

/** The requests for input an upstream server may send that the bridge relays to the host. */
export type InputMethod = 'elicitation/create' | 'sampling/createMessage';

/** Where an upstream server's request for input goes: the host call, or the bridge task, it belongs to. */
export interface InputSink {
  /** Asks the host; resolves with its answer. Rejects when the host cannot be asked. */
  ask(method: InputMethod, params: Record<string, unknown>, signal: AbortSignal): Promise<unknown>;
}

/**
 * Finds the sink of each input request an upstream server sends. A request for a task names the
 * task (the toolset passes its id); a request made while a call's own code runs (a 2026-07-28
 * server asking before any task exists) is found through the call's async context; otherwise the
 * one plain call in flight on that server is the only one it can belong to.
 */
export class InputRouter {
  readonly #context = new AsyncLocalStorage<InputSink>();
  readonly #tasks = new Map<string, InputSink>();
  /** Bound tasks whose server says they wait for input (input_required), per upstream. */
  readonly #waiting = new Map<string, Set<string>>();
  readonly #plain = new Map<string, Set<InputSink>>();

  /** Runs `work` (and everything it starts) as part of the call whose sink is `sink`. */
  run<T>(sink: InputSink, work: () => T): T {
    return this.#context.run(sink, work);
  }

  /** Input for task `taskId` of upstream `upstream` goes to `sink` until the returned function is called. */
  bindTask(upstream: string, taskId: string, sink: InputSink): () => void {
    const key = taskKey(upstream, taskId);
    this.#tasks.set(key, sink);
    return () => {
      if (this.#tasks.get(key) === sink) this.#tasks.delete(key);
      this.taskStatus(upstream, taskId, 'ended');
    };
  }

  /**
   * Notes a bound task's status. A request that names no task while exactly one task of its server
   * waits for input belongs to that task: the toolset does not always hand the task id on (on
   * 2026-07-28 it is lost for sampling requests).
   */
  taskStatus(upstream: string, taskId: string, status: string): void {
    const key = taskKey(upstream, taskId);
    const waiting = this.#waiting.get(upstream) ?? new Set<string>();
    if (status === 'input_required' && this.#tasks.has(key)) {
      waiting.add(key);
      this.#waiting.set(upstream, waiting);
    } else if (waiting.delete(key) && waiting.size === 0) this.#waiting.delete(upstream);
  }

  /** Notes a plain call in flight on `upstream` until the returned function is called. */
  trackPlain(upstream: string, sink: InputSink): () => void {
    const calls = this.#plain.get(upstream) ?? new Set<InputSink>();
    this.#plain.set(upstream, calls);
    calls.add(sink);
    return () => {
      calls.delete(sink);
      if (calls.size === 0 && this.#plain.get(upstream) === calls) this.#plain.delete(upstream);
    };
  }

  /** The toolset handler for `method` of upstream `upstream`. */
  handler(upstream: string, method: InputMethod) {
    return (params: object, context: ServerRequestContext): Promise<never> =>
      this.#route(upstream, method, context).ask(
        method,
        params as Record<string, unknown>,
        context.signal,
      ) as Promise<never>;
  }

  #route(upstream: string, method: InputMethod, context: ServerRequestContext): InputSink {
    if (context.taskId !== undefined) {
      const sink = this.#tasks.get(taskKey(upstream, context.taskId));
      if (sink) return sink;
    }
    const current = this.#context.getStore();
    if (current) return current;
    const waiting = this.#waiting.get(upstream);
    if (waiting?.size === 1) {
      const sink = this.#tasks.get([...waiting][0] as string);
      if (sink) return sink;
    }
    const plain = this.#plain.get(upstream);
    if (plain?.size === 1) return [...plain][0] as InputSink;
    throw new UserError(
      `The upstream server '${upstream}' sent ${method}${context.taskId === undefined ? '' : ` for task ${context.taskId}`}, but the bridge cannot tell which of its ${plain?.size ?? 0} calls in flight it belongs to (the request names none), so it was refused.`,
    );
  }
}

function taskKey(upstream: string, taskId: string): string {
  return `${upstream}\u0000${taskId}`;
}
