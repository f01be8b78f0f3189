/**
 * Time as the toolset reads it: timers and a monotonic now, injectable (the toolset's `clock`
 * option) so that every delay of the task engine can be tested without waiting.
 */
export interface Clock {
  /** Calls `callback` once `ms` milliseconds passed; returns what {@link clearTimeout} takes to cancel it. */
  setTimeout(callback: () => void, ms: number): unknown;
  /** Cancels a timer {@link setTimeout} returned (one that fired or was cancelled already is ignored). */
  clearTimeout(timer: unknown): void;
  /** Milliseconds on a monotonic scale (only differences mean anything). */
  now(): number;
}

/**
 * The real timers and `performance.now()`. A delay is rounded up to a whole millisecond (timers fire on
 * whole milliseconds anyway): one fractional delay would make Node.js box a number in every timer of
 * the process from then on.
 */
export const systemClock: Clock = {
  setTimeout: (callback, ms) => setTimeout(callback, Math.ceil(ms)),
  clearTimeout: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout> | undefined),
  now: () => performance.now(),
};

/** The longest delay a Node.js timer takes; a longer one fires at once, so longer settings are refused. */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * Runs `callback` after `ms` milliseconds of `clock`, however long: a delay beyond the longest
 * single timer is waited in steps. Returns a function that cancels it.
 */
export function longTimeout(clock: Clock, callback: () => void, ms: number): () => void {
  const due = clock.now() + ms;
  let timer: unknown;
  const arm = () => {
    const left = due - clock.now();
    timer = left > MAX_TIMER_MS ? clock.setTimeout(arm, MAX_TIMER_MS) : clock.setTimeout(callback, Math.max(0, left));
  };
  arm();
  return () => clock.clearTimeout(timer);
}
