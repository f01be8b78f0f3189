import { UserError } from '@toolwright/core';
import { describe, expect, it } from 'vitest';
import type { InputHooks } from '../../tasks/task-generation.ts';
import type { TaskInputRequest, TaskSnapshot } from '../../tasks/task-model.ts';
import { EmbeddedInput } from './embedded-input.ts';

const base: TaskSnapshot = {
  taskId: 't1',
  status: 'input_required',
  statusMessage: undefined,
  createdAt: '',
  lastUpdatedAt: '',
  ttl: null,
  pollInterval: undefined,
};

function request(key: string, method = 'elicitation/create'): TaskInputRequest {
  return { key, method, params: { message: key } };
}

function setup(answer: (request: TaskInputRequest) => Promise<unknown>) {
  const sent: Record<string, unknown>[] = [];
  const abandoned: Error[] = [];
  let polls = 0;
  const hooks: InputHooks = {
    toolName: 'tool',
    pollNow: () => {
      polls++;
    },
    abandon: (error) => abandoned.push(error),
  };
  const strategy = new EmbeddedInput(
    hooks,
    (input) => answer(input),
    async (responses) => {
      sent.push(responses);
    },
    "task t1 of tool 'tool'",
  );
  return { strategy, sent, abandoned, polls: () => polls };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('EmbeddedInput (2026-07-28 input requests)', () => {
  it('answers each key once, however often snapshots repeat it, and polls after each answer', async () => {
    const asked: string[] = [];
    const { strategy, sent, polls } = setup(async (input) => {
      asked.push(input.key);
      return { action: 'accept', content: { value: input.key } };
    });
    strategy.onSnapshot({ ...base, inputRequests: [request('a')] });
    strategy.onSnapshot({ ...base, inputRequests: [request('a')] });
    await settle();
    strategy.onSnapshot({ ...base, inputRequests: [request('a'), request('b')] });
    await settle();
    expect(asked).toEqual(['a', 'b']);
    expect(sent).toEqual([
      { a: { action: 'accept', content: { value: 'a' } } },
      { b: { action: 'accept', content: { value: 'b' } } },
    ]);
    expect(polls()).toBe(2);
  });

  it('ignores snapshots that are not waiting for input', async () => {
    const { strategy, sent } = setup(async () => ({}));
    strategy.onSnapshot({ ...base, status: 'working', inputRequests: [request('a')] });
    strategy.onSnapshot({ ...base });
    await settle();
    expect(sent).toEqual([]);
  });

  it('gives up the task when a handler throws, saying how to refuse instead', async () => {
    const { strategy, abandoned, sent } = setup(async () => {
      throw new Error('dialog crashed');
    });
    strategy.onSnapshot({ ...base, inputRequests: [request('a')] });
    await settle();
    expect(sent).toEqual([]);
    expect(abandoned).toHaveLength(1);
    expect(UserError.isInstance(abandoned[0])).toBe(true);
    expect(abandoned[0]?.message).toMatch(
      /threw while answering input request 'a' of task t1.*dialog crashed.*decline/,
    );
  });

  it('sends nothing once disposed', async () => {
    let release: (() => void) | undefined;
    const { strategy, sent, abandoned } = setup(
      () =>
        new Promise((resolve) => {
          release = () => resolve({ action: 'accept' });
        }),
    );
    strategy.onSnapshot({ ...base, inputRequests: [request('a')] });
    strategy.dispose();
    release?.();
    await settle();
    expect(sent).toEqual([]);
    expect(abandoned).toEqual([]);
  });
});
