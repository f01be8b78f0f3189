import { ConnectionLostError, TaskExpiredError } from '@toolwright/core';
import type { Clock } from '../clock.ts';
import { errorMessage } from '../connection.ts';
import type { CancelAnswer } from './task-generation.ts';
import type { TaskSnapshot } from './task-model.ts';

/** What the server answered tasks/cancel, and (where it only acknowledged) what one look at the task showed. */
export interface CancelOutcome {
  readonly answer: CancelAnswer;
  readonly look?: TaskSnapshot | undefined;
}

/** What became of the tasks/cancel, as far as it was waited for. */
export type CancelReport =
  | { readonly kind: 'answered'; readonly outcome: CancelOutcome }
  | { readonly kind: 'failed'; readonly error: unknown }
  | { readonly kind: 'pending' };

/**
 * The one tasks/cancel a task handle sends: sent at most once, however many end paths ask for it (the
 * caller's cancel(), an abort, a deadline, the ttl backstop, input that cannot be answered). The request
 * runs within the connection's request timeout; {@link within} waits for it at most `waitMs` of the clock,
 * so cancelling never makes a caller wait on the server, and the request finishes in the background.
 */
export class CancelRequest {
  readonly #send: () => Promise<CancelOutcome>;
  readonly #clock: Clock;
  readonly #waitMs: number;
  #report: Promise<CancelReport> | undefined;

  constructor(send: () => Promise<CancelOutcome>, clock: Clock, waitMs: number) {
    this.#send = send;
    this.#clock = clock;
    this.#waitMs = waitMs;
  }

  /** Sends the request (once) and resolves with the server's answer or the failure, however long it takes. */
  answer(): Promise<CancelReport> {
    this.#report ??= this.#send().then(
      (outcome): CancelReport => ({ kind: 'answered', outcome }),
      (error: unknown): CancelReport => ({ kind: 'failed', error }),
    );
    return this.#report;
  }

  /** Sends the request (once) and resolves with its report, or `pending` once `waitMs` passed without one. */
  within(): Promise<CancelReport> {
    const answer = this.answer();
    return new Promise((resolve) => {
      const timer = this.#clock.setTimeout(() => resolve({ kind: 'pending' }), this.#waitMs);
      void answer.then((report) => {
        this.#clock.clearTimeout(timer);
        resolve(report);
      });
    });
  }

  /** The sentence an error gives about the cancellation it caused, from the report. */
  note(report: CancelReport): string {
    if (report.kind === 'pending')
      return `The server has not acknowledged tasks/cancel within ${this.#waitMs} ms (timeouts.cancelMs); the request goes on in the background (within timeouts.requestMs), and the task may still be running there.`;
    if (report.kind === 'answered')
      return report.outcome.answer.kind === 'already-ended'
        ? 'The task had already ended on the server.'
        : 'The server acknowledged the cancellation.';
    if (ConnectionLostError.isInstance(report.error))
      return 'The connection is lost, so the server could not be told: the task may still be running there.';
    if (TaskExpiredError.isInstance(report.error)) return 'The server no longer has the task.';
    return `The server refused tasks/cancel (${errorMessage(report.error).slice(0, 200)}), so the task may still be running there.`;
  }
}

/** The note of a server without tasks/cancel. */
export const NO_CANCEL_NOTE = 'The server does not offer tasks/cancel, so the task may still be running there.';

/** `error` with `note` added to its message (an error the toolset made, about to reach its caller). */
export function withNote<E extends Error>(error: E, note: string): E {
  error.message = `${error.message} ${note}`;
  return error;
}
