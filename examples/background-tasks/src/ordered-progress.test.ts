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
  it("shows a step's bar after its status line, whichever arrives first", () => {
    const { lines, status, progress } = recorder();
    status('step 1 of 3'); // status first
    progress(1, 3);
    progress(2, 3); // progress first: held
    status('step 2 of 3');
    progress(3, 3);
    status('step 3 of 3');
    expect(lines).toEqual([
      'status step 1 of 3',
      'bar 1',
      'status step 2 of 3',
      'bar 2',
      'status step 3 of 3',
      'bar 3',
    ]);
  });

  it('keeps the order when statuses lag several steps behind', () => {
    const { lines, status, progress } = recorder();
    progress(1, 3);
    progress(2, 3);
    status('step 1 of 3');
    status('step 2 of 3');
    progress(3, 3);
    status('step 3 of 3');
    expect(lines).toEqual([
      'status step 1 of 3',
      'bar 1',
      'status step 2 of 3',
      'bar 2',
      'status step 3 of 3',
      'bar 3',
    ]);
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
