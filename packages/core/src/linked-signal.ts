/** The signal of one tool call and the function that unlinks it from its sources. */
export interface LinkedSignal {
  /** Aborted when any source aborts or `abort` is called. */
  readonly signal: AbortSignal;
  /** Aborts this call alone. */
  readonly abort: (reason: unknown) => void;
  /** Removes the listeners this call added to its sources; call it when the call ends. */
  readonly dispose: () => void;
}

/**
 * A signal aborted when any source aborts, linked only while the call runs. A run's signal lives
 * for the whole run; `AbortSignal.any` would keep a dependent per call on it until the run ends,
 * so each call adds a plain listener and removes it when the call ends.
 */
export function linkedSignal(...sources: readonly (AbortSignal | undefined)[]): LinkedSignal {
  const controller = new AbortController();
  const linked: { source: AbortSignal; onAbort: () => void }[] = [];
  const dispose = () => {
    for (const { source, onAbort } of linked.splice(0)) source.removeEventListener('abort', onAbort);
  };
  for (const source of sources) {
    if (!source) continue;
    if (source.aborted) {
      controller.abort(source.reason);
      break;
    }
    const onAbort = () => {
      controller.abort(source.reason);
      dispose();
    };
    source.addEventListener('abort', onAbort, { once: true });
    linked.push({ source, onAbort });
  }
  if (controller.signal.aborted) dispose();
  return { signal: controller.signal, abort: (reason) => controller.abort(reason), dispose };
}
