import { ToolwrightError, UserError } from '@toolwright/core';
import type { InputHooks, InputStrategy } from '../../tasks/task-generation.ts';
import type { TaskInputRequest, TaskOutcome, TaskSnapshot } from '../../tasks/task-model.ts';

/** Answers one input request (through the handler a standalone request of its method gets). */
export type AnswerInput = (request: TaskInputRequest, signal: AbortSignal) => Promise<unknown>;

/** Sends answers back to the server under their keys. */
export type SendAnswers = (responses: Record<string, unknown>) => Promise<void>;

/** The most input requests one task may ask over its life: beyond, the server is taken to be looping. */
const MAX_INPUT_REQUESTS = 1_000;

/**
 * Input as MCP 2026-07-28 asks for it: a task in `input_required` carries its requests inline
 * (`inputRequests`, in tasks/get results and notifications/tasks). Each key is answered once over
 * the task's life, however many polls and notifications repeat it (the spec makes keys unique per
 * task), by the handler a standalone request of its method would get; each answer goes back as
 * soon as it is ready (the server accepts partial sets), and the task is then asked for its state.
 * A request nobody can answer, or a handler that throws, cancels the task with an error that says
 * what to do.
 */
export class EmbeddedInput implements InputStrategy {
  readonly #hooks: InputHooks;
  readonly #answer: AnswerInput;
  readonly #send: SendAnswers;
  readonly #what: string;
  readonly #seen = new Set<string>();
  readonly #abort = new AbortController();

  /** `what` names the task in messages ("Task 1 of tool 'x'"). */
  constructor(hooks: InputHooks, answer: AnswerInput, send: SendAnswers, what: string) {
    this.#hooks = hooks;
    this.#answer = answer;
    this.#send = send;
    this.#what = what;
  }

  onSnapshot(task: TaskSnapshot): void {
    if (task.status !== 'input_required' || task.inputRequests === undefined) return;
    for (const request of task.inputRequests) {
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
    try {
      await this.#send({ [request.key]: response });
    } catch (error) {
      // The answer did not get through (the task ended meanwhile, the connection broke): the next
      // look at the task tells what became of it.
      if (signal.aborted) return;
      if (ToolwrightError.isInstance(error) && !UserError.isInstance(error)) {
        this.#hooks.pollNow();
        return;
      }
      this.#fail(error as Error);
      return;
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
