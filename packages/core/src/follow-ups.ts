import { UserError } from './errors.ts';

/** The outcome of work that ended after its tool call had returned (a background tool). */
export interface FollowUp {
  /** The tool whose result arrived in the background. */
  readonly toolName: string;
  /** The id the acknowledgement named: the server's task id for a task, else the tool call id. */
  readonly id: string;
  /** The id of the tool call that started the work; undefined when the run gave none. */
  readonly toolCallId: string | undefined;
  /** `'result'` when the work succeeded, `'failure'` when it failed. */
  readonly outcome: 'result' | 'failure';
  /** The tool's result, or the failure's message. */
  readonly content: unknown;
  /** The outcome as text written for the model. */
  readonly message: string;
}

/** A follow-up as the text an adapter adds to the conversation for the model: `[background result] …`. */
export function followUpText(followUp: FollowUp): string {
  return `[background result] ${followUp.message}`;
}

/**
 * Follow-ups of one run, in the order their work ended. `take()` drains what is there; `next()`
 * waits for the next one.
 */
export class FollowUpQueue {
  readonly #items: FollowUp[] = [];
  readonly #waiters = new Set<(item: FollowUp) => void>();

  /** How many follow-ups are waiting to be taken. */
  get size(): number {
    return this.#items.length;
  }

  /** Adds a follow-up, handing it straight to a waiting `next()` if there is one. */
  push(item: FollowUp): void {
    const [waiter] = this.#waiters;
    if (waiter) {
      this.#waiters.delete(waiter);
      waiter(item);
    } else {
      this.#items.push(item);
    }
  }

  /** Removes and returns every follow-up waiting now. */
  take(): FollowUp[] {
    return this.#items.splice(0);
  }

  /** Resolves with the next follow-up; rejects with the signal's reason when aborted first. */
  next(signal?: AbortSignal): Promise<FollowUp> {
    const item = this.#items.shift();
    if (item) return Promise.resolve(item);
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.#waiters.delete(waiter);
        reject(abortReason(signal));
      };
      const waiter = (next: FollowUp) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(next);
      };
      this.#waiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

function abortReason(signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? new UserError('Waiting for a follow-up was aborted.');
}
