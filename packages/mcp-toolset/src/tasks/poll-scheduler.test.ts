import { describe, expect, it } from 'vitest';
import { ManualClock } from '../test-support/manual-clock.ts';
import { PollScheduler } from './poll-scheduler.ts';

const POLICY = { minMs: 10, maxMs: 1_000, defaultMs: 100, backoff: 1.5, failureBackoff: 2 };

/** A scheduler whose owner polls as a task handle does: between begin() and end(), `result` the poll. */
function scheduler(result: () => Promise<void> = async () => undefined, policy = POLICY) {
  const clock = new ManualClock();
  let polls = 0;
  const scheduler: PollScheduler = new PollScheduler(
    policy,
    () => {
      if (!scheduler.begin()) return;
      polls++;
      void result().finally(() => scheduler.end());
    },
    clock,
  );
  return { clock, scheduler, polls: () => polls };
}

/** Lets the poll's promise settle, so the scheduler arms its next timer. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('PollScheduler', () => {
  it('polls only while someone watches', async () => {
    const { clock, scheduler: poller, polls } = scheduler();
    clock.advance(10_000);
    expect(polls()).toBe(0);
    poller.watch();
    clock.advance(100);
    await settle();
    expect(polls()).toBe(1);
    poller.unwatch();
    clock.advance(10_000);
    expect(polls()).toBe(1);
    expect(clock.pending).toBe(0);
  });

  it("follows the server's hint, within the policy's bounds, and lets it change", async () => {
    const { clock, scheduler: poller } = scheduler();
    poller.hint(250);
    poller.watch();
    expect(clock.nextDelay).toBe(250);
    clock.advance(250);
    poller.hint(40);
    await settle();
    expect(clock.nextDelay).toBe(40);
    poller.hint(1);
    expect(poller.nextDelayMs).toBe(POLICY.minMs);
    poller.hint(60_000);
    expect(poller.nextDelayMs).toBe(POLICY.maxMs);
    poller.stop();
  });

  it('backs off while nothing changes, starts over on a change, doubles after a failure', () => {
    const { scheduler: poller } = scheduler();
    expect(poller.nextDelayMs).toBe(100);
    poller.unchanged();
    expect(poller.nextDelayMs).toBe(150);
    poller.changed();
    expect(poller.nextDelayMs).toBe(100);
    poller.failed();
    expect(poller.nextDelayMs).toBe(200);
    for (let i = 0; i < 20; i++) poller.failed();
    expect(poller.nextDelayMs).toBe(POLICY.maxMs);
  });

  it('grows and backs off by the factors the policy sets', () => {
    const { scheduler: poller } = scheduler(undefined, { ...POLICY, backoff: 3, failureBackoff: 5 });
    poller.unchanged();
    expect(poller.nextDelayMs).toBe(300);
    poller.failed();
    expect(poller.nextDelayMs).toBe(1_000);
    poller.changed();
    poller.failed();
    expect(poller.nextDelayMs).toBe(500);
  });

  it('runs one poll at a time, and none after stop', async () => {
    let release: () => void = () => undefined;
    const {
      clock,
      scheduler: poller,
      polls,
    } = scheduler(
      () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
    );
    poller.now();
    poller.now();
    expect(polls()).toBe(1);
    release();
    await settle();
    poller.stop();
    poller.now();
    poller.watch();
    clock.advance(10_000);
    expect(polls()).toBe(1);
    expect(clock.pending).toBe(0);
  });
});
