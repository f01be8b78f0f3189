import { type Clock, MAX_TIMER_MS } from '../../clock.ts';
import type { RequestOptions } from '../../connection.ts';
import type { InputHooks, InputStrategy } from '../../tasks/task-generation.ts';
import type { TaskOutcome, TaskSnapshot } from '../../tasks/task-model.ts';

/** A held-open tasks/result is ended by the strategy, not by a timeout: it gets the longest a timer takes. */
const NO_TIMEOUT_MS = MAX_TIMER_MS;

/** The wait before a held-open tasks/result that ended early is sent again: `floorMs` first, doubling up to `maxMs`. */
export interface HeldOpenRetry {
  readonly floorMs: number;
  readonly maxMs: number;
}

/**
 * Input the 2025-11-25 way: while a task needs input, a tasks/result is kept open so the server can
 * deliver its requests (elicitation, sampling) to the client's handlers on it. Its answer is the
 * final outcome, kept for the handle. A server that answers (or fails) before the task is terminal
 * is asked again only after a wait that starts at a floor and doubles, so it cannot make it loop hot.
 */
export class HeldOpenResult implements InputStrategy {
  readonly #fetch: (options: RequestOptions) => Promise<TaskOutcome>;
  readonly #hooks: InputHooks;
  readonly #clock: Clock;
  readonly #retry: HeldOpenRetry;
  #request: AbortController | undefined;
  #retryTimer: unknown;
  #retries = 0;
  #status: TaskSnapshot['status'] | undefined;
  #outcome: TaskOutcome | undefined;
  #disposed = false;

  /** `fetch` sends the tasks/result; `retry` bounds the wait between attempts. */
  constructor(
    fetch: (options: RequestOptions) => Promise<TaskOutcome>,
    hooks: InputHooks,
    clock: Clock,
    retry: HeldOpenRetry,
  ) {
    this.#fetch = fetch;
    this.#hooks = hooks;
    this.#clock = clock;
    this.#retry = retry;
  }

  onSnapshot(task: TaskSnapshot): void {
    this.#status = task.status;
    if (task.status === 'input_required') this.#open();
  }

  takeOutcome(): TaskOutcome | undefined {
    return this.#outcome;
  }

  dispose(): void {
    this.#disposed = true;
    this.#request?.abort();
    this.#request = undefined;
    if (this.#retryTimer !== undefined) this.#clock.clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
  }

  #open(): void {
    if (this.#request || this.#retryTimer !== undefined || this.#disposed) return;
    const request = new AbortController();
    this.#request = request;
    const ended = (outcome: TaskOutcome | undefined) => {
      if (request.signal.aborted) return;
      if (outcome?.kind === 'result') this.#outcome = outcome;
      this.#request = undefined;
      // tasks/result answers only once the task is terminal: learn its final status now.
      this.#hooks.pollNow();
      if (this.#disposed) return;
      const delay = Math.min(this.#retry.floorMs * 2 ** this.#retries++, this.#retry.maxMs);
      this.#retryTimer = this.#clock.setTimeout(() => {
        this.#retryTimer = undefined;
        if (this.#status === 'input_required') this.#open();
      }, delay);
    };
    this.#fetch({ signal: request.signal, timeoutMs: NO_TIMEOUT_MS }).then(ended, () => ended(undefined));
  }
}
