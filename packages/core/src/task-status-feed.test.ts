import { describe, expect, it } from 'vitest';
import { RunEvents, type ToolEvent } from './events.ts';
import { isTaskStatusOutput, nextTaskStatus, TaskStatusFeed, type TaskStatusOutput } from './task-status-feed.ts';

const base = { toolName: 'report', toolCallId: 'call-1' } as const;

async function collect(feed: TaskStatusFeed, done: Promise<unknown>): Promise<TaskStatusOutput[]> {
  const updates: TaskStatusOutput[] = [];
  for await (const update of feed.updates(done)) updates.push(update);
  return updates;
}

describe('TaskStatusFeed', () => {
  it('queues a snapshot per change of one call, the status message of task-created included', async () => {
    const events = new RunEvents();
    const feed = new TaskStatusFeed(events, 'call-1');
    const sequence: ToolEvent[] = [
      { ...base, type: 'task-created', taskId: 't1', status: 'working', statusMessage: 'queued', reference: {} },
      { ...base, type: 'task-status', taskId: 't1', status: 'working', statusMessage: 'queued' },
      { ...base, type: 'progress', taskId: 't1', progress: 1, total: 2, message: 'half' },
      { ...base, toolCallId: 'another-call', type: 'task-status', taskId: 't2', status: 'failed', statusMessage: 'x' },
      { ...base, type: 'task-status', taskId: 't1', status: 'completed', statusMessage: 'half' },
    ];
    for (const event of sequence) events.emit(event);
    const updates = await collect(feed, Promise.resolve());
    expect(updates).toEqual([
      { type: 'task-status', taskId: 't1', status: 'working', statusMessage: 'queued' },
      { type: 'task-status', taskId: 't1', status: 'working', statusMessage: 'half', progress: 1, total: 2 },
      { type: 'task-status', taskId: 't1', status: 'completed', statusMessage: 'half', progress: 1, total: 2 },
    ]);
    expect(updates.every(isTaskStatusOutput)).toBe(true);
    feed.close();
    for (const type of ['task-created', 'task-status', 'progress'] as const) expect(events.listens(type)).toBe(false);
  });

  it('yields updates as they come while the call runs, and ends when it settles, also on a failure', async () => {
    const events = new RunEvents();
    const feed = new TaskStatusFeed(events, 'call-1');
    let fail: (error: Error) => void = () => {};
    const done = new Promise((_, reject) => (fail = reject));
    const seen: (string | undefined)[] = [];
    const reading = (async () => {
      for await (const update of feed.updates(done)) {
        seen.push(update.statusMessage);
        if (seen.length === 1)
          events.emit({ ...base, type: 'task-status', taskId: 't', status: 'working', statusMessage: 'two' });
        if (seen.length === 2) fail(new Error('gone'));
      }
    })();
    events.emit({ ...base, type: 'task-status', taskId: 't', status: 'working', statusMessage: 'one' });
    await reading;
    expect(seen).toEqual(['one', 'two']);
    feed.close();
  });
});

describe('nextTaskStatus', () => {
  it('folds one event into a snapshot, and says when it changes nothing', () => {
    const created = nextTaskStatus(
      { type: 'task-status' },
      { ...base, type: 'task-created', taskId: 't1', status: 'working', reference: {} },
    );
    expect(created).toEqual({ type: 'task-status', taskId: 't1', status: 'working' });
    const progressed = nextTaskStatus(created as TaskStatusOutput, {
      ...base,
      type: 'progress',
      taskId: 't1',
      progress: 2,
      total: 4,
      message: undefined,
    });
    expect(progressed).toEqual({ type: 'task-status', taskId: 't1', status: 'working', progress: 2, total: 4 });
    const same = { ...base, type: 'task-status', taskId: 't1', status: 'working', statusMessage: undefined } as const;
    expect(nextTaskStatus(progressed as TaskStatusOutput, same)).toBeUndefined();
  });
});
