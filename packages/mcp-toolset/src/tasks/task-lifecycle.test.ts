import { describe, expect, it } from 'vitest';
import {
  type HandleAction,
  type HandleRules,
  type HandleState,
  initialHandleState,
  reduceHandle,
} from './task-lifecycle.ts';
import type { TaskSnapshot } from './task-model.ts';

const task = (status: TaskSnapshot['status'], extra: Partial<TaskSnapshot> = {}): TaskSnapshot => ({
  taskId: 't1',
  status,
  statusMessage: undefined,
  createdAt: '2026-01-01T00:00:00Z',
  lastUpdatedAt: '2026-01-01T00:00:00Z',
  ttl: 60_000,
  pollInterval: 100,
  ...extra,
});

const RULES: HandleRules = { ttlIsBackstop: true, maxPollFailures: 3 };

function run(actions: HandleAction[], start = task('working'), rules = RULES) {
  let state: HandleState = initialHandleState(start);
  const effects = [];
  for (const action of actions) {
    const transition = reduceHandle(state, action, rules);
    state = transition.state;
    effects.push(...transition.effects);
  }
  return { state, effects };
}

describe('the task handle reducer', () => {
  it('ends at once for a task that is terminal when the handle is made', () => {
    const { state, effects } = run([{ type: 'opened' }], task('completed'));
    expect(state.end).toEqual({ kind: 'finished', task: task('completed') });
    expect(effects).toEqual([{ type: 'end', end: state.end }]);
  });

  it('arms the ttl backstop where the generation makes it one, and re-arms it only when the ttl changes', () => {
    const { effects } = run([
      { type: 'opened' },
      { type: 'pushed', task: task('working') },
      { type: 'pushed', task: task('working', { ttl: 5_000 }) },
    ]);
    expect(effects.filter((effect) => effect.type === 'arm-ttl')).toEqual([
      { type: 'arm-ttl', ttl: 60_000 },
      { type: 'arm-ttl', ttl: 5_000 },
    ]);
    const without = run([{ type: 'opened' }], task('working'), { ...RULES, ttlIsBackstop: false });
    expect(without.effects.map((effect) => effect.type)).toEqual(['input']);
  });

  it('tells listeners of a status or message change only, and ends on the terminal report', () => {
    const { state, effects } = run([
      { type: 'opened' },
      { type: 'pushed', task: task('working') },
      { type: 'pushed', task: task('working', { statusMessage: 'half way' }) },
      { type: 'pushed', task: task('completed') },
    ]);
    const emitted = effects.flatMap((effect) =>
      effect.type === 'emit' && effect.event.type === 'status'
        ? [[effect.event.task.status, effect.event.task.statusMessage]]
        : [],
    );
    expect(emitted).toEqual([
      ['working', 'half way'],
      ['completed', undefined],
    ]);
    expect(state.end?.kind).toBe('finished');
    expect(effects.filter((effect) => effect.type === 'end')).toHaveLength(1);
  });

  it('ignores everything once ended: a later report, progress, a failure', () => {
    const { state } = run([{ type: 'opened' }, { type: 'pushed', task: task('cancelled') }]);
    for (const action of [
      { type: 'pushed', task: task('working') },
      { type: 'progress', progress: { type: 'progress', taskId: 't1', progress: 1 } },
      { type: 'failed', error: new Error('late') },
      { type: 'abandoned', error: new Error('late') },
    ] as HandleAction[])
      expect(reduceHandle(state, action, RULES)).toEqual({ state, effects: [] });
  });

  it('drops a poll answered after a push arrived, unless the poll saw the end', () => {
    const opened = run([{ type: 'opened' }]).state;
    const pushed = reduceHandle(opened, { type: 'pushed', task: task('input_required') }, RULES).state;
    const stale = reduceHandle(pushed, { type: 'polled', task: task('working'), pushes: 0, status: 'working' }, RULES);
    expect(stale.state.snapshot.status).toBe('input_required');
    expect(stale.effects).toEqual([]);
    const final = reduceHandle(pushed, { type: 'polled', task: task('failed'), pushes: 0, status: 'working' }, RULES);
    expect(final.state.end).toMatchObject({ kind: 'finished', task: { status: 'failed' } });
  });

  it('backs off after a poll that found nothing new, and starts over after a change', () => {
    const opened = run([{ type: 'opened' }]).state;
    const same = reduceHandle(opened, { type: 'polled', task: task('working'), pushes: 0, status: 'working' }, RULES);
    expect(same.effects[0]).toEqual({ type: 'poll', hint: 100, changed: false, unchanged: true });
    const moved = reduceHandle(
      opened,
      { type: 'polled', task: task('input_required', { pollInterval: undefined }), pushes: 0, status: 'working' },
      RULES,
    );
    expect(moved.effects[0]).toEqual({ type: 'poll', hint: undefined, changed: true, unchanged: false });
  });

  it('gives up after the set number of failed polls in a row; a poll that answers resets the count', () => {
    const failure = { type: 'poll-failed', error: new Error('503'), final: false } as const;
    const twice = run([{ type: 'opened' }, failure, failure]);
    expect(twice.state.end).toBeUndefined();
    expect(twice.effects.filter((effect) => effect.type === 'poll-failed')).toHaveLength(2);
    const reset = reduceHandle(
      twice.state,
      { type: 'polled', task: task('working'), pushes: 0, status: 'working' },
      RULES,
    ).state;
    expect(reset.pollFailures).toBe(0);
    expect(reduceHandle(twice.state, failure, RULES).state.end).toEqual({ kind: 'failed', error: failure.error });
    const once = run([{ type: 'opened' }, failure], task('working'), { ...RULES, maxPollFailures: 1 });
    expect(once.state.end?.kind).toBe('failed');
    const final = run([{ type: 'opened' }, { ...failure, final: true }]);
    expect(final.state.end?.kind).toBe('failed');
  });

  it('keeps the last progress and tells it', () => {
    const progress = { type: 'progress', taskId: 't1', progress: 2, total: 4, message: undefined } as const;
    const { state, effects } = run([{ type: 'opened' }, { type: 'progress', progress }]);
    expect(state.progress).toBe(progress);
    expect(effects.at(-1)).toEqual({ type: 'emit', event: progress });
  });

  it('ends abandoned (the task to be cancelled) or failed (left alone)', () => {
    const error = new Error('expired');
    expect(run([{ type: 'opened' }, { type: 'abandoned', error }]).state.end).toEqual({ kind: 'abandoned', error });
    expect(run([{ type: 'opened' }, { type: 'failed', error }]).state.end).toEqual({ kind: 'failed', error });
  });
});
