import type { Clock } from '../clock.ts';

/** How a handle polls; see `TaskPolling` in the options. */
export interface PollingPolicy {
  readonly minMs: number;
  readonly maxMs: number;
  readonly defaultMs: number;
  /** What the interval is multiplied by after a poll that found no change (no hint given). */
  readonly backoff: number;
  /** What the interval is multiplied by after a failed poll. */
  readonly failureBackoff: number;
}

/**
 * When the next poll of a task happens: only while someone watches, at the server's hint when it
 * gave one, else with a backoff that grows while nothing changes and doubles after a failure,
 * always within the policy's bounds. One poll at a time; the poll itself is the owner's: it begins
 * with {@link begin} and ends with {@link end}, so the owner's function is the timer's callback and
 * a scheduler holds no function of its own (one per task adds up over thousands of tasks).
 */
export class PollScheduler {
  readonly #policy: PollingPolicy;
  readonly #clock: Clock;
  readonly #poll: () => void;
  #watchers = 0;
  #timer: unknown;
  #inFlight = false;
  #backoffMs: number;
  #hintMs: number | undefined;
  #stopped = false;

  /**
   * `poll` is called when a poll is due; it polls only if {@link begin} says so, calls {@link end}
   * when done, and reports how it went through {@link changed}, {@link unchanged} and {@link failed}.
   */
  constructor(policy: PollingPolicy, poll: () => void, clock: Clock) {
    this.#policy = policy;
    this.#poll = poll;
    this.#clock = clock;
    this.#backoffMs = policy.defaultMs;
  }

  /** The delay the next poll waits, in milliseconds. */
  get nextDelayMs(): number {
    const { minMs, maxMs } = this.#policy;
    return Math.min(Math.max(this.#hintMs ?? this.#backoffMs, minMs), maxMs);
  }

  /** Someone started watching: polling runs while anyone does. */
  watch(): void {
    this.#watchers++;
    if (this.#watchers === 1) this.#schedule();
  }

  /** A watcher left. */
  unwatch(): void {
    this.#watchers--;
    if (this.#watchers === 0) this.#clear();
  }

  /** The server's latest poll hint (`pollInterval`), or undefined. */
  hint(ms: number | undefined): void {
    this.#hintMs = ms;
  }

  /** The task's status changed: the backoff starts over. */
  changed(): void {
    this.#backoffMs = this.#policy.defaultMs;
  }

  /** A poll saw no change and the server gave no hint: wait longer next time. */
  unchanged(): void {
    if (this.#hintMs === undefined)
      this.#backoffMs = Math.min(this.#backoffMs * this.#policy.backoff, this.#policy.maxMs);
  }

  /** A poll failed in a way worth retrying: back off (twice as long by default). */
  failed(): void {
    const { minMs, maxMs, failureBackoff } = this.#policy;
    this.#backoffMs = Math.min(Math.max(this.#backoffMs, minMs) * failureBackoff, maxMs);
  }

  /** Polls at once (unless a poll is under way), whether or not anyone watches. */
  now(): void {
    if (this.#stopped || this.#inFlight) return;
    this.#clear();
    this.#poll();
  }

  /** A poll is starting: true when it may (none other under way, not stopped); then {@link end} must follow. */
  begin(): boolean {
    if (this.#stopped || this.#inFlight) return false;
    this.#inFlight = true;
    this.#timer = undefined;
    return true;
  }

  /** The poll {@link begin} allowed is over: the next is armed, if anyone watches. */
  end(): void {
    this.#inFlight = false;
    this.#schedule();
  }

  /** Stops for good. */
  stop(): void {
    this.#stopped = true;
    this.#clear();
  }

  #schedule(): void {
    if (this.#stopped || this.#watchers === 0 || this.#inFlight) return;
    this.#clear();
    this.#timer = this.#clock.setTimeout(this.#poll, this.nextDelayMs);
  }

  #clear(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
