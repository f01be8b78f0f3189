import {
  type FollowUp,
  type JsonObject,
  ModelRetry,
  matchesToolSelector,
  type RunContext,
  type ToolDefinition,
  type ToolSelector,
  ToolwrightError,
  UserError,
} from '@toolwright/core';
import { isJsonObject } from '@toolwright/core/internal';
import type { Capability, NextToolCall, ToolCall } from './capability.ts';
import {
  BackgroundWorker,
  type BackgroundWorkerOptions,
  type DurableSettings,
  LeaseKeeper,
  recordFollowUp,
  type StoreEvent,
} from './durable-work.ts';
import { type PendingTask, type StoredFollowUp, storedFollowUp, type TaskStore, TaskStoreError } from './task-store.ts';

/** The argument a `background: 'optional'` tool gains, for the model to choose per call. */
export const RUN_IN_BACKGROUND = 'runInBackground';

/** Options of {@link BackgroundTools}. */
export interface BackgroundToolsOptions<Deps> {
  /** Tools that always run in the background (default: metadata `{ background: true }`). */
  readonly tools?: ToolSelector<Deps>;
  /**
   * Where pending MCP tasks and their follow-ups are kept, so they survive a restart and any
   * worker can finish them (default: none, everything stays in this process). With a store, a
   * task's follow-up is recorded there once, and reaches `ctx.followUps` of this process only when
   * this worker recorded it.
   */
  readonly store?: TaskStore;
  /** This worker's id in leases (default: a random UUID per BackgroundTools). */
  readonly owner?: string;
  /** How long a worker's lease on a task lasts without renewal (default 30 000 ms); renewed every third. */
  readonly leaseMs?: number;
  /** Told what happened to stored work: recorded, fenced, lease lost, released, store errors. */
  readonly onStoreEvent?: (event: StoreEvent) => void;
}

/** Work running in the background for one run. */
export interface PendingWork {
  /** The tool running in the background. */
  readonly toolName: string;
  /** The server's task id for an MCP task tool, else the tool call id. */
  readonly id: string;
  /** The id of the tool call that started it. */
  readonly toolCallId: string;
  /** When it started (ms since the epoch). */
  readonly startedAt: number;
}

interface Running {
  readonly toolName: string;
  /** The tool call id until the server's task id is known. */
  id: string;
  readonly toolCallId: string;
  readonly startedAt: number;
  settled: Promise<void>;
  readonly controller: AbortController;
}

/**
 * Turns matching tools into non-blocking ones. A call returns at once with an acknowledgement for
 * the model (which tool, which id, that the result follows as a message) while the work goes on;
 * when it ends, its outcome reaches the run's follow-up queue as a message for the model. For an
 * MCP task tool (metadata `task: true`) the id is the server's task id. Aborting the run, or
 * `cancelAll`, cancels pending work (server tasks included); the cancellation arrives as a failure
 * follow-up, so the model learns of it. A tool with metadata `background: 'optional'` gains a
 * boolean `runInBackground` argument instead, and runs in the background only when it is true.
 */
export class BackgroundTools<Deps = unknown> implements Capability<Deps> {
  readonly #selector: ToolSelector<Deps>;
  /** Per run id, per tool call id: the work still running. Results go to the run that started them, never another. */
  readonly #runs = new Map<string, Map<string, Running>>();
  readonly #durable: DurableSettings | undefined;

  /** Checks the options (a {@link UserError} for a `leaseMs` that is not positive); with a `store`, takes a random owner id unless `owner` is given. Starts no worker and touches no store. */
  constructor(options: BackgroundToolsOptions<Deps> = {}) {
    this.#selector = options.tools ?? { background: true };
    const leaseMs = options.leaseMs ?? 30_000;
    if (!Number.isFinite(leaseMs) || leaseMs <= 0) {
      throw new UserError(`BackgroundTools needs a positive leaseMs; got ${leaseMs}.`);
    }
    const onStoreEvent = options.onStoreEvent;
    this.#durable = options.store && {
      store: options.store,
      owner: options.owner ?? crypto.randomUUID(),
      leaseMs,
      emit: (event) => {
        try {
          onStoreEvent?.(event);
        } catch (error) {
          console.error('An onStoreEvent listener of BackgroundTools threw:', error);
        }
      },
    };
  }

  /** The store, or a UserError naming `method` when there is none. */
  #store(method: string): DurableSettings {
    if (!this.#durable) {
      throw new UserError(`BackgroundTools.${method} needs a store: pass { store } to new BackgroundTools().`);
    }
    return this.#durable;
  }

  /**
   * Starts a worker that takes over stored tasks whose lease expired (a crashed or restarted
   * process's): it resumes each through `toolset`, watches it, and records its follow-up.
   */
  startWorker(options: BackgroundWorkerOptions): BackgroundWorker {
    return new BackgroundWorker(this.#store('startWorker'), options, (task, outcome, content) =>
      followUp(task.toolName, task.taskId, task.toolCallId, outcome, content),
    );
  }

  /** The stored pending tasks of a run (any worker's). */
  storedPending(runId: string): Promise<PendingTask[]> {
    return this.#store('storedPending').store.pending(runId);
  }

  /**
   * The recorded follow-ups of a run not acknowledged yet (any worker's). Apply each by its
   * `followUpId` (at most once), then {@link acknowledge} it: a crash in between delivers it again.
   */
  followUps(runId: string): Promise<StoredFollowUp[]> {
    return this.#store('followUps').store.followUps(runId);
  }

  /** Marks follow-ups of a run as applied. */
  acknowledge(runId: string, followUpIds: readonly string[]): Promise<void> {
    return this.#store('acknowledge').store.acknowledge(runId, followUpIds);
  }

  /**
   * Waits until the run has unacknowledged follow-ups and returns them: woken by the store when it
   * can tell, polling every `pollMs` (default 500) otherwise. Rejects with the signal's reason.
   */
  async nextFollowUps(
    runId: string,
    options: { readonly signal?: AbortSignal; readonly pollMs?: number } = {},
  ): Promise<StoredFollowUp[]> {
    const { store } = this.#store('nextFollowUps');
    const { signal, pollMs = 500 } = options;
    for (;;) {
      signal?.throwIfAborted();
      let wake: () => void = () => undefined;
      const woken = new Promise<void>((resolve) => {
        wake = resolve;
      });
      const unwatch = store.watchFollowUps?.(runId, wake);
      try {
        const items = await store.followUps(runId);
        if (items.length > 0) return items;
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(done, pollMs);
          function done() {
            clearTimeout(timer);
            signal?.removeEventListener('abort', done);
            if (signal?.aborted) reject(signal.reason);
            else resolve();
          }
          signal?.addEventListener('abort', done, { once: true });
          if (signal?.aborted) done(); // aborted while the store was read
          void woken.then(done);
        });
      } finally {
        unwatch?.();
      }
    }
  }

  prepareTools(_ctx: RunContext<Deps>, tools: readonly ToolDefinition[]): readonly ToolDefinition[] {
    return tools.map((tool) => (tool.metadata.background === 'optional' ? withOptInArgument(tool) : tool));
  }

  async wrapToolCall(ctx: RunContext<Deps>, call: ToolCall, next: NextToolCall<Deps>): Promise<unknown> {
    let background: boolean;
    let args = call.args;
    if (call.tool.metadata.background === 'optional') {
      const { [RUN_IN_BACKGROUND]: choice, ...rest } = call.args;
      if (choice !== undefined && typeof choice !== 'boolean') {
        throw new ModelRetry(
          `The '${RUN_IN_BACKGROUND}' argument of tool '${call.name}' must be true or false, not ${JSON.stringify(choice)}.`,
        );
      }
      background = choice === true;
      args = rest;
    } else {
      background = await matchesToolSelector(this.#selector, ctx, call.tool);
    }
    if (!background) return next({ ...call, args }, ctx);
    return this.#start(ctx, { ...call, args }, next);
  }

  instructions(): string {
    return 'Some tools run in the background: they answer at once with an acknowledgement, and their result arrives later as a message. Continue with other work meanwhile.';
  }

  /** The work still running for the run of `ctx`. */
  pending(ctx: RunContext<Deps>): PendingWork[] {
    return [...(this.#runs.get(ctx.runId)?.values() ?? [])].map(({ toolName, id, toolCallId, startedAt }) => ({
      toolName,
      id,
      toolCallId,
      startedAt,
    }));
  }

  /** Resolves when no work of the run of `ctx` is running any more (its follow-ups are queued). */
  async waitForAll(ctx: RunContext<Deps>): Promise<void> {
    for (let running = this.#runs.get(ctx.runId); running && running.size > 0; running = this.#runs.get(ctx.runId)) {
      await Promise.all([...running.values()].map((work) => work.settled));
    }
  }

  /** Cancels the work of the run of `ctx` (server tasks included) and waits until it has stopped. */
  async cancelAll(ctx: RunContext<Deps>, reason: unknown = new Error('Background work was cancelled.')): Promise<void> {
    for (const work of this.#runs.get(ctx.runId)?.values() ?? []) work.controller.abort(reason);
    await this.waitForAll(ctx);
  }

  async #start(ctx: RunContext<Deps>, call: ToolCall, next: NextToolCall<Deps>): Promise<string> {
    const toolCallId = ctx.toolCallId ?? `background-${crypto.randomUUID()}`;
    const controller = new AbortController();
    const onRunAbort = () => controller.abort(ctx.signal.reason);
    if (ctx.signal.aborted) onRunAbort();
    else ctx.signal.addEventListener('abort', onRunAbort, { once: true });
    const workCtx: RunContext<Deps> = { ...ctx, toolCallId, signal: controller.signal };

    // An MCP task tool's id is the server's task id, announced by the toolset's task-created event.
    let announce: (taskId: string) => void = () => undefined;
    const taskId = new Promise<string>((resolve) => {
      announce = resolve;
    });
    let keeper: Promise<LeaseKeeper | undefined> = Promise.resolve(undefined);
    const stopListening = ctx.events.on('task-created', (event) => {
      if (event.toolCallId !== toolCallId) return;
      announce(event.taskId);
      if (this.#durable)
        keeper = this.#keep(this.#durable, { runId: ctx.runId, toolCallId, toolName: call.name }, event);
    });
    const work = next(call, workCtx);
    const runs = this.#runs.get(ctx.runId) ?? new Map<string, Running>();
    this.#runs.set(ctx.runId, runs);
    // Registered before the id is known, so cancelAll reaches it from the start.
    const entry: Running = {
      toolName: call.name,
      id: toolCallId,
      toolCallId,
      startedAt: Date.now(),
      settled: Promise.resolve(),
      controller,
    };
    runs.set(toolCallId, entry);
    // The work leaves `pending` before its follow-up is queued, so a reader never sees both.
    const finish = async (outcome: FollowUp['outcome'], content: unknown) => {
      ctx.signal.removeEventListener('abort', onRunAbort);
      const item = await this.#record(await keeper, followUp(call.name, entry.id, toolCallId, outcome, content));
      runs.delete(toolCallId);
      if (runs.size === 0 && this.#runs.get(ctx.runId) === runs) this.#runs.delete(ctx.runId);
      if (item) ctx.followUps.push(item);
    };
    entry.settled = work.then(
      (result) => finish('result', result),
      (error: unknown) => finish('failure', failureMessage(error, controller.signal)),
    );
    const isTask = call.tool.metadata.task === true;
    if (isTask) entry.id = await Promise.race([taskId, entry.settled.then(() => entry.id)]);
    stopListening();
    // With a store, the acknowledgement means the task is saved: a crash from now on loses nothing.
    await keeper;
    const id = entry.id;
    const what = id !== toolCallId ? `task ${id}` : `call ${id}`;
    return `Tool '${call.name}' is running in the background as ${what}. Its result will follow in a message; continue with other work meanwhile.`;
  }

  /**
   * Saves a new task as pending work this worker holds, and keeps its lease while it runs. When it
   * cannot be saved as this worker's (the store failed, or the run already saved that tool call id),
   * the work goes on in memory only, as without a store, and `onStoreEvent` says why.
   */
  async #keep(
    durable: DurableSettings,
    call: { readonly runId: string; readonly toolCallId: string; readonly toolName: string },
    event: { readonly taskId: string; readonly reference: JsonObject },
  ): Promise<LeaseKeeper | undefined> {
    const task = { ...call, taskId: event.taskId };
    try {
      const lease = await durable.store.put(
        { ...task, reference: event.reference },
        { owner: durable.owner, leaseMs: durable.leaseMs },
      );
      if (lease) return new LeaseKeeper(durable, task, lease);
      throw new TaskStoreError(
        `Run '${call.runId}' already saved tool call '${call.toolCallId}', so task ${event.taskId} of tool '${call.toolName}' is not saved: give each tool call of a run its own id.`,
      );
    } catch (error) {
      durable.emit({ type: 'store-error', ...task, error });
      return undefined;
    }
  }

  /**
   * The follow-up this process delivers: without a store (or when saving failed) the plain one; with
   * one, the stored follow-up when this worker recorded it, nothing when it was fenced (whoever holds
   * the lease records it). A store that fails now still gets the follow-up delivered here, with its
   * stable id, so the work is not lost; another worker may record it later under the same id.
   */
  async #record(keeper: LeaseKeeper | undefined, item: FollowUp): Promise<FollowUp | undefined> {
    if (!keeper) return item;
    try {
      return await recordFollowUp(keeper, item);
    } catch (error) {
      keeper.settings.emit({ type: 'store-error', ...keeper.task, error });
      return storedFollowUp(keeper.task, item, keeper.settings.owner, Date.now());
    }
  }
}

/** Adds the boolean opt-in argument to a tool's input schema; a tool that has one already is a mistake. */
function withOptInArgument(tool: ToolDefinition): ToolDefinition {
  const properties = isJsonObject(tool.inputSchema.properties) ? tool.inputSchema.properties : {};
  if (Object.hasOwn(properties, RUN_IN_BACKGROUND)) {
    throw new UserError(
      `Tool '${tool.name}' already has an argument named '${RUN_IN_BACKGROUND}', so background: 'optional' cannot add it. Rename the argument, or use background: true.`,
    );
  }
  return {
    ...tool,
    inputSchema: {
      ...tool.inputSchema,
      properties: {
        ...properties,
        [RUN_IN_BACKGROUND]: {
          type: 'boolean',
          description: 'Run in the background: answer at once, and deliver the result later as a message.',
        },
      },
    },
  };
}

function followUp(
  toolName: string,
  id: string,
  toolCallId: string,
  outcome: FollowUp['outcome'],
  content: unknown,
): FollowUp {
  const message =
    outcome === 'result'
      ? `Background tool '${toolName}' (${id}) finished. Result: ${describe(content)}`
      : `Background tool '${toolName}' (${id}) failed: ${String(content)}`;
  return { toolName, id, toolCallId, outcome, content, message };
}

function failureMessage(error: unknown, signal: AbortSignal): string {
  if (signal.aborted) return `it was cancelled (${error instanceof Error ? error.message : String(error)})`;
  if (ToolwrightError.isInstance(error) || error instanceof Error) return error.message;
  return String(error);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
