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
import { type Clock, systemClock } from '../clock.ts';
import { errorMessage } from '../connection.ts';
import { MAX_TIMER_MS, type ToolErrorBehavior } from '../options.ts';
import { callFailure, resultText, toolFailure } from '../result-mapping.ts';
import { type ResultSchema, toolResultValue } from '../result-schema.ts';
import type { MCPCallToolResult } from '../wire.ts';
import { type CancelOutcome, CancelRequest, NO_CANCEL_NOTE, withNote } from './cancel-request.ts';
import { type PollingPolicy, PollScheduler } from './poll-scheduler.ts';
import { taskError } from './task-errors.ts';
import type { InputStrategy, TaskGeneration } from './task-generation.ts';
import { isTerminalStatus, reduceSnapshot, type TaskOutcome, type TaskSnapshot } from './task-model.ts';
import { type TaskReference, taskReference } from './task-reference.ts';

/** Progress of a task, for a handle's listeners: a {@link ProgressUpdate} with the task it belongs to. */
export interface TaskProgressEvent extends ProgressUpdate {
  /** Always `'progress'`. */
  readonly type: 'progress';
  /** The server's id of the task reporting progress. */
  readonly taskId: string;
}

/** Something that happened to a task, for a handle's listeners: a status change, or progress. */
export type TaskHandleEvent =
  | {
      /** Always `'status'`: the task's status or status message changed. */
      readonly type: 'status';
      /** The task's state after the change. */
      readonly task: TaskSnapshot;
    }
  | TaskProgressEvent;

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

/** What a {@link TaskHandle} is made from (by the toolset). */
export interface TaskHandleInit {
  readonly generation: TaskGeneration;
  readonly toolName: string;
  readonly task: TaskSnapshot;
  readonly behavior: ToolErrorBehavior;
  readonly polling: PollingPolicy;
  /** Subscribes to the progress of the creating request (updates that came early are delivered first). */
  readonly subscribeProgress?: ((listener: (update: ProgressUpdate) => void) => () => void) | undefined;
  /** Receives status and progress events (the run's event sink, with the tool call id). */
  readonly emit?: ((event: ToolEvent) => void) | undefined;
  readonly toolCallId?: string | undefined;
  /** Validates the result's structuredContent for {@link TaskHandle.result}; none: the result as it comes. */
  readonly resultSchema?: ResultSchema | undefined;
  /** Timers (for tests); the real ones by default. */
  readonly clock?: Clock | undefined;
  /**
   * How long giving up on the task (an abort, a deadline, the ttl backstop, input that cannot be
   * answered) waits for the server to acknowledge tasks/cancel before its caller gets the error (default 1 000).
   */
  readonly cancelMs?: number | undefined;
}

/** Consecutive failed polls (other than typed failures) before the handle gives up. */
const MAX_POLL_FAILURES = 3;
/** Progress reported before anybody listened is kept (this many updates at most) for the first listener. */
const EARLY_PROGRESS = 64;
/** How long past its ttl a task that still runs is waited for, where the ttl is a backstop. */
const TTL_GRACE_MS = 1_000;
/** How long giving up on a task waits for the server to acknowledge tasks/cancel, unless the toolset says otherwise. */
const CANCEL_MS = 1_000;
/** How long a server whose tasks/get timed out is given to answer a ping before it is taken to be frozen. */
const PING_MS = 1_000;

/**
 * One task on an MCP server, of either generation: a reducer over the neutral snapshots the
 * generation reports. It learns of status changes from the server's pushes as soon as they arrive,
 * and polls (honouring the server's hint) only as the fallback, while someone waits or listens; the
 * poll scheduler decides when. When the task needs input, the generation's input strategy answers it.
 */
export class TaskHandle<Result = unknown> {
  /** The server's id of the task. */
  readonly taskId: string;
  /** The tool whose call the task runs. */
  readonly toolName: string;
  readonly #generation: TaskGeneration;
  readonly #scheduler: PollScheduler;
  readonly #input: InputStrategy;
  readonly #behavior: ToolErrorBehavior;
  readonly #emit: ((event: ToolEvent) => void) | undefined;
  readonly #toolCallId: string | undefined;
  readonly #resultSchema: ResultSchema | undefined;
  readonly #listeners = new Set<(event: TaskHandleEvent) => void>();
  readonly #unsubscribe: (() => void)[] = [];
  readonly #terminal: Promise<TaskSnapshot>;
  #resolveTerminal!: (task: TaskSnapshot) => void;
  #rejectTerminal!: (error: unknown) => void;
  #snapshot: TaskSnapshot;
  #progress: TaskProgressEvent | undefined;
  #done = false;
  #pollFailures = 0;
  /** Progress dispatched before the first listener came (see EARLY_PROGRESS); undefined once one did. */
  #earlyProgress: TaskHandleEvent[] | undefined = [];
  /** Counts status notifications: a poll answered after one arrived may be older than it. */
  #notified = 0;
  /** The error the handle failed with (a lost connection, an expired task), for cancel() to report. */
  #failure: unknown;
  #outcome: Promise<TaskOutcome> | undefined;
  /** When the handle first saw the task (the ttl backstop counts from here, never from the server's clock). */
  readonly #firstSeen = performance.now();
  #ttlArmed: number | null = null;
  #stopTtl: (() => void) | undefined;
  /** The one tasks/cancel this handle sends, whichever end path asks for it. */
  readonly #cancel: CancelRequest;

  /** Made by the toolset (`callTool` as a task, `resumeTask`), not by applications: takes the task's first snapshot and its connection, and starts watching the task's status notifications; it polls only while someone waits or listens. */
  constructor(init: TaskHandleInit) {
    this.taskId = init.task.taskId;
    this.toolName = init.toolName;
    this.#generation = init.generation;
    const clock = init.clock ?? systemClock;
    this.#scheduler = new PollScheduler(init.polling, () => this.#poll(), clock);
    this.#cancel = new CancelRequest(() => this.#cancelAndLook(), clock, init.cancelMs ?? CANCEL_MS);
    this.#input = init.generation.inputStrategy(
      this.taskId,
      { pollNow: () => this.#scheduler.now(), toolName: this.toolName, abandon: (error) => this.#abandon(error) },
      clock,
    );
    this.#behavior = init.behavior;
    this.#emit = init.emit;
    this.#toolCallId = init.toolCallId;
    this.#resultSchema = init.resultSchema;
    this.#snapshot = init.task;
    this.#scheduler.hint(init.task.pollInterval);
    this.#terminal = new Promise((resolve, reject) => {
      this.#resolveTerminal = resolve;
      this.#rejectTerminal = reject;
    });
    this.#terminal.catch(() => undefined); // waiters get the rejection; an unwatched handle must not leave an unhandled one
    this.#unsubscribe.push(
      this.#generation.watch(this.taskId, (task) => {
        this.#notified++;
        this.#update(task);
      }),
      this.#generation.onLost((error) =>
        this.#fail(
          new ConnectionLostError(
            `Lost the connection to the MCP server while task ${this.taskId} of tool '${this.toolName}' was running (${errorMessage(error)}). The task may still run: resume it with toolset.resumeTask(reference) on a new connection.`,
            this.#details(error),
          ),
        ),
      ),
    );
    if (init.subscribeProgress) this.#unsubscribe.push(init.subscribeProgress((update) => this.#onProgress(update)));
    if (isTerminalStatus(init.task.status)) this.#finish(init.task);
    else {
      this.#armTtl(init.task.ttl);
      this.#input.onSnapshot(init.task);
    }
  }

  /** The status as last seen. */
  get status(): TaskSnapshot['status'] {
    return this.#snapshot.status;
  }
  /** The server's message for the current status; undefined when it gave none. */
  get statusMessage(): string | undefined {
    return this.#snapshot.statusMessage;
  }
  /** When the server created the task (ISO 8601, the server's clock). */
  get createdAt(): string {
    return this.#snapshot.createdAt;
  }
  /** When the server last changed the task (ISO 8601, the server's clock). */
  get lastUpdatedAt(): string {
    return this.#snapshot.lastUpdatedAt;
  }
  /** Milliseconds from creation the server keeps the task; `null` for unlimited. */
  get ttl(): number | null {
    return this.#snapshot.ttl;
  }
  /** The server's suggested polling interval in milliseconds; undefined when it gave none. */
  get pollInterval(): number | undefined {
    return this.#snapshot.pollInterval;
  }
  /** The whole task state as last seen. */
  get snapshot(): TaskSnapshot {
    return this.#snapshot;
  }
  /** The last progress reported, if any. */
  get progress(): ProgressUpdate | undefined {
    return this.#progress;
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
    if (this.#done) return this.#terminal; // finished (or failed) already: an abort now changes nothing
    if (signal?.aborted) return this.#cancelForAbort(signal);
    this.#scheduler.watch();
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
      if (timeoutMs !== undefined && timeoutMs !== Number.POSITIVE_INFINITY) {
        stopTimer = longTimeout(() => {
          if (leave()) this.#deadlinePassed(timeoutMs, options.onTimeout ?? 'cancel').then(resolve, reject);
        }, timeoutMs);
      }
      this.#terminal.then(
        (task) => leave() && resolve(task),
        (error) => leave() && reject(error),
      );
    });
  }

  /**
   * Waits for the task and returns the tool's result, mapped like any tool call's. A failed task
   * becomes the toolset's tool error (ModelRetry, ToolFailed or ToolError) with the server's
   * message; a cancelled one a TaskCancelledError.
   */
  async result(options: WaitOptions = {}): Promise<Result> {
    const task = await this.wait(options);
    if (task.status === 'cancelled') {
      throw new TaskCancelledError(
        `Task ${this.taskId} of tool '${this.toolName}' was cancelled${task.statusMessage ? `: ${task.statusMessage}` : '.'}`,
        this.#details(),
      );
    }
    let outcome: TaskOutcome;
    try {
      outcome = await this.#fetchOutcome(task);
    } catch (error) {
      throw callFailure(this.toolName, error, this.#behavior);
    }
    // A failed task carries the JSON-RPC error the call itself would have answered.
    if (outcome.kind === 'error') {
      if (task.status === 'failed')
        throw this.#taskFailure(failureText(task.statusMessage, outcome.message), outcome.cause);
      throw callFailure(this.toolName, outcome.cause, this.#behavior);
    }
    const raw = outcome.result;
    if (task.status === 'failed' || raw.isError) {
      throw this.#taskFailure(resultText(raw) || task.statusMessage || '');
    }
    return (await toolResultValue(this.toolName, raw, this.#resultSchema, this.#details())) as Result;
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
    const received = task.outcome ?? this.#input.takeOutcome();
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
    // After the connection was lost the server cannot be told: say so, rather than resolve while the task runs on.
    if (this.#done && ConnectionLostError.isInstance(this.#failure)) throw this.#failure;
    if (this.#done) return;
    if (!this.#generation.supportsCancel) {
      this.#fail(this.#noCancel());
      return;
    }
    const report = await this.#cancel.answer();
    if (report.kind === 'failed') throw this.#withTask(report.error, 'tasks/cancel');
    if (report.kind === 'answered') this.#applyCancel(report.outcome);
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
      if (look !== undefined && isTerminalStatus(look.status)) this.#update(look);
      else
        this.#update({
          ...(look ?? this.#snapshot),
          status: 'cancelled',
          statusMessage: 'Cancellation was acknowledged by the server; the task stops when the server honours it.',
        });
      return;
    }
    this.#update(isTerminalStatus(answer.task.status) ? answer.task : { ...answer.task, status: 'cancelled' });
  }

  /**
   * Gives up on the task for an abort or a deadline: tasks/cancel is sent and waited for at most
   * `cancelMs`; without an answer by then the handle lets go (as cancelled) and the request goes on in
   * the background. Returns the sentence for the caller's error about what the server said.
   */
  async #giveUp(): Promise<string> {
    if (this.#done) return '';
    if (!this.#generation.supportsCancel) {
      this.#fail(this.#noCancel());
      return NO_CANCEL_NOTE;
    }
    const report = await this.#cancel.within();
    if (report.kind === 'answered') this.#applyCancel(report.outcome);
    else if (!this.#done)
      this.#update({
        ...this.#snapshot,
        status: 'cancelled',
        statusMessage: 'Cancellation was requested; the server has not confirmed it.',
      });
    return this.#cancel.note(report);
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
    this.#listeners.add(listener);
    // Progress that came before the first listener (say, flushed as the handle was made) is not lost.
    const early = this.#earlyProgress;
    this.#earlyProgress = undefined;
    for (const event of early ?? []) this.#deliver(listener, event);
    this.#scheduler.watch();
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      this.#listeners.delete(listener);
      this.#scheduler.unwatch();
    };
  }

  /** Status changes and progress as an async iterable: the current status first, the terminal status last. */
  async *events(): AsyncGenerator<TaskHandleEvent, void, undefined> {
    const queue: TaskHandleEvent[] = [{ type: 'status', task: this.#snapshot }];
    let wake: (() => void) | undefined;
    const stop = this.on((event) => {
      queue.push(event);
      wake?.();
    });
    try {
      let ended = this.#done;
      void this.#terminal.then(
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
          await this.#terminal; // rethrows how it failed, if it did
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

  #update(task: TaskSnapshot): void {
    if (this.#done) return;
    const change = reduceSnapshot(this.#snapshot, task);
    this.#snapshot = change.snapshot;
    this.#scheduler.hint(change.snapshot.pollInterval);
    if (change.changed) {
      this.#scheduler.changed();
      this.#dispatch({ type: 'status', task: change.snapshot });
    }
    if (change.terminal) this.#finish(change.snapshot);
    else {
      this.#armTtl(change.snapshot.ttl);
      this.#input.onSnapshot(change.snapshot);
    }
  }

  /**
   * Where the generation makes the ttl a backstop: a task still running past its ttl (counted
   * from when the handle first saw it, plus a grace) is cancelled and the handle fails with a
   * TaskExpiredError. The ttl may change; each new value re-arms the timer.
   */
  #armTtl(ttl: number | null): void {
    if (!this.#generation.ttlIsBackstop || ttl === this.#ttlArmed) return;
    this.#ttlArmed = ttl;
    this.#stopTtl?.();
    this.#stopTtl = undefined;
    if (ttl === null) return;
    const left = this.#firstSeen + ttl + TTL_GRACE_MS - performance.now();
    this.#stopTtl = longTimeout(
      () =>
        this.#abandon(
          new TaskExpiredError(
            `Task ${this.taskId} of tool '${this.toolName}' was still ${this.#snapshot.status} ${ttl} ms (its ttl) after the toolset first saw it, so the server may have discarded it; it was cancelled.`,
            this.#details(),
          ),
        ),
      Math.max(0, left),
    );
  }

  #onProgress(update: ProgressUpdate): void {
    if (this.#done) return;
    this.#progress = { type: 'progress', taskId: this.taskId, ...update };
    this.#dispatch(this.#progress);
  }

  #dispatch(event: TaskHandleEvent): void {
    const base = { toolName: this.toolName, toolCallId: this.#toolCallId, taskId: this.taskId };
    this.#emit?.(
      event.type === 'status'
        ? { type: 'task-status', ...base, status: event.task.status, statusMessage: event.task.statusMessage }
        : { type: 'progress', ...base, progress: event.progress, total: event.total, message: event.message },
    );
    if (this.#earlyProgress && event.type === 'progress' && this.#earlyProgress.length < EARLY_PROGRESS)
      this.#earlyProgress.push(event);
    for (const listener of [...this.#listeners]) this.#deliver(listener, event);
  }

  #deliver(listener: (event: TaskHandleEvent) => void, event: TaskHandleEvent): void {
    try {
      listener(event);
    } catch (error) {
      console.error(`A listener of task ${this.taskId} (tool '${this.toolName}') threw:`, error);
    }
  }

  #finish(task: TaskSnapshot): void {
    this.#done = true;
    this.#stop();
    this.#resolveTerminal(task);
  }

  #fail(error: unknown): void {
    if (this.#done) return;
    this.#done = true;
    this.#failure = error;
    this.#stop();
    this.#rejectTerminal(error);
  }

  /**
   * Stops at once (no later snapshot may settle the handle), cancels the task on the server, and
   * rejects once the server acknowledged, or after `cancelMs` without an answer (the request goes on
   * in the background), so a caller that closes the toolset on the error rarely leaves anything
   * running and never waits on the server. The error says which it was.
   */
  #abandon(error: Error): void {
    if (this.#done) return;
    this.#done = true;
    this.#stop();
    const settle = (note: string) => {
      this.#failure = withNote(this.#withTask(error) as Error, note);
      this.#rejectTerminal(this.#failure);
    };
    if (this.#generation.supportsCancel) void this.#cancel.within().then((report) => settle(this.#cancel.note(report)));
    else settle(NO_CANCEL_NOTE);
  }

  /** Releases everything the handle holds: timers, notification routes, the input strategy's requests. */
  #stop(): void {
    this.#scheduler.stop();
    this.#stopTtl?.();
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    this.#input.dispose();
    this.#earlyProgress = undefined;
  }

  async #poll(): Promise<void> {
    if (this.#done) return;
    const before = this.#snapshot.status;
    const notified = this.#notified;
    try {
      const task = await this.#generation.getTask(this.taskId);
      // Order comes from arrival, never from the server's clock: a report that arrived while this
      // poll was under way is newer, unless the poll saw the end.
      if (this.#notified === notified || isTerminalStatus(task.status)) this.#update(task);
      this.#pollFailures = 0;
      if (this.#snapshot.status === before) this.#scheduler.unchanged();
    } catch (error) {
      // A tasks/get that got no answer, from a server that answers no ping either: it has stopped answering.
      if (RequestTimeoutError.isInstance(error) && !(await this.#generation.answersPing(PING_MS)))
        this.#fail(this.#frozen(error as RequestTimeoutError));
      else if (this.#isFinalPollError(error) || ++this.#pollFailures >= MAX_POLL_FAILURES)
        this.#fail(this.#pollFailure(error));
      else this.#scheduler.failed();
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
    if (this.#behavior !== 'error') return toolFailure(this.toolName, serverMessage, this.#behavior, cause);
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
        `Polling task ${this.taskId} of tool '${this.toolName}' failed ${MAX_POLL_FAILURES} times in a row; the server's last answer was: ${serverMessage}. The task may still run: resume it later with toolset.resumeTask(reference).`,
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
      `${error.message} It did not answer a ping within ${PING_MS} ms either, so it seems to have stopped answering (task ${this.taskId} of tool '${this.toolName}'). The task may still run there: resume it later with toolset.resumeTask(reference).`,
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

/**
 * Runs `callback` after `ms` milliseconds, however long: a delay beyond the longest single timer
 * is waited in steps. Returns a function that cancels it.
 */
function longTimeout(callback: () => void, ms: number): () => void {
  const due = performance.now() + ms;
  let timer: ReturnType<typeof setTimeout>;
  const arm = () => {
    const left = due - performance.now();
    timer = left > MAX_TIMER_MS ? setTimeout(arm, MAX_TIMER_MS) : setTimeout(callback, Math.max(0, left));
  };
  arm();
  return () => clearTimeout(timer);
}
