import { describe, expect, it } from 'vitest';
import type { TaskOutcome, TaskSnapshot } from '../../tasks/task-model.ts';
import { ManualClock } from '../../test-support/manual-clock.ts';
import { HeldOpenResult } from './held-open-result.ts';

const working: TaskSnapshot = {
  taskId: 't1',
  status: 'working',
  statusMessage: undefined,
  createdAt: '',
  lastUpdatedAt: '',
  ttl: null,
  pollInterval: undefined,
};
const needsInput: TaskSnapshot = { ...working, status: 'input_required' };
const outcome: TaskOutcome = {
  kind: 'result',
  result: { content: [], structuredContent: undefined, isError: false, meta: undefined },
};
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('HeldOpenResult', () => {
  it('opens one request while the task needs input, keeps its outcome and asks for a poll', async () => {
    const clock = new ManualClock();
    let requests = 0;
    let polls = 0;
    const strategy = new HeldOpenResult(
      async () => {
        requests++;
        return outcome;
      },
      { pollNow: () => polls++, toolName: 'input_task', abandon: () => undefined },
      clock,
      { floorMs: 100, maxMs: 1_000 },
    );
    strategy.onSnapshot(working);
    expect(requests).toBe(0);
    strategy.onSnapshot(needsInput);
    strategy.onSnapshot(needsInput);
    expect(requests).toBe(1);
    await settle();
    expect(strategy.takeOutcome()).toBe(outcome);
    expect(polls).toBe(1);
    strategy.dispose();
    expect(clock.pending).toBe(0);
  });

  it('asks a server that answers early again only after a doubling wait, and stops on dispose', async () => {
    const clock = new ManualClock();
    let requests = 0;
    const strategy = new HeldOpenResult(
      async () => {
        requests++;
        throw new Error('answered before the task ended');
      },
      { pollNow: () => undefined, toolName: 'input_task', abandon: () => undefined },
      clock,
      { floorMs: 100, maxMs: 1_000 },
    );
    strategy.onSnapshot(needsInput);
    await settle();
    expect(clock.nextDelay).toBe(100);
    clock.advance(100);
    await settle();
    expect(requests).toBe(2);
    expect(clock.nextDelay).toBe(200);
    strategy.dispose();
    clock.advance(10_000);
    expect(requests).toBe(2);
    expect(strategy.takeOutcome()).toBeUndefined();
  });

  it('starts its retry wait at the floor it is given, and never waits past its cap', async () => {
    const clock = new ManualClock();
    const strategy = new HeldOpenResult(
      async () => {
        throw new Error('answered before the task ended');
      },
      { pollNow: () => undefined, toolName: 'input_task', abandon: () => undefined },
      clock,
      { floorMs: 40, maxMs: 100 },
    );
    strategy.onSnapshot(needsInput);
    const delays: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      await settle();
      delays.push(clock.nextDelay as number);
      clock.advance(clock.nextDelay as number);
    }
    strategy.dispose();
    expect(delays).toEqual([40, 80, 100, 100]);
  });
});
