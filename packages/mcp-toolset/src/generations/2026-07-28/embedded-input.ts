import { ProtocolError, ToolwrightError, UserError } from '@toolwright/core';
import { serverAnswer } from '../../sdk/sdk-errors.ts';
import type { InputHooks, InputStrategy } from '../../tasks/task-generation.ts';
import type { TaskInputRequest, TaskOutcome, TaskSnapshot } from '../../tasks/task-model.ts';

/** Answers one input request (through the handler a standalone request of its method gets). */
export type AnswerInput = (request: TaskInputRequest, signal: AbortSignal) => Promise<unknown>;

/** Sends answers back to the server under their keys. */
export type SendAnswers = (responses: Record<string, unknown>) => Promise<void>;

/** The most input requests one task may ask over its life: beyond, the server is taken to be looping. */
const MAX_INPUT_REQUESTS = 1_000;
/** How many times an answer the server did not take is sent while the task still waits for it. */
const MAX_DELIVERIES = 3;

/**
 * Input as MCP 2026-07-28 asks for it: a task in `input_required` carries its requests inline
 * (`inputRequests`, in tasks/get results and notifications/tasks). Each key is answered once over
 * the task's life, however many polls and notifications repeat it (the spec makes keys unique per
 * task), by the handler a standalone request of its method would get; each answer goes back as
 * soon as it is ready (the server accepts partial sets), and the task is then asked for its state.
 * A request nobody can answer, or a handler that throws, cancels the task with an error that says
 * what to do. An answer the server refuses cancels the task too; one that did not get through (the
 * server said it has no such task, or did not answer) is sent again while the task still shows its
 * request, up to three times, and then cancels the task: it cannot be delivered.
 */
export class EmbeddedInput implements InputStrategy {
  readonly #hooks: InputHooks;
  readonly #answer: AnswerInput;
  readonly #send: SendAnswers;
  readonly #what: string;
  readonly #seen = new Set<string>();
  readonly #abort = new AbortController();
  /** Answers that did not get through, by key: what to send again, how often it was sent, and why it failed. */
  readonly #undelivered = new Map<
    string,
    { readonly response: unknown; readonly sends: number; readonly error: unknown }
  >();

  /** `what` names the task in messages ("Task 1 of tool 'x'"). */
  constructor(hooks: InputHooks, answer: AnswerInput, send: SendAnswers, what: string) {
    this.#hooks = hooks;
    this.#answer = answer;
    this.#send = send;
    this.#what = what;
  }

  onSnapshot(task: TaskSnapshot): void {
    const waiting = task.status === 'input_required' ? (task.inputRequests ?? []) : [];
    this.#retryUndelivered(new Set(waiting.map((request) => request.key)));
    for (const request of waiting) {
      if (this.#seen.has(request.key)) continue;
      if (this.#seen.size >= MAX_INPUT_REQUESTS) {
        this.#fail(
          new UserError(
            `${this.#what} asked for input more than ${MAX_INPUT_REQUESTS} times; the task was cancelled, as the server seems to loop.`,
          ),
        );
        return;
      }
      this.#seen.add(request.key);
      void this.#answerOne(request);
    }
  }

  /** Sends again the answers that did not get through and that the task still waits for; gives up after a few. */
  #retryUndelivered(waiting: ReadonlySet<string>): void {
    for (const [key, undelivered] of this.#undelivered) {
      if (!waiting.has(key)) {
        this.#undelivered.delete(key); // it got through after all, or the task moved on
        continue;
      }
      if (undelivered.sends >= MAX_DELIVERIES) {
        const reason = undelivered.error instanceof Error ? undelivered.error.message : String(undelivered.error);
        this.#fail(
          new ProtocolError(
            `The answer to input request '${key.slice(0, 60)}' of ${this.#what} could not be delivered: its tasks/update failed ${undelivered.sends} times (${reason.slice(0, 200)}) while the task kept waiting for it; the task was cancelled.`,
            { cause: undelivered.error },
          ),
        );
        return;
      }
      this.#undelivered.delete(key); // back once this send fails too
      void this.#deliver(key, undelivered.response, undelivered.sends);
    }
  }

  takeOutcome(): TaskOutcome | undefined {
    return undefined;
  }

  dispose(): void {
    this.#abort.abort();
  }

  async #answerOne(request: TaskInputRequest): Promise<void> {
    const signal = this.#abort.signal;
    let response: unknown;
    try {
      response = await this.#answer(request, signal);
    } catch (error) {
      if (!signal.aborted) this.#fail(handlerFailure(error, request, this.#what));
      return;
    }
    if (signal.aborted) return;
    await this.#deliver(request.key, response);
  }

  /**
   * Sends one answer (`sent` times sent before), then asks for the task's state. An answer the server
   * refused fails the task; one that did not get through is kept to be sent again while the task waits
   * for it (see {@link onSnapshot}).
   */
  async #deliver(key: string, response: unknown, sent = 0): Promise<void> {
    const signal = this.#abort.signal;
    try {
      await this.#send({ [key]: response });
    } catch (error) {
      if (signal.aborted) return;
      const refused = serverAnswer(error);
      if (UserError.isInstance(error) || refused !== undefined || !ToolwrightError.isInstance(error)) {
        this.#fail(
          UserError.isInstance(error)
            ? (error as Error)
            : new ProtocolError(
                `The server refused the answer to input request '${key.slice(0, 60)}' of ${this.#what} (tasks/update: ${(refused ?? String(error)).slice(0, 200)}); the task was cancelled.`,
                { cause: error },
              ),
        );
        return;
      }
      // It did not get through (the connection broke, the server says it has no such task): the next
      // look at the task tells whether it still waits for it.
      this.#undelivered.set(key, { response, sends: sent + 1, error });
    }
    this.#hooks.pollNow();
  }

  #fail(error: Error): void {
    this.#abort.abort();
    this.#hooks.abandon(error);
  }
}

/** The error for an input request that could not be answered: the toolset's own, or the handler's failure. */
export function handlerFailure(error: unknown, request: TaskInputRequest, what: string): Error {
  if (UserError.isInstance(error)) return error as Error;
  const message = error instanceof Error ? error.message : String(error);
  return new UserError(
    `The handler for ${request.method.slice(0, 60)} threw while answering input request '${request.key.slice(0, 60)}' of ${what}: ${message}. To refuse a request, answer it (an elicitation with { action: 'decline' } or { action: 'cancel' }) instead of throwing.`,
    { cause: error },
  );
}
