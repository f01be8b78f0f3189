// Test support (not exported): what a promise settled with, and whether a call threw or rejected.

/** What `promise` settled with (its rejection, or `{ resolved }`), or `'still waiting'` after `ms`. */
export async function within(promise: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise((resolve) => {
    timer = setTimeout(resolve, ms, 'still waiting');
  });
  const settled = promise.then(
    (resolved) => ({ resolved }),
    (error: unknown) => error,
  );
  try {
    return await Promise.race([settled, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** How one call ended: a synchronous throw, or a promise settled with `error` (undefined when it resolved). */
export interface CallOutcome {
  readonly threw: boolean;
  readonly error: unknown;
}

/** Calls each function in turn, telling apart a synchronous throw from a rejected promise. */
export async function settleEach(calls: readonly [string, () => Promise<unknown>][]): Promise<[string, CallOutcome][]> {
  const outcomes: [string, CallOutcome][] = [];
  for (const [what, call] of calls) {
    let promise: Promise<unknown>;
    try {
      promise = call();
    } catch (error) {
      outcomes.push([what, { threw: true, error }]);
      continue;
    }
    outcomes.push([
      what,
      {
        threw: false,
        error: await promise.then(
          () => undefined,
          (error: unknown) => error,
        ),
      },
    ]);
  }
  return outcomes;
}

/** Waits `ms`. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The words of an error whose tasks/cancel the server did not acknowledge within timeouts.cancelMs (1 s). */
export const UNACKNOWLEDGED = /has not acknowledged tasks\/cancel within 1000 ms/;
