import {
  ConnectionLostError,
  type ProgressUpdate,
  ProtocolError,
  RequestTimeoutError,
  TaskCancelledError,
  TaskDeadlineError,
  type TaskErrorDetails,
  TaskExpiredError,
  TaskFailedError,
  type ToolEvent,
  ToolwrightError,
  UserError,
} from '@toolwright/core';
import { type Clock, longTimeout } from '../clock.ts';
import { errorMessage } from '../connection.ts';
import type { ResolvedOptions, ToolErrorBehavior } from '../options.ts';
import { callFailure, mapToolResult, resultText, toolFailure } from '../result-mapping.ts';
import { type ResultSchema, toolResultValue } from '../result-schema.ts';
import type { MCPCallToolResult } from '../wire.ts';
import { type CancelOutcome, CancelRequest, NO_CANCEL_NOTE, withNote } from './cancel-request.ts';
import { type PollingPolicy, PollScheduler } from './poll-scheduler.ts';
import { taskError } from './task-errors.ts';
import type { InputStrategy, TaskGeneration } from './task-generation.ts';
import {
  type HandleAction,
  type HandleEffect,
  type HandleEnd,
  type HandleRules,
  type HandleState,
  initialHandleState,
  reduceHandle,
  type TaskHandleEvent,
} from './task-lifecycle.ts';
import { isTerminalStatus, type TaskOutcome, type TaskSnapshot } from './task-model.ts';
import { type TaskReference, taskReference } from './task-reference.ts';
import type { TaskNews } from './task-status-hub.ts';

/** Options of {@link TaskHandle.wait} and {@link TaskHandle.result}. */
export interface WaitOptions {
  /** Aborting cancels the task on the server and rejects with a TaskCancelledError. */
  readonly signal?: AbortSignal | undefined;
  /**
   * A deadline for the task, from now. Passing it rejects with a TaskDeadlineError carrying the
   * reference. Any length works, also beyond the longest single timer (about 24.8 days).
   */
  readonly timeoutMs?: number | undefined;
  /** What the deadline does to the task: cancel it (default) or leave it running to be fetched later. */
  readonly onTimeout?: 'cancel' | 'leave-running' | undefined;
}

/**
 * What every task handle of a toolset shares: made once per connection from the toolset's options
 * (see {@link handleSettings}), so a handle holds one reference for all of it.
 */
export interface HandleSettings {
  /** How a failed task is reported (the toolset's `toolErrorBehavior`). */
  readonly behavior: ToolErrorBehavior;
  readonly polling: PollingPolicy;
  /** Timers and time: the deadline, the ttl backstop, polling, the wait for tasks/cancel. */
  readonly clock: Clock;
  /**
   * How long giving up on the task (an abort, a deadline, the ttl backstop, input that cannot be
   * answered) waits for the server to acknowledge tasks/cancel before its caller gets the error.
   */
  readonly cancelMs: number;
  /** How long a server whose tasks/get timed out is given to answer a ping before it is taken to be frozen. */
  readonly pingMs: number;
  /** How long past its ttl a task that still runs is waited for, where the ttl is a backstop. */
  readonly ttlGraceMs: number;
  /** The reducer's rules: the generation's ttl rule, the failed polls allowed. */
  readonly rules: HandleRules;
}

/** The settings every handle on `generation` shares, from the toolset's resolved options. */
export function handleSettings(options: ResolvedOptions, generation: TaskGeneration): HandleSettings {
  return {
    behavior: options.toolErrorBehavior,
    polling: {
      minMs: options.minPollMs,
      maxMs: options.maxPollMs,
      defaultMs: options.defaultPollMs,
      backoff: options.pollBackoff,
      failureBackoff: options.pollFailureBackoff,
    },
    clock: options.clock,
    cancelMs: options.cancelMs,
    pingMs: options.pingMs,
    ttlGraceMs: options.ttlGraceMs,
    rules: { ttlIsBackstop: generation.ttlIsBackstop, maxPollFailures: options.maxPollFailures },
  };
}

/** What a {@link TaskHandle} is made from (by the toolset). */
export interface TaskHandleInit {
  readonly generation: TaskGeneration;
  readonly toolName: string;
  readonly task: TaskSnapshot;
  readonly settings: HandleSettings;
  /** Subscribes to the progress of the creating request (updates that came early are delivered first). */
  readonly subscribeProgress?: ((listener: (update: ProgressUpdate) => void) => () => void) | undefined;
  /** Receives status and progress events (the run's event sink, with the tool call id). */
  readonly emit?: ((event: ToolEvent) => void) | undefined;
  readonly toolCallId?: string | undefined;
  /** Validates the result's structuredContent for {@link TaskHandle.result}; none: the result as it comes. */
  readonly resultSchema?: ResultSchema | undefined;
}

/** Progress reported before anybody listened is kept (this many updates at most) for the first listener. */
const EARLY_PROGRESS = 64;

/**
 * One task on an MCP server, of either generation. Everything that happens to it (a status the
 * server pushed, a poll's answer or failure, progress, a lost connection, giving the task up) is
 * one action, dispatched into the pure reducer of task-lifecycle.ts; the handle carries out the
 * effects the reducer returns, and ends in one place. It learns of status changes from the
 * server's pushes as soon as they arrive, and polls (honouring the server's hint) only as the
 * fallback, while someone waits or listens; the poll scheduler decides when. When the task needs
 * input, the generation's input strategy answers it. All time is the clock's.
 */
export class TaskHandle<Result = unknown> {
  /** The server's id of the task. */
  readonly taskId: string;
  /** The tool whose call the task runs. */
  readonly toolName: string;
  readonly #generation: TaskGeneration;
  readonly #settings: HandleSettings;
  readonly #scheduler: PollScheduler;
  readonly #emit: ((event: ToolEvent) => void) | undefined;
  readonly #toolCallId: string | undefined;
  readonly #resultSchema: ResultSchema | undefined;
  /**
   * What waiters wait on: made for the first of them (a handle nobody waits for holds no promise, and
   * leaves no unhandled rejection), settled by the end path through {@link #settle}.
   */
  #terminal: Promise<TaskSnapshot> | undefined;
  /** Settles {@link #terminal}; a failure is settled by resolving with a rejected promise, so no reject function is kept. */
  #resolveTerminal: ((task: TaskSnapshot | Promise<never>) => void) | undefined;
  /**
   * What callers of {@link result} without a signal or deadline wait on while the task runs: settled
   * by the end with the result itself, so such a caller holds nothing else.
   */
  #result: Promise<Result> | undefined;
  #resolveResult: ((result: Promise<Result>) => void) | undefined;
  /** How the handle ended for its waiters, once they are settled (a task given up only after its tasks/cancel). */
  #settled: { readonly task: TaskSnapshot } | { readonly error: unknown } | undefined;
  #state: HandleState;
  /** Listeners of {@link on}; made for the first. */
  #listeners: Set<(event: TaskHandleEvent) => void> | undefined;
  /**
   * Progress dispatched before the first listener came (see EARLY_PROGRESS): none yet (undefined),
   * some, or `false` once a listener came or the handle ended.
   */
  #early: TaskHandleEvent[] | false | undefined;
  /** What the generation tells this handle (pushed reports, the connection's loss); also the key that stops it. */
  readonly #watcher: (news: TaskNews) => void;
  /** Stops the progress of the creating request, when the handle ends. */
  #stopProgress: (() => void) | undefined;
  /** Answers the task's input requests; made when the task first needs input. */
  #input: InputStrategy | undefined;
  #outcome: Promise<TaskOutcome> | undefined;
  /** When the handle first saw the task (the ttl backstop counts from here, never from the server's clock). */
  readonly #firstSeen: number;
  #stopTtl: (() => void) | undefined;
  /** The one tasks/cancel this handle sends, whichever end path asks for it; made when one does. */
  #cancel: CancelRequest | undefined;

  /** Made by the toolset (`callTool` as a task, `resumeTask`), not by applications: takes the task's first snapshot and its connection, and starts watching the task's status notifications; it polls only while someone waits or listens. */
  constructor(init: TaskHandleInit) {
    this.taskId = init.task.taskId;
    this.toolName = init.toolName;
    this.#generation = init.generation;
    this.#settings = init.settings;
    // Whole milliseconds (plenty for a ttl): a small integer is stored in the handle, not boxed.
    this.#firstSeen = Math.floor(init.settings.clock.now());
    this.#scheduler = new PollScheduler(init.settings.polling, () => void this.#poll(), init.settings.clock);
    this.#emit = init.emit;
    this.#toolCallId = init.toolCallId;
    this.#resultSchema = init.resultSchema;
    this.#state = initialHandleState(init.task);
    this.#scheduler.hint(init.task.pollInterval);
    this.#watcher = (news) =>
      this.#dispatch(news.type === 'pushed' ? news : { type: 'failed', error: this.#lost(news.error) });
    this.#generation.watch(this.taskId, this.#watcher);
    if (init.subscribeProgress)
      this.#stopProgress = init.subscribeProgress((update) =>
        this.#dispatch({ type: 'progress', progress: { type: 'progress', taskId: this.taskId, ...update } }),
      );
    this.#dispatch({ type: 'opened' });
  }

  /** The status as last seen. */
  get status(): TaskSnapshot['status'] {
    return this.#state.snapshot.status;
  }
  /** The server's message for the current status; undefined when it gave none. */
  get statusMessage(): string | undefined {
    return this.#state.snapshot.statusMessage;
  }
  /** When the server created the task (ISO 8601, the server's clock). */
  get createdAt(): string {
    return this.#state.snapshot.createdAt;
  }
  /** When the server last changed the task (ISO 8601, the server's clock). */
  get lastUpdatedAt(): string {
    return this.#state.snapshot.lastUpdatedAt;
  }
  /** Milliseconds from creation the server keeps the task; `null` for unlimited. */
  get ttl(): number | null {
    return this.#state.snapshot.ttl;
  }
  /** The server's suggested polling interval in milliseconds; undefined when it gave none. */
  get pollInterval(): number | undefined {
    return this.#state.snapshot.pollInterval;
  }
  /** The whole task state as last seen. */
  get snapshot(): TaskSnapshot {
    return this.#state.snapshot;
  }
  /** The last progress reported, if any. */
  get progress(): ProgressUpdate | undefined {
    return this.#state.progress;
  }

  /** The reference to resume this task later, from another connection or process. */
  toJSON(): TaskReference {
    return taskReference(this.#generation, this.taskId, this.toolName);
  }

  /**
   * Waits until the task is terminal and returns its final state (a failed or cancelled task
   * resolves too; {@link result} turns those into errors). Rejects on abort (after cancelling the
   * task), on the deadline, on a lost connection, or when the server no longer has the task.
   */
  wait(options: WaitOptions = {}): Promise<TaskSnapshot> {
    const { signal, timeoutMs } = options;
    if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs >= 0 && !Number.isNaN(timeoutMs))) {
      return Promise.reject(
        new UserError(
          `wait/result for task ${this.taskId} of tool '${this.toolName}': timeoutMs must be a number of milliseconds (0 or more), got ${String(timeoutMs)}.`,
        ),
      );
    }
    if (this.#state.end !== undefined) return this.#whenEnded(); // ended already: an abort now changes nothing
    if (signal?.aborted) return this.#cancelForAbort(signal);
    this.#scheduler.watch();
    const deadline = timeoutMs !== undefined && timeoutMs !== Number.POSITIVE_INFINITY;
    // Nothing but the end stops this wait, and the end stops polling: no need to unwatch.
    if (!signal && !deadline) return this.#whenEnded();
    return new Promise<TaskSnapshot>((resolve, reject) => {
      let settled = false;
      let stopTimer: (() => void) | undefined;
      const leave = (): boolean => {
        if (settled) return false;
        settled = true;
        stopTimer?.();
        signal?.removeEventListener('abort', onAbort);
        this.#scheduler.unwatch();
        return true;
      };
      const onAbort = () => {
        if (leave()) this.#cancelForAbort(signal as AbortSignal).then(resolve, reject);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (deadline) {
        stopTimer = longTimeout(
          this.#settings.clock,
          () => {
            if (leave()) this.#deadlinePassed(timeoutMs, options.onTimeout ?? 'cancel').then(resolve, reject);
          },
          timeoutMs,
        );
      }
      this.#whenEnded().then(
        (task) => leave() && resolve(task),
        (error) => leave() && reject(error),
      );
    });
  }

  /** The promise of the end, for a waiter: made for the first (settled at once if the handle has ended). */
  #whenEnded(): Promise<TaskSnapshot> {
    if (this.#terminal !== undefined) return this.#terminal;
    const settled = this.#settled;
    if (settled !== undefined)
      this.#terminal = 'task' in settled ? Promise.resolve(settled.task) : Promise.reject(settled.error);
    else
      this.#terminal = new Promise((resolve) => {
        this.#resolveTerminal = resolve;
      });
    return this.#terminal;
  }

  /** Settles the waiters, now and to come: the one place the end reaches them. */
  #settle(settled: { readonly task: TaskSnapshot } | { readonly error: unknown }): void {
    this.#settled = settled;
    this.#resolveTerminal?.('task' in settled ? settled.task : Promise.reject(settled.error));
    this.#resolveTerminal = undefined;
    const resolveResult = this.#resolveResult;
    this.#result = undefined; // a later result() fetches again (a failed fetch may be tried again)
    this.#resolveResult = undefined;
    resolveResult?.('task' in settled ? this.#resultOf(settled.task) : Promise.reject(settled.error));
  }

  /**
   * Waits for the task and returns the tool's result, mapped like any tool call's. A failed task
   * becomes the toolset's tool error (ModelRetry, ToolFailed or ToolError) with the server's
   * message; a cancelled one a TaskCancelledError.
   */
  result(options: WaitOptions = {}): Promise<Result> {
    if (options.signal === undefined && options.timeoutMs === undefined && this.#state.end === undefined) {
      // Nothing but the end stops this wait (and the end stops polling): one promise, settled with the result.
      if (this.#result === undefined) {
        this.#scheduler.watch();
        this.#result = new Promise((resolve) => {
          this.#resolveResult = resolve;
        });
      }
      return this.#result;
    }
    // Not an async function: while the task runs, its waiter holds one reaction, not a suspended frame.
    return this.wait(options).then((task) => this.#resultOf(task));
  }

  /** The tool's result of the ended `task`, or its failure (see {@link result}). */
  #resultOf(task: TaskSnapshot): Promise<Result> {
    if (task.status === 'cancelled') {
      return Promise.reject(
        new TaskCancelledError(
          `Task ${this.taskId} of tool '${this.toolName}' was cancelled${task.statusMessage ? `: ${task.statusMessage}` : '.'}`,
          this.#details(),
        ),
      );
    }
    // Not an async function: every task's result passes here (see Connection.requestThrough).
    return this.#fetchOutcome(task).then(
      (outcome) => this.#outcomeValue(task, outcome),
      (error: unknown) => {
        throw callFailure(this.toolName, error, this.#settings.behavior);
      },
    );
  }

  /** The value of the tool's `outcome` for the ended `task`, or its failure. */
  #outcomeValue(task: TaskSnapshot, outcome: TaskOutcome): Result {
    // A failed task carries the JSON-RPC error the call itself would have answered.
    if (outcome.kind === 'error') {
      if (task.status === 'failed')
        throw this.#taskFailure(failureText(task.statusMessage, outcome.message), outcome.cause);
      throw callFailure(this.toolName, outcome.cause, this.#settings.behavior);
    }
    const raw = outcome.result;
    if (task.status === 'failed' || raw.isError) {
      throw this.#taskFailure(resultText(raw) || task.statusMessage || '');
    }
    // Where a result schema validates it, a promise of the value (the details are made only then).
    const schema = this.#resultSchema;
    return (
      schema === undefined ? mapToolResult(raw) : toolResultValue(this.toolName, raw, schema, this.#details())
    ) as Result;
  }

  /** The task's result as the server sent it (after waiting, like {@link wait}). */
  async rawResult(options: WaitOptions = {}): Promise<MCPCallToolResult> {
    const task = await this.wait(options);
    const outcome = await this.#fetchOutcome(task);
    // The JSON-RPC error the task failed with: the tool's failure, as result() reports it.
    if (outcome.kind === 'error')
      throw this.#taskFailure(failureText(task.statusMessage, outcome.message), outcome.cause);
    return outcome.result;
  }

  /** How the task ended, fetched once (a failed fetch may be tried again). */
  #fetchOutcome(task: TaskSnapshot): Promise<TaskOutcome> {
    const received = task.outcome ?? this.#input?.takeOutcome();
    this.#outcome ??= received
      ? Promise.resolve(received)
      : this.#generation.fetchOutcome(task).catch((error: unknown) => {
          this.#outcome = undefined;
          throw this.#withTask(error);
        });
    return this.#outcome;
  }

  /**
   * Cancels the task on the server (tasks/cancel); waiters then reject with a
   * TaskCancelledError. Resolves once the server confirmed. A task already finished is left as it is.
   */
  async cancel(): Promise<void> {
    const end = this.#state.end;
    // After the connection was lost the server cannot be told: say so, rather than resolve while the task runs on.
    if (end?.kind === 'failed' && ConnectionLostError.isInstance(end.error)) throw end.error;
    if (end !== undefined) return;
    if (!this.#generation.supportsCancel) {
      this.#dispatch({ type: 'failed', error: this.#noCancel() });
      return;
    }
    const report = await this.#cancelRequest().answer();
    if (report.kind === 'failed') throw this.#withTask(report.error, 'tasks/cancel');
    if (report.kind === 'answered') this.#applyCancel(report.outcome);
  }

  /** The one tasks/cancel of this handle. */
  #cancelRequest(): CancelRequest {
    this.#cancel ??= new CancelRequest(() => this.#cancelAndLook(), this.#settings.clock, this.#settings.cancelMs);
    return this.#cancel;
  }

  /**
   * tasks/cancel, and where the server only acknowledged (cooperative cancellation), one look at
   * the task: it tells whether the task stopped or finished first.
   */
  async #cancelAndLook(): Promise<CancelOutcome> {
    const answer = await this.#generation.cancelTask(this.taskId);
    if (answer.kind !== 'acknowledged') return { answer };
    return { answer, look: await this.#generation.getTask(this.taskId).catch(() => undefined) };
  }

  /** What the server's answer to tasks/cancel makes of the task. */
  #applyCancel({ answer, look }: CancelOutcome): void {
    if (answer.kind === 'already-ended') {
      this.#scheduler.now(); // it finished first: learn how it ended
      return;
    }
    if (answer.kind === 'acknowledged') {
      // The handle lets go, as the spec allows, unless the look saw the task end.
      if (look !== undefined && isTerminalStatus(look.status)) this.#dispatch({ type: 'cancelled', task: look });
      else
        this.#dispatch({
          type: 'cancelled',
          task: {
            ...(look ?? this.#state.snapshot),
            status: 'cancelled',
            statusMessage: 'Cancellation was acknowledged by the server; the task stops when the server honours it.',
          },
        });
      return;
    }
    const task = isTerminalStatus(answer.task.status) ? answer.task : { ...answer.task, status: 'cancelled' as const };
    this.#dispatch({ type: 'cancelled', task });
  }

  /**
   * Gives up on the task for an abort or a deadline: tasks/cancel is sent and waited for at most
   * `cancelMs`; without an answer by then the handle lets go (as cancelled) and the request goes on in
   * the background. Returns the sentence for the caller's error about what the server said.
   */
  async #giveUp(): Promise<string> {
    if (this.#state.end !== undefined) return '';
    if (!this.#generation.supportsCancel) {
      this.#dispatch({ type: 'failed', error: this.#noCancel() });
      return NO_CANCEL_NOTE;
    }
    const cancel = this.#cancelRequest();
    const report = await cancel.within();
    if (report.kind === 'answered') this.#applyCancel(report.outcome);
    else
      this.#dispatch({
        type: 'cancelled',
        task: {
          ...this.#state.snapshot,
          status: 'cancelled',
          statusMessage: 'Cancellation was requested; the server has not confirmed it.',
        },
      });
    return cancel.note(report);
  }

  /** The error of a handle that stops waiting on a server without tasks/cancel. */
  #noCancel(): TaskCancelledError {
    return new TaskCancelledError(
      `Stopped waiting for task ${this.taskId} of tool '${this.toolName}', but the server does not offer tasks/cancel, so the task may still be running there.`,
      this.#details(),
    );
  }

  /** Listens to status changes and progress until the task ends. Returns a function that stops listening. */
  on(listener: (event: TaskHandleEvent) => void): () => void {
    this.#listeners ??= new Set();
    this.#listeners.add(listener);
    // Progress that came before the first listener (say, flushed as the handle was made) is not lost.
    const early = this.#early;
    this.#early = false;
    if (early) for (const event of early) this.#deliver(listener, event);
    this.#scheduler.watch();
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      this.#listeners?.delete(listener);
      this.#scheduler.unwatch();
    };
  }

  /** Status changes and progress as an async iterable: the current status first, the terminal status last. */
  async *events(): AsyncGenerator<TaskHandleEvent, void, undefined> {
    const queue: TaskHandleEvent[] = [{ type: 'status', task: this.#state.snapshot }];
    let wake: (() => void) | undefined;
    const stop = this.on((event) => {
      queue.push(event);
      wake?.();
    });
    try {
      let ended = this.#state.end !== undefined;
      void this.#whenEnded().then(
        () => {
          ended = true;
          wake?.();
        },
        () => {
          ended = true;
          wake?.();
        },
      );
      while (true) {
        const event = queue.shift();
        if (event) {
          yield event;
          if (event.type === 'status' && isTerminalStatus(event.task.status)) return;
          continue;
        }
        if (ended) {
          await this.#whenEnded(); // rethrows how it failed, if it did
          return;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    } finally {
      stop();
    }
  }

  /** The one way the handle's state changes: the action through the reducer, then its effects. */
  #dispatch(action: HandleAction): void {
    const { state, effects } = reduceHandle(this.#state, action, this.#settings.rules);
    this.#state = state;
    for (const effect of effects) this.#apply(effect);
  }

  #apply(effect: HandleEffect): void {
    switch (effect.type) {
      case 'emit':
        this.#tell(effect.event);
        break;
      case 'poll':
        this.#scheduler.hint(effect.hint);
        if (effect.changed) this.#scheduler.changed();
        if (effect.unchanged) this.#scheduler.unchanged();
        break;
      case 'poll-failed':
        this.#scheduler.failed();
        break;
      case 'arm-ttl':
        this.#armTtl(effect.ttl);
        break;
      case 'input':
        this.#toInput(effect.task);
        break;
      case 'end':
        this.#end(effect.end);
        break;
    }
  }

  /**
   * Hands a snapshot to the input strategy, made when the task first needs input: until then
   * neither generation's strategy has anything to do.
   */
  #toInput(task: TaskSnapshot): void {
    // An effect of an earlier action, carried out after the input strategy or a listener ended the handle.
    if (this.#state.end !== undefined) return;
    if (this.#input === undefined) {
      if (task.status !== 'input_required') return;
      this.#input = this.#generation.inputStrategy(
        this.taskId,
        {
          pollNow: () => this.#scheduler.now(),
          toolName: this.toolName,
          abandon: (error) => this.#dispatch({ type: 'abandoned', error }),
        },
        this.#settings.clock,
      );
    }
    this.#input.onSnapshot(task);
  }

  /**
   * Where the generation makes the ttl a backstop: a task still running past its ttl (counted
   * from when the handle first saw it, plus a grace) is given up with a TaskExpiredError. Each new
   * ttl re-arms the timer.
   */
  #armTtl(ttl: number | null): void {
    this.#stopTtl?.();
    this.#stopTtl = undefined;
    // An effect of an earlier action, carried out after a listener or the input strategy ended the handle.
    if (ttl === null || this.#state.end !== undefined) return;
    const { clock, ttlGraceMs } = this.#settings;
    const left = this.#firstSeen + ttl + ttlGraceMs - clock.now();
    this.#stopTtl = longTimeout(
      clock,
      () =>
        this.#dispatch({
          type: 'abandoned',
          error: new TaskExpiredError(
            `Task ${this.taskId} of tool '${this.toolName}' was still ${this.#state.snapshot.status} ${ttl} ms (its ttl) after the toolset first saw it, so the server may have discarded it; it was cancelled.`,
            this.#details(),
          ),
        }),
      Math.max(0, left),
    );
  }

  /** Tells an event to the run's event sink and the listeners (or keeps progress for the first listener). */
  #tell(event: TaskHandleEvent): void {
    const base = { toolName: this.toolName, toolCallId: this.#toolCallId, taskId: this.taskId };
    this.#emit?.(
      event.type === 'status'
        ? { type: 'task-status', ...base, status: event.task.status, statusMessage: event.task.statusMessage }
        : { type: 'progress', ...base, progress: event.progress, total: event.total, message: event.message },
    );
    if (this.#early !== false && event.type === 'progress') {
      this.#early ??= [];
      if (this.#early.length < EARLY_PROGRESS) this.#early.push(event);
    }
    if (this.#listeners) for (const listener of [...this.#listeners]) this.#deliver(listener, event);
  }

  #deliver(listener: (event: TaskHandleEvent) => void, event: TaskHandleEvent): void {
    try {
      listener(event);
    } catch (error) {
      console.error(`A listener of task ${this.taskId} (tool '${this.toolName}') threw:`, error);
    }
  }

  /**
   * The one end path. Releases everything the handle holds (timers, notification routes, the input
   * strategy's requests), then settles the waiters: with the terminal task, with the error, or (for a
   * task given up) once the server acknowledged tasks/cancel or `cancelMs` passed without an answer
   * (the request goes on in the background), so a caller that closes the toolset on the error rarely
   * leaves anything running and never waits on the server. The error says which it was.
   */
  #end(end: HandleEnd): void {
    this.#scheduler.stop();
    this.#stopTtl?.();
    this.#generation.unwatch(this.taskId, this.#watcher);
    this.#stopProgress?.();
    this.#input?.dispose();
    this.#early = false;
    if (end.kind === 'finished') this.#settle({ task: end.task });
    else if (end.kind === 'failed') this.#settle({ error: end.error });
    else if (!this.#generation.supportsCancel) this.#settle({ error: this.#givenUp(end.error, NO_CANCEL_NOTE) });
    else {
      const cancel = this.#cancelRequest();
      void cancel.within().then((report) => this.#settle({ error: this.#givenUp(end.error, cancel.note(report)) }));
    }
  }

  /** The error of a lost connection, for this task. */
  #lost(error: Error): ConnectionLostError {
    return new ConnectionLostError(
      `Lost the connection to the MCP server while task ${this.taskId} of tool '${this.toolName}' was running (${errorMessage(error)}). The task may still run: resume it with toolset.resumeTask(reference) on a new connection.`,
      this.#details(error),
    );
  }

  /** The error of a task given up, with this task's details and what became of its cancellation. */
  #givenUp(error: Error, note: string): unknown {
    return withNote(this.#withTask(error) as Error, note);
  }

  /** One poll, when the scheduler allows it (see PollScheduler.begin). */
  async #poll(): Promise<void> {
    const { end, pushes, snapshot } = this.#state;
    if (end !== undefined || !this.#scheduler.begin()) return;
    try {
      const task = await this.#generation.getTask(this.taskId);
      this.#dispatch({ type: 'polled', task, pushes, status: snapshot.status });
    } catch (error) {
      // A tasks/get that got no answer, from a server that answers no ping either: it has stopped answering.
      if (RequestTimeoutError.isInstance(error) && !(await this.#generation.answersPing(this.#settings.pingMs)))
        this.#dispatch({ type: 'failed', error: this.#frozen(error as RequestTimeoutError) });
      else
        this.#dispatch({ type: 'poll-failed', error: this.#pollFailure(error), final: this.#isFinalPollError(error) });
    } finally {
      this.#scheduler.end();
    }
  }

  async #cancelForAbort(signal: AbortSignal): Promise<never> {
    const note = await this.#giveUp();
    throw withNote(
      new TaskCancelledError(
        `Task ${this.taskId} of tool '${this.toolName}' was cancelled because the run was aborted.`,
        {
          ...this.#details(),
          cause: signal.reason,
        },
      ),
      note,
    );
  }

  async #deadlinePassed(timeoutMs: number, onTimeout: 'cancel' | 'leave-running'): Promise<never> {
    const cancelled = onTimeout === 'cancel';
    if (cancelled)
      throw withNote(
        new TaskDeadlineError(
          `Task ${this.taskId} of tool '${this.toolName}' did not finish within ${timeoutMs} ms and was cancelled.`,
          { ...this.#details(), cancelled },
        ),
        await this.#giveUp(),
      );
    throw new TaskDeadlineError(
      `Task ${this.taskId} of tool '${this.toolName}' did not finish within ${timeoutMs} ms; it is still running. Fetch its result later with toolset.resumeTask(error.reference).`,
      { ...this.#details(), cancelled },
    );
  }

  #details(cause?: unknown): TaskErrorDetails {
    return {
      toolName: this.toolName,
      taskId: this.taskId,
      reference: this.toJSON(),
      ...(cause === undefined ? {} : { cause }),
    };
  }

  /** A failed task, by the toolset's behaviour; with `'error'` a TaskFailedError (a ToolError that carries the reference). */
  #taskFailure(serverMessage: string, cause?: unknown): unknown {
    const { behavior } = this.#settings;
    if (behavior !== 'error') return toolFailure(this.toolName, serverMessage, behavior, cause);
    const message = serverMessage || 'it failed without a message';
    return new TaskFailedError(
      `Task ${this.taskId} of tool '${this.toolName}' failed: ${message}`,
      this.#details(cause),
    );
  }

  /** Why polling gave up, typed: the last error with this task's reference (a server's error answer becomes a ProtocolError). */
  #pollFailure(error: unknown): unknown {
    const serverMessage = this.#generation.serverErrorMessage(error);
    if (serverMessage !== undefined) {
      return new ProtocolError(
        `Polling task ${this.taskId} of tool '${this.toolName}' failed ${this.#settings.rules.maxPollFailures} times in a row; the server's last answer was: ${serverMessage}. The task may still run: resume it later with toolset.resumeTask(reference).`,
        this.#details(error),
      );
    }
    return this.#withTask(error);
  }

  /** Poll errors that end the wait at once: the toolset's typed errors, but not a timeout or the server's error answer (those may pass). */
  #isFinalPollError(error: unknown): boolean {
    return (
      ToolwrightError.isInstance(error) &&
      !RequestTimeoutError.isInstance(error) &&
      this.#generation.serverErrorMessage(error) === undefined
    );
  }

  /** The error of a server that answered neither a tasks/get nor a ping: frozen, though its connection is open. */
  #frozen(error: RequestTimeoutError): RequestTimeoutError {
    return new RequestTimeoutError(
      `${error.message} It did not answer a ping within ${this.#settings.pingMs} ms either, so it seems to have stopped answering (task ${this.taskId} of tool '${this.toolName}'). The task may still run there: resume it later with toolset.resumeTask(reference).`,
      { ...this.#details(error.cause ?? error), method: error.method, timeoutMs: error.timeoutMs },
    );
  }

  /**
   * The same error with this task's name, id and reference, for errors raised below the handle; with
   * `method`, a server's error answer to it becomes a ProtocolError naming the task (its cause the answer).
   */
  #withTask(error: unknown, method?: string): unknown {
    const request =
      method === undefined ? undefined : { method, serverMessage: this.#generation.serverErrorMessage(error) };
    return taskError(error, { toolName: this.toolName, taskId: this.taskId, reference: this.toJSON() }, request);
  }
}

/** A failed task's message: its status message and the server's error message, each once. */
function failureText(statusMessage: string | undefined, errorMessage: string): string {
  if (!statusMessage || statusMessage.includes(errorMessage)) return statusMessage || errorMessage;
  if (errorMessage === '' || errorMessage.includes(statusMessage)) return errorMessage || statusMessage;
  return `${statusMessage} (the server's error: ${errorMessage})`;
}
