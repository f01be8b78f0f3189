import type { ProgressUpdate } from '@toolwright/core';
import { describe, expect, it } from 'vitest';
import { orderedProgress } from './ordered-progress.ts';

function recorder() {
  const lines: string[] = [];
  const ordered = orderedProgress((update: ProgressUpdate) => lines.push(`bar ${update.progress}`));
  const status = (message: string) => {
    lines.push(`status ${message}`);
    ordered.status(message);
  };
  const progress = (step: number, total: number) =>
    ordered.progress({ progress: step, total, message: `step ${step} of ${total}` });
  return { lines, ordered, status, progress };
}

describe('orderedProgress', () => {
  // Each step's status line, then its bar, whatever order the notifications came in.
  const inOrder = ['status step 1 of 3', 'bar 1', 'status step 2 of 3', 'bar 2', 'status step 3 of 3', 'bar 3'];
  it.each([
    ['status first, then progress first', ['s1', 'p1', 'p2', 's2', 'p3', 's3']],
    ['statuses lagging several steps behind', ['p1', 'p2', 's1', 's2', 'p3', 's3']],
  ])("shows a step's bar after its status line: %s", (_, arrivals) => {
    const { lines, status, progress } = recorder();
    for (const arrival of arrivals) {
      const step = Number(arrival.slice(1));
      if (arrival.startsWith('s')) status(`step ${step} of 3`);
      else progress(step, 3);
    }
    expect(lines).toEqual(inOrder);
  });

  it('never loses an update: what is held shows on flush', () => {
    const { lines, ordered, progress } = recorder();
    progress(1, 2); // its status never comes
    progress(2, 2);
    expect(lines).toEqual([]);
    ordered.flush();
    expect(lines).toEqual(['bar 1', 'bar 2']);
    ordered.progress({ progress: 3, total: 3, message: undefined }); // no message, nothing held: nothing to wait for
    expect(lines.at(-1)).toBe('bar 3');
  });
});
