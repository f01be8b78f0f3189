import type { Clock } from '../clock.ts';

/** A clock for tests: timers fire only when {@link advance} passes their time. */
export class ManualClock implements Clock {
  #now = 0;
  #next = 0;
  readonly #timers = new Map<number, { readonly due: number; readonly callback: () => void }>();

  setTimeout(callback: () => void, ms: number): unknown {
    const id = ++this.#next;
    this.#timers.set(id, { due: this.#now + ms, callback });
    return id;
  }

  clearTimeout(timer: unknown): void {
    this.#timers.delete(timer as number);
  }

  now(): number {
    return this.#now;
  }

  /** How many timers are armed. */
  get pending(): number {
    return this.#timers.size;
  }

  /** The delay of the one armed timer, from now. */
  get nextDelay(): number | undefined {
    let due: number | undefined;
    for (const timer of this.#timers.values()) due = due === undefined ? timer.due : Math.min(due, timer.due);
    return due === undefined ? undefined : due - this.#now;
  }

  /** Moves time on by `ms`, firing each timer that comes due, in order. */
  advance(ms: number): void {
    const until = this.#now + ms;
    for (;;) {
      let first: [number, { due: number; callback: () => void }] | undefined;
      for (const entry of this.#timers)
        if (entry[1].due <= until && (!first || entry[1].due < first[1].due)) first = entry;
      if (!first) break;
      this.#timers.delete(first[0]);
      this.#now = first[1].due;
      first[1].callback();
    }
    this.#now = until;
  }
}
