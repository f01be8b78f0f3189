import { describe, expect, it } from 'vitest';
import type { HostCall } from './host-call.ts';
import { ProgressReporter } from './progress.ts';

/** A stand-in for the host request: it records the progress messages the reporter sends. */
function recordingHost(): { host: () => HostCall; sent: (string | undefined)[] } {
  const sent: (string | undefined)[] = [];
  const host = { progress: (message: string | undefined) => sent.push(message) } as unknown as HostCall;
  return { host: () => host, sent };
}

describe('ProgressReporter', () => {
  it('sends each status change once, and a progress update only when its words are new', () => {
    const { host, sent } = recordingHost();
    const reporter = new ProgressReporter(host, 0);
    reporter.status('working', undefined);
    reporter.status('working', 'step 1 of 2');
    reporter.progress({ progress: 1, total: 2, message: 'step 1 of 2' }); // the same step, reported both ways
    reporter.progress({ progress: 2, total: 2, message: 'step 2 of 2' }); // progress first this time…
    reporter.status('working', 'step 2 of 2'); // …then the status with the same words
    reporter.progress({ progress: 3, total: undefined, message: undefined }); // no message: the count
    reporter.status('completed', 'step 2 of 2'); // the status itself changed
    reporter.close();
    reporter.status('failed', 'after the end');
    expect(sent).toEqual(['working', 'step 1 of 2', 'step 2 of 2', '3', 'step 2 of 2']);
  });

  it('announces a quiet task again after the heartbeat interval, until closed', async () => {
    const { host, sent } = recordingHost();
    const reporter = new ProgressReporter(host, 20);
    reporter.status('working', 'thinking');
    await new Promise((resolve) => setTimeout(resolve, 120));
    reporter.close();
    const count = sent.length;
    expect(count).toBeGreaterThan(1);
    expect(new Set(sent)).toEqual(new Set(['thinking']));
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(sent.length).toBe(count);
  });
});
