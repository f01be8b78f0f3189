import { randomUUID } from 'node:crypto';
import { ProtocolError as JsonRpcError } from '@modelcontextprotocol/client';
import {
  BackgroundTools,
  type BackgroundWorker,
  type PendingTask,
  type StoreEvent,
  type TaskStore,
} from '@toolwright/capabilities';
import {
  ConnectionLostError,
  createRunContext,
  type JsonObject,
  type ProgressUpdate,
  TaskCancelledError,
  type ToolArguments,
} from '@toolwright/core';
import { isPlainObject } from '@toolwright/core/internal';
import { type MCPCallToolResult, TaskHandle, type TaskReference, type TaskSnapshot } from '@toolwright/mcp-toolset';
import type { CatalogTool } from './catalog.ts';
import type { InputMethod, InputRouter, InputSink } from './input-router.ts';
import type { Upstream, UpstreamAnswer } from './upstream.ts';

/** How a bridge task ended: the tool's result as the server sent it, a JSON-RPC error, a cancellation, or a failure of its own. */
export type TaskOutcome =
  | { readonly kind: 'result'; readonly result: Record<string, unknown> }
  | { readonly kind: 'error'; readonly code: number; readonly message: string; readonly data?: unknown }
  | { readonly kind: 'cancelled'; readonly message: string }
  | { readonly kind: 'failed'; readonly message: string };

/** A task's state as a host sees it (the fields of a 2026-07-28 task). */
export interface TaskView {
  readonly taskId: string;
  readonly status: 'working' | 'input_required' | 'completed' | 'failed' | 'cancelled';
  readonly statusMessage?: string;
  readonly createdAt: string;
  readonly lastUpdatedAt: string;
  readonly ttlMs: number | null;
  readonly pollIntervalMs: number;
}

/** Why a host cannot be asked for an input request, or undefined when it can. */
export type RefuseInput = (method: InputMethod, params: Record<string, unknown>) => Error | undefined;

/** An input request a task waits on, until a host answers it. */
interface ParkedInput {
  readonly method: InputMethod;
  readonly params: Record<string, unknown>;
  readonly resolve: (answer: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** The `_meta` key a 2025-11-25 server marks a task's messages with. */
const RELATED_TASK = 'io.modelcontextprotocol/related-task';

/** How often a task whose connection was lost is looked for on a new one before it counts as failed. */
const RECONNECT_ATTEMPTS = 6;

/** How long a finished task stays readable when its server gave it no ttl. */
const DEFAULT_KEEP_MS = 60 * 60_000;
/** The poll interval a host is told when the server suggested none. */
const DEFAULT_POLL_MS = 500;
/** The longest a keep timer may be (a Node timer fires at once beyond 2^31-1 ms). */
const MAX_KEEP_MS = 24 * 60 * 60_000;

/**
 * One upstream task the bridge holds for a host that does not wait on its call: a host of the
 * 2026-07-28 tasks extension, which polls it by id, or a background call, read with the task
 * tools. It follows the upstream task through the toolset's handle, parks the server's requests
 * for input until a host answers them, and keeps the outcome until it is read.
 */
export class BridgeTask implements InputSink {
  readonly hostId: string;
  readonly toolName: string;
  readonly upstream: Upstream;
  readonly upstreamTaskId: string;
  /** The store key of the task (its run's tool call id). */
  readonly toolCallId: string;
  readonly settled: Promise<TaskOutcome>;
  #resolve!: (outcome: TaskOutcome) => void;
  #handle: TaskHandle | undefined;
  #snapshot: TaskSnapshot | undefined;
  #progress: ProgressUpdate | undefined;
  #outcome: TaskOutcome | undefined;
  #lastUpdatedAt: string;
  readonly #createdAt: string;
  readonly #inputs = new Map<string, ParkedInput>();
  readonly #listeners = new Set<() => void>();
  #relay: InputSink | undefined;
  #nextInput = 0;
  /** Why the host that started the task cannot be asked for some input (undefined: it can, or whoever reads the task is asked). */
  readonly #refuse: RefuseInput | undefined;

  constructor(init: {
    readonly hostId: string;
    readonly toolName: string;
    readonly upstream: Upstream;
    readonly upstreamTaskId: string;
    readonly toolCallId: string;
    readonly snapshot?: TaskSnapshot;
    readonly outcome?: TaskOutcome;
    readonly refuse?: RefuseInput;
  }) {
    this.hostId = init.hostId;
    this.toolName = init.toolName;
    this.upstream = init.upstream;
    this.upstreamTaskId = init.upstreamTaskId;
    this.toolCallId = init.toolCallId;
    this.#snapshot = init.snapshot;
    this.#refuse = init.refuse;
    const now = new Date().toISOString();
    this.#createdAt = init.snapshot?.createdAt ?? now;
    this.#lastUpdatedAt = init.snapshot?.lastUpdatedAt ?? now;
    this.settled = new Promise((resolve) => {
      this.#resolve = resolve;
    });
    if (init.outcome) this.#finish(init.outcome);
  }

  /**
   * Follows the upstream task through its handle until it ends. `onStatus` hears each status the
   * server reports; when the connection is lost, `reconnect` gives a handle on a new connection,
   * or `'closing'` (the bridge is stopping: the task is left unsettled, for the next bridge), or
   * undefined (the task cannot be reached: it ends as failed).
   */
  follow(
    handle: TaskHandle,
    hooks: {
      readonly onStatus: (status: string) => void;
      readonly reconnect: (lost: unknown, reference: TaskReference) => Promise<TaskHandle | 'closing' | undefined>;
    },
  ): void {
    this.#watch(handle, hooks).catch((error: unknown) => this.#finish(failureOutcome(error)));
  }

  async #watch(handle: TaskHandle, hooks: Parameters<BridgeTask['follow']>[1]): Promise<void> {
    for (;;) {
      this.#handle = handle;
      this.#snapshot = handle.snapshot;
      const stop = handle.on((event) => {
        if (event.type === 'status') {
          this.#snapshot = event.task;
          hooks.onStatus(event.task.status);
        } else this.#progress = event;
        this.#changed();
      });
      const ended = await endOf(handle);
      stop();
      if (!('lost' in ended)) return this.#finish(ended);
      const next = await hooks.reconnect(ended.lost, handle.toJSON());
      if (next === 'closing') return;
      if (next === undefined) return this.#finish(failureOutcome(ended.lost));
      handle = next;
    }
  }

  /** The outcome, once the task ended. */
  get outcome(): TaskOutcome | undefined {
    return this.#outcome;
  }

  /** The latest progress the server reported (2025-11-25 tasks), if any. */
  get progress(): ProgressUpdate | undefined {
    return this.#progress;
  }

  /** The task as a host sees it. */
  view(): TaskView {
    const snapshot = this.#snapshot;
    const outcome = this.#outcome;
    const status: TaskView['status'] = outcome
      ? outcome.kind === 'result'
        ? 'completed'
        : outcome.kind === 'cancelled'
          ? 'cancelled'
          : 'failed'
      : // Input the server asked for and no host has answered yet; once answered, it works on (until it says otherwise).
        this.#inputs.size > 0
        ? 'input_required'
        : 'working';
    const statusMessage =
      outcome && outcome.kind !== 'result' ? outcome.message : (snapshot?.statusMessage ?? undefined);
    const ttl = snapshot?.ttl;
    return {
      taskId: this.hostId,
      status,
      ...(statusMessage === undefined ? {} : { statusMessage }),
      createdAt: this.#createdAt,
      lastUpdatedAt: this.#lastUpdatedAt,
      ttlMs: ttl === null || ttl === undefined ? null : Math.max(1, Math.round(ttl)),
      pollIntervalMs: Math.max(1, Math.round(snapshot?.pollInterval ?? DEFAULT_POLL_MS)),
    };
  }

  /** The requests for input the task waits on, by key, as a 2026-07-28 task carries them. */
  inputRequests(): Record<string, { method: string; params: Record<string, unknown> }> {
    return Object.fromEntries(
      [...this.#inputs].map(([key, input]) => [key, { method: input.method, params: input.params }]),
    );
  }

  /** Parks a request for input until a host answers it (or passes it to the host that waits on the task). */
  ask(method: InputMethod, params: Record<string, unknown>, signal: AbortSignal): Promise<unknown> {
    const refused = this.#refuse?.(method, params);
    if (refused) return Promise.reject(refused);
    if (this.#relay) return this.#relay.ask(method, params, signal);
    const key = `${method === 'elicitation/create' ? 'elicit' : 'sample'}-${++this.#nextInput}`;
    return new Promise((resolve, reject) => {
      const drop = () => {
        if (this.#inputs.delete(key)) {
          reject(signal.reason);
          this.#changed();
        }
      };
      signal.addEventListener('abort', drop, { once: true });
      this.#inputs.set(key, {
        method,
        params,
        resolve: (answer) => {
          signal.removeEventListener('abort', drop);
          resolve(answer);
        },
        reject: (error) => {
          signal.removeEventListener('abort', drop);
          reject(error);
        },
      });
      this.#changed();
    });
  }

  /** Answers parked requests by key (a 2026-07-28 host's tasks/update); unknown keys are ignored. */
  answer(responses: Readonly<Record<string, unknown>>): void {
    for (const [key, response] of Object.entries(responses)) {
      const input = this.#inputs.get(key);
      if (!input) continue;
      this.#inputs.delete(key);
      input.resolve(response);
    }
    this.#changed();
  }

  /**
   * While a host waits on the task (task_result), its requests for input go to `sink`, parked ones
   * first. Returns a function that ends it.
   */
  relayTo(sink: InputSink, signal: AbortSignal): () => void {
    this.#relay = sink;
    for (const [key, input] of [...this.#inputs]) {
      this.#inputs.delete(key);
      sink.ask(input.method, input.params, signal).then(input.resolve, input.reject);
    }
    this.#changed();
    return () => {
      if (this.#relay === sink) this.#relay = undefined;
    };
  }

  /** Calls `listener` on every change until the returned function is called. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Cancels the upstream task (resolves once the server acknowledged it). A finished task is left as it is. */
  async cancel(): Promise<void> {
    if (this.#outcome) return;
    const handle = this.#handle;
    if (!handle) return;
    await handle.cancel();
  }

  /** The outcome, waiting at most `timeoutMs` (and not past `signal`); undefined when it is not there yet. */
  async wait(timeoutMs: number, signal: AbortSignal): Promise<TaskOutcome | undefined> {
    if (this.#outcome || timeoutMs <= 0) return this.#outcome;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    try {
      return await Promise.race([
        this.settled,
        new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), timeoutMs);
          onAbort = () => resolve(undefined);
          signal.addEventListener('abort', onAbort, { once: true });
        }),
      ]);
    } finally {
      clearTimeout(timer);
      if (onAbort) signal.removeEventListener('abort', onAbort);
    }
  }

  #finish(outcome: TaskOutcome): void {
    if (this.#outcome) return;
    this.#outcome = outcome;
    for (const input of this.#inputs.values()) input.reject(new Error('the task ended'));
    this.#inputs.clear();
    this.#changed();
    this.#resolve(outcome);
  }

  #changed(): void {
    this.#lastUpdatedAt = new Date().toISOString();
    for (const listener of [...this.#listeners]) listener();
  }
}

/** How the upstream task behind `handle` ended; aborting `signal` cancels it. */
export async function outcomeOf(handle: TaskHandle, signal?: AbortSignal): Promise<TaskOutcome> {
  const ended = await endOf(handle, signal);
  return 'lost' in ended ? failureOutcome(ended.lost) : ended;
}

/** How the task behind `handle` ended, or that the connection to its server was lost first. */
async function endOf(handle: TaskHandle, signal?: AbortSignal): Promise<TaskOutcome | { readonly lost: unknown }> {
  let final: TaskSnapshot;
  try {
    final = await handle.wait(signal ? { signal } : {});
  } catch (error) {
    return ConnectionLostError.isInstance(error) ? { lost: error } : failureOutcome(error);
  }
  if (final.status === 'cancelled')
    return { kind: 'cancelled', message: final.statusMessage ?? `Task ${handle.taskId} was cancelled.` };
  try {
    return { kind: 'result', result: wireResult(await handle.rawResult()) };
  } catch (error) {
    return ConnectionLostError.isInstance(error) ? { lost: error } : failureOutcome(error);
  }
}

/**
 * A task's result as it goes to a host: the server's result in its wire form, without the
 * 2025-11-25 `related-task` mark (it names the upstream task, which the host never saw as such).
 */
function wireResult(result: MCPCallToolResult): Record<string, unknown> {
  const { [RELATED_TASK]: _related, ...meta } = result.meta ?? {};
  return {
    content: [...result.content],
    ...(result.structuredContent === undefined ? {} : { structuredContent: result.structuredContent }),
    ...(result.isError ? { isError: true } : {}),
    ...(Object.keys(meta).length > 0 ? { _meta: meta } : {}),
  };
}

/** The outcome for an error a task ended with: a cancellation, the server's JSON-RPC error, or a failure. */
export function failureOutcome(error: unknown): TaskOutcome {
  if (TaskCancelledError.isInstance(error)) return { kind: 'cancelled', message: (error as Error).message };
  const rpc = jsonRpcErrorOf(error);
  if (rpc) return { kind: 'error', ...rpc };
  return { kind: 'failed', message: error instanceof Error ? error.message : String(error) };
}

/** The JSON-RPC error a server answered, found in an error's cause chain. */
export function jsonRpcErrorOf(error: unknown): { code: number; message: string; data?: unknown } | undefined {
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 8; depth++) {
    if (current instanceof JsonRpcError)
      return {
        code: current.code,
        message: current.message,
        ...(current.data === undefined ? {} : { data: current.data }),
      };
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Options of {@link BridgeTasks}. */
export interface BridgeTasksOptions {
  readonly router: InputRouter;
  readonly upstreams: readonly Upstream[];
  /** Where pending tasks and their outcomes are kept (an in-memory store keeps them for this process). */
  readonly store: TaskStore;
  /** The run the bridge's tasks are saved under: the same across restarts of the same bridge. */
  readonly runId: string;
  /** How long the bridge's lease on a stored task lasts without renewal. */
  readonly leaseMs: number;
  readonly onStoreEvent?: (event: StoreEvent) => void;
}

/** What starting a call as a bridge task gave: the task, or the server's answer when it ran the call at once. */
export type StartedTask =
  | { readonly kind: 'task'; readonly task: BridgeTask }
  | { readonly kind: 'answer'; readonly answer: UpstreamAnswer };

/**
 * The bridge's tasks: background calls and the tasks of 2026-07-28 task-aware hosts. Each is saved in
 * the task store (through the capabilities package's background tools: saved before the host hears
 * of it, leased while this bridge watches it, its outcome recorded once), so it outlives a host's
 * reconnect and, with a durable store, a restart of the bridge: a later bridge finds it by id,
 * resumes it from its saved reference, and its worker takes over tasks whose lease ran out.
 */
export class BridgeTasks {
  readonly #options: BridgeTasksOptions;
  readonly #background: BackgroundTools;
  readonly #tasks = new Map<string, BridgeTask>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  readonly #wakeOnClose = new Set<() => void>();
  #worker: BackgroundWorker | undefined;
  #closing = false;

  constructor(options: BridgeTasksOptions) {
    this.#options = options;
    this.#background = new BackgroundTools({
      tools: () => true,
      store: options.store,
      leaseMs: options.leaseMs,
      ...(options.onStoreEvent ? { onStoreEvent: options.onStoreEvent } : {}),
    });
  }

  /** The host's id of an upstream task: its own id, prefixed `<server>:` when the bridge fronts several. */
  hostId(upstream: Upstream, taskId: string): string {
    return this.#options.upstreams.length > 1 ? `${upstream.spec.name}:${taskId}` : taskId;
  }

  /** Takes over stored tasks whose lease ran out (a bridge that stopped or crashed held them). */
  startWorker(): void {
    this.#worker ??= this.#background.startWorker({
      toolset: (pending) => ({
        resumeTask: async () => {
          const task = await this.#resume(pending);
          return { result: () => task.settled };
        },
      }),
    });
  }

  /**
   * Starts a call of `tool` as an upstream task. The task is saved before this resolves; the
   * server may run the call at once instead, and then its answer is returned. `signal` cancels the
   * call while the task is being created (never after: the task belongs to the bridge then).
   */
  async start(
    tool: CatalogTool,
    args: ToolArguments,
    options: {
      readonly meta: JsonObject | undefined;
      readonly signal: AbortSignal;
      /** Why the host cannot be asked for some input (a task-aware host answers the task's own input requests). */
      readonly refuse?: RefuseInput;
    },
  ): Promise<StartedTask> {
    const upstream = tool.upstream;
    const toolCallId = `${upstream.spec.name}:${randomUUID()}`;
    const controller = new AbortController();
    const onAbort = () => controller.abort(options.signal.reason);
    options.signal.addEventListener('abort', onAbort, { once: true });
    const ctx = createRunContext<unknown>({
      runId: this.#options.runId,
      toolCallId,
      signal: controller.signal,
      deps: undefined,
    });
    let task: BridgeTask | undefined;
    let answer: UpstreamAnswer | undefined;
    let failure: { readonly error: unknown } | undefined;
    ctx.events.on('task-created', (event) => {
      task = new BridgeTask({
        hostId: this.hostId(upstream, event.taskId),
        toolName: tool.hostName,
        upstream,
        upstreamTaskId: event.taskId,
        toolCallId,
        ...(options.refuse ? { refuse: options.refuse } : {}),
      });
      this.#add(task);
    });
    const definition = {
      name: tool.definition.name,
      inputSchema: tool.definition.inputSchema,
      metadata: { task: true },
    };
    try {
      await this.#background.wrapToolCall(
        ctx,
        { name: tool.definition.name, args, tool: definition },
        async (_call, workCtx) => {
          let started: Awaited<ReturnType<Upstream['startTask']>>;
          try {
            started = await upstream.startTask(tool.definition.name, args, {
              signal: workCtx?.signal ?? controller.signal,
              meta: options.meta,
              ctx: workCtx ?? ctx,
            });
          } catch (error) {
            failure = { error };
            throw error;
          }
          if (!(started instanceof TaskHandle)) {
            answer = started;
            return {
              kind: 'failed',
              message: 'The server answered at once; no task was created.',
            } satisfies TaskOutcome;
          }
          const created = task as BridgeTask;
          this.#follow(created, started);
          // The recorded follow-up is the outcome itself, so a later bridge reads it as this one would.
          return created.settled;
        },
      );
    } finally {
      options.signal.removeEventListener('abort', onAbort);
    }
    if (answer) return { kind: 'answer', answer };
    // The call failed before any task existed (the server refused it, or could not be reached): the caller learns why.
    if (failure && !task) throw failure.error;
    if (!task) throw new Error(`Tool '${tool.hostName}' ended before its task was created.`);
    if (task.outcome?.kind === 'cancelled' && options.signal.aborted) throw options.signal.reason;
    return { kind: 'task', task };
  }

  /**
   * The task a host names by `hostId`: held by this bridge, or found in the store (finished while
   * nobody asked, or held by a bridge that is gone, and then resumed here); undefined when unknown.
   */
  async find(hostId: string): Promise<BridgeTask | undefined> {
    const held = this.#tasks.get(hostId);
    if (held) return held;
    const named = this.#parse(hostId);
    if (!named) return undefined;
    const { upstream, taskId } = named;
    const { store, runId } = this.#options;
    const owned = (toolCallId: string) => toolCallId.startsWith(`${upstream.spec.name}:`);
    const recorded = (await store.followUps(runId)).find((item) => item.id === taskId && owned(item.toolCallId));
    if (recorded) {
      const task = new BridgeTask({
        hostId,
        toolName: this.#hostToolName(upstream, recorded.toolName),
        upstream,
        upstreamTaskId: taskId,
        toolCallId: recorded.toolCallId,
        outcome: storedOutcome(recorded.outcome, recorded.content),
      });
      this.#add(task);
      return task;
    }
    const pending = (await store.pending(runId)).find((item) => item.taskId === taskId && owned(item.toolCallId));
    return pending ? this.#resume(pending) : undefined;
  }

  /** Cancels every task this bridge holds that has not ended (waiting for each server's acknowledgement). */
  async cancelAll(): Promise<void> {
    await Promise.all([...this.#tasks.values()].map((task) => task.cancel().catch(() => undefined)));
  }

  /** Stops taking over stored tasks (tasks keep running upstream; a durable store keeps them for the next bridge). */
  async close(): Promise<void> {
    this.#closing = true;
    for (const wake of [...this.#wakeOnClose]) wake();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    await this.#worker?.stop();
    this.#worker = undefined;
  }

  /** A stored task resumed from its reference (once: a task already held here is returned). */
  async #resume(pending: PendingTask): Promise<BridgeTask> {
    const reference = pending.reference as TaskReference;
    const upstream = this.#options.upstreams.find((candidate) => candidate.spec.name === reference.server);
    if (!upstream)
      throw new Error(`No upstream server named '${String(reference.server)}' resumes task ${pending.taskId}.`);
    const hostId = this.hostId(upstream, pending.taskId);
    const held = this.#tasks.get(hostId);
    if (held) return held;
    const handle = await (await upstream.toolset()).resumeTask(reference);
    const again = this.#tasks.get(hostId);
    if (again) return again;
    const task = new BridgeTask({
      hostId,
      toolName: this.#hostToolName(upstream, pending.toolName),
      upstream,
      upstreamTaskId: pending.taskId,
      toolCallId: pending.toolCallId,
      snapshot: handle.snapshot,
    });
    this.#add(task);
    this.#follow(task, handle);
    return task;
  }

  #follow(task: BridgeTask, handle: TaskHandle): void {
    const { router } = this.#options;
    task.follow(handle, {
      onStatus: (status) => router.taskStatus(task.upstream.spec.name, task.upstreamTaskId, status),
      reconnect: (lost, reference) => this.#reconnect(task.upstream, lost, reference),
    });
  }

  /**
   * A handle for a task whose connection was lost, on a new connection: tried a few times, waiting
   * longer each time. While the bridge closes, the task is left as it is (a durable store keeps it
   * for the next bridge).
   */
  async #reconnect(
    upstream: Upstream,
    lost: unknown,
    reference: TaskReference,
  ): Promise<TaskHandle | 'closing' | undefined> {
    let error = lost;
    for (let attempt = 0; attempt < RECONNECT_ATTEMPTS; attempt++) {
      if (this.#closing) return 'closing';
      upstream.dropLost(error);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.#wakeOnClose.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(500 * 2 ** attempt, 10_000));
        timer.unref?.();
        this.#wakeOnClose.add(wake);
      });
      if (this.#closing) return 'closing';
      try {
        return await (await upstream.toolset()).resumeTask(reference);
      } catch (next) {
        if (!ConnectionLostError.isInstance(next)) return undefined;
        error = next;
      }
    }
    return undefined;
  }

  #add(task: BridgeTask): void {
    this.#tasks.set(task.hostId, task);
    const unbind = this.#options.router.bindTask(task.upstream.spec.name, task.upstreamTaskId, task);
    void task.settled.then(() => {
      unbind();
      // A finished task stays readable for its ttl (or an hour), then its record in the store goes too.
      const keepMs = Math.min(task.view().ttlMs ?? DEFAULT_KEEP_MS, MAX_KEEP_MS);
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        if (this.#tasks.get(task.hostId) === task) this.#tasks.delete(task.hostId);
        const { store, runId } = this.#options;
        void store.acknowledge(runId, [`${runId}:${task.toolCallId}`]).catch(() => undefined);
      }, keepMs);
      timer.unref?.();
      this.#timers.add(timer);
    });
  }

  #parse(hostId: string): { upstream: Upstream; taskId: string } | undefined {
    const upstreams = this.#options.upstreams;
    if (upstreams.length === 1) return { upstream: upstreams[0] as Upstream, taskId: hostId };
    const colon = hostId.indexOf(':');
    if (colon < 0) return undefined;
    const upstream = upstreams.find((candidate) => candidate.spec.name === hostId.slice(0, colon));
    return upstream ? { upstream, taskId: hostId.slice(colon + 1) } : undefined;
  }

  #hostToolName(upstream: Upstream, toolName: string): string {
    return this.#options.upstreams.length > 1 ? `${upstream.spec.name}_${toolName}` : toolName;
  }
}

/** The outcome a stored follow-up holds (the bridge records outcomes; a failure is the message). */
function storedOutcome(outcome: 'result' | 'failure', content: unknown): TaskOutcome {
  if (outcome === 'result' && isPlainObject(content) && typeof content.kind === 'string') return content as TaskOutcome;
  return { kind: 'failed', message: typeof content === 'string' ? content : JSON.stringify(content) };
}
