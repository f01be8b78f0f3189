import { type Clock, systemClock } from './clock.ts';

/**
 * Waits for `work` while `signal` is not aborted, and once it is, for at most `graceMs` more: a server
 * that answers soon after an abort is still heard (its answer may name a task to cancel), one that does
 * not cannot hold the caller. Resolves with `{ value }`, or with undefined when the grace passed first
 * (`work` goes on, and its late answer is the caller's to deal with); rejects as `work` does meanwhile.
 */
export function withAbortGrace<T>(
  work: Promise<T>,
  signal: AbortSignal,
  graceMs: number,
  clock: Clock = systemClock,
): Promise<{ readonly value: T } | undefined> {
  return new Promise((resolve, reject) => {
    let timer: unknown;
    const startGrace = () => {
      timer = clock.setTimeout(() => {
        timer = undefined;
        signal.removeEventListener('abort', startGrace);
        resolve(undefined);
      }, graceMs);
    };
    const settled = () => {
      signal.removeEventListener('abort', startGrace);
      if (timer !== undefined) clock.clearTimeout(timer);
    };
    if (signal.aborted) startGrace();
    else signal.addEventListener('abort', startGrace, { once: true });
    work.then(
      (value) => {
        settled();
        resolve({ value });
      },
      (error: unknown) => {
        settled();
        reject(error);
      },
    );
  });
}
