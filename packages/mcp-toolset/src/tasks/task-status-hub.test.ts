import { describe, expect, it } from 'vitest';
import { ManualClock } from '../test-support/manual-clock.ts';
import type { TaskSnapshot } from './task-model.ts';
import { TaskStatusHub } from './task-status-hub.ts';

function task(taskId: string, status: TaskSnapshot['status']): TaskSnapshot {
  return {
    taskId,
    status,
    statusMessage: undefined,
    createdAt: '',
    lastUpdatedAt: '',
    ttl: null,
    pollInterval: undefined,
  };
}

describe('TaskStatusHub', () => {
  it('hands a report that came before the watcher to the watcher, after it subscribed', async () => {
    const hub = new TaskStatusHub(new ManualClock());
    hub.deliver(task('a', 'working'));
    hub.deliver(task('a', 'completed'));
    hub.deliver(task('a', 'working')); // a stale report never replaces a kept terminal one
    const seen: string[] = [];
    hub.subscribe('a', (report) => seen.push(report.status));
    expect(seen).toEqual([]);
    await Promise.resolve();
    expect(seen).toEqual(['completed']);
  });

  it('routes reports to the watchers of their task only, and keeps none for a task whose watchers left', async () => {
    const hub = new TaskStatusHub(new ManualClock());
    const seen: string[] = [];
    const stop = hub.subscribe('a', (report) => seen.push(`${report.taskId}:${report.status}`));
    hub.deliver(task('a', 'working'));
    hub.deliver(task('b', 'working'));
    stop();
    hub.deliver(task('a', 'completed'));
    hub.subscribe('a', (report) => seen.push(`again ${report.status}`));
    await Promise.resolve();
    expect(seen).toEqual(['a:working']);
  });

  it('routes a report to every watcher of its task, and to the others once one left', () => {
    const hub = new TaskStatusHub(new ManualClock());
    const seen: string[] = [];
    const stopFirst = hub.subscribe('a', (report) => seen.push(`first:${report.status}`));
    hub.subscribe('a', (report) => seen.push(`second:${report.status}`));
    hub.deliver(task('a', 'working'));
    stopFirst();
    stopFirst();
    hub.deliver(task('a', 'completed'));
    expect(seen).toEqual(['first:working', 'second:working', 'second:completed']);
  });

  it('forgets a report nobody came for within 30 s of the clock', async () => {
    const clock = new ManualClock();
    const hub = new TaskStatusHub(clock);
    hub.deliver(task('a', 'completed'));
    hub.deliver(task('b', 'completed'));
    clock.advance(30_000);
    const seen: string[] = [];
    hub.subscribe('a', (report) => seen.push(`a:${report.status}`));
    clock.advance(1);
    hub.subscribe('b', (report) => seen.push(`b:${report.status}`));
    await Promise.resolve();
    expect(seen).toEqual(['a:completed']);
  });
});
