import type { ProgressUpdate } from '@toolwright/core';
import type { TaskHandleEvent } from '@toolwright/mcp-toolset';
import type { HostCall } from './host-call.ts';

/** How often the host hears of a task that says nothing new, by default: within the 60 s most hosts wait. */
export const DEFAULT_HEARTBEAT_MS = 15_000;

/**
 * Turns what happens to an upstream call (task status changes, progress) into the host's
 * `notifications/progress` on its progress token: the status message (or the progress message) as
 * the progress message, and a progress value that rises with each notification, as the spec asks.
 * A task quiet for `heartbeatMs` is announced again with its last message, so a host that resets
 * its request timeout on progress keeps waiting however long the task takes.
 */
export class ProgressReporter {
  readonly #host: () => HostCall;
  #last: string | undefined;
  #lastAt = 0;
  #status: string | undefined;
  #statusMessage: string | undefined;
  #closed = false;
  readonly #timer: ReturnType<typeof setInterval> | undefined;

  /** `host` is the request progress goes to now (a call of several rounds moves on to the next request). */
  constructor(host: () => HostCall, heartbeatMs: number) {
    this.#host = host;
    if (heartbeatMs > 0) {
      this.#timer = setInterval(() => {
        if (performance.now() - this.#lastAt >= heartbeatMs) this.#send(this.#last);
      }, heartbeatMs);
      this.#timer.unref?.();
    }
  }

  /**
   * A task's status (its message, else the status itself): every change is sent, except a new
   * message whose words the host just got as a progress update (a server may report a step both ways).
   */
  status(status: string, statusMessage: string | undefined): void {
    const statusChanged = status !== this.#status;
    const messageChanged = statusMessage !== this.#statusMessage;
    this.#status = status;
    this.#statusMessage = statusMessage;
    const words = statusMessage ?? status;
    if (statusChanged || (messageChanged && words !== this.#last)) this.#send(words);
  }

  /** A progress update of the call or its task (not sent again when it repeats the words just sent). */
  progress(update: ProgressUpdate): void {
    const count = update.total === undefined ? `${update.progress}` : `${update.progress}/${update.total}`;
    const message = update.message ?? count;
    // A status change and the progress update of the same step often carry the same words: once is enough.
    if (message !== this.#last || this.#lastAt === 0) this.#send(message);
  }

  /** An event of a task handle. */
  event(event: TaskHandleEvent): void {
    if (event.type === 'status') this.status(event.task.status, event.task.statusMessage);
    else this.progress(event);
  }

  /** Stops the heartbeat; nothing more is sent. */
  close(): void {
    clearInterval(this.#timer);
    this.#closed = true;
  }

  #send(message: string | undefined): void {
    if (this.#closed) return;
    this.#last = message;
    this.#lastAt = performance.now();
    this.#host().progress(message);
  }
}
