import type { ProgressUpdate } from '@toolwright/core';

/**
 * Shows each progress update after the status line of the same step. The server reports a step twice,
 * as a status message and as a progress notification, and the two travel apart: the status of a step
 * may arrive before its progress, or after the progress of later steps. A progress update whose message
 * has not yet been shown as a status is held, in order, until that status arrives; `flush` shows what is
 * left (the task ended, or a status never came).
 */
export function orderedProgress(show: (update: ProgressUpdate) => void) {
  const shownStatuses = new Set<string>();
  const held: ProgressUpdate[] = [];
  return {
    /** Call after printing a status line with this message: shows the updates held up to its step. */
    status(message: string | undefined): void {
      if (message === undefined) return;
      shownStatuses.add(message);
      const upTo = held.findIndex((update) => update.message === message);
      for (const update of held.splice(0, upTo + 1)) show(update);
    },
    /** Call with each progress update. */
    progress(update: ProgressUpdate): void {
      if (held.length === 0 && (update.message === undefined || shownStatuses.has(update.message))) show(update);
      else held.push(update);
    },
    /** Shows every update still held. */
    flush(): void {
      for (const update of held.splice(0)) show(update);
    },
  };
}
