import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ToolEvent } from './events.ts';
import { type FollowUp, FollowUpQueue } from './follow-ups.ts';
import { createRunContext, forToolCall } from './run-context.ts';

const followUp = (id: string): FollowUp => ({
  toolName: 't',
  id,
  toolCallId: undefined,
  outcome: 'result',
  content: id,
  message: `result ${id}`,
});
const progress = (value: number): ToolEvent => ({
  type: 'progress',
  toolName: 't',
  toolCallId: undefined,
  taskId: undefined,
  progress: value,
  total: undefined,
  message: undefined,
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('run context', () => {
  it('has sensible defaults and a unique run id', () => {
    const ctx = createRunContext();
    expect(ctx).toMatchObject({ deps: undefined, toolCallId: undefined, retry: 0 });
    expect(ctx.signal.aborted).toBe(false);
    expect(createRunContext().runId).not.toBe(ctx.runId);
    expect(createRunContext({ deps: { db: 1 } }).deps).toEqual({ db: 1 });
  });

  it('gives each tool call its own id, retry and signal, sharing the run', () => {
    const ctx = createRunContext({ runId: 'run-1' });
    const controller = new AbortController();
    const call = forToolCall(ctx, { toolCallId: 'call-1', retry: 2, signal: controller.signal });
    expect(call).toMatchObject({ runId: 'run-1', toolCallId: 'call-1', retry: 2 });
    expect(call.events).toBe(ctx.events);
    expect(call.followUps).toBe(ctx.followUps);
    expect(call.signal).toBe(controller.signal);
    expect(forToolCall(ctx, { toolCallId: 'call-2' })).toMatchObject({ retry: 0, signal: ctx.signal });
  });
});

describe('run events', () => {
  it('deliver typed events in order to their type and to *', () => {
    const { events } = createRunContext();
    const typed: number[] = [];
    const all: string[] = [];
    events.on('progress', (event) => typed.push(event.progress));
    events.on('*', (event) => all.push(event.type));
    events.emit(progress(1));
    events.emit({
      type: 'task-status',
      toolName: 't',
      toolCallId: undefined,
      taskId: 'x',
      status: 'working',
      statusMessage: undefined,
    });
    events.emit(progress(2));
    expect(typed).toEqual([1, 2]);
    expect(all).toEqual(['progress', 'task-status', 'progress']);
  });

  it('say whether anyone listens to a type', () => {
    const { events } = createRunContext();
    expect(events.listens('progress')).toBe(false);
    const stop = events.on('progress', () => undefined);
    expect(events.listens('progress')).toBe(true);
    expect(events.listens('task-status')).toBe(false);
    stop();
    expect(events.listens('progress')).toBe(false);
    events.on('*', () => undefined);
    expect(events.listens('task-status')).toBe(true);
  });

  it('stop delivering after unsubscribe', () => {
    const { events } = createRunContext();
    const seen: number[] = [];
    const stop = events.on('progress', (event) => seen.push(event.progress));
    events.emit(progress(1));
    stop();
    events.emit(progress(2));
    expect(seen).toEqual([1]);
  });

  it('keep going when a listener throws, and report it', () => {
    const { events } = createRunContext();
    const report = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const seen: number[] = [];
    events.on('progress', () => {
      throw new Error('listener bug');
    });
    events.on('progress', (event) => seen.push(event.progress));
    events.emit(progress(7));
    expect(seen).toEqual([7]);
    expect(report).toHaveBeenCalledOnce();
  });
});

describe('follow-up queue', () => {
  it('keeps follow-ups in order until taken', () => {
    const queue = new FollowUpQueue();
    queue.push(followUp('a'));
    queue.push(followUp('b'));
    expect(queue.size).toBe(2);
    expect(queue.take().map((item) => item.id)).toEqual(['a', 'b']);
    expect(queue.size).toBe(0);
    expect(queue.take()).toEqual([]);
  });

  it('hands a follow-up to a waiting next()', async () => {
    const queue = new FollowUpQueue();
    const next = queue.next();
    queue.push(followUp('late'));
    expect((await next).id).toBe('late');
    expect(queue.size).toBe(0);
    queue.push(followUp('queued'));
    expect((await queue.next()).id).toBe('queued');
  });

  it('rejects next() with the signal reason on abort and leaves no waiter behind', async () => {
    const queue = new FollowUpQueue();
    const controller = new AbortController();
    const next = queue.next(controller.signal);
    controller.abort(new Error('run ended'));
    await expect(next).rejects.toThrow('run ended');
    queue.push(followUp('kept'));
    expect(queue.take().map((item) => item.id)).toEqual(['kept']);
    await expect(queue.next(AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
  });
});
