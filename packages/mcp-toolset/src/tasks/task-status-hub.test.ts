import { describe, expect, it } from 'vitest';
import { ManualClock } from '../test-support/manual-clock.ts';
import type { TaskSnapshot } from './task-model.ts';
import { type TaskNews, TaskStatusHub, type TaskWatcher } from './task-status-hub.ts';

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

/** A watcher that writes what it is told into `seen`, as `describe` words it. */
function recorder(seen: string[], describe: (task: TaskSnapshot) => string): TaskWatcher {
  return (news: TaskNews) => seen.push(news.type === 'pushed' ? describe(news.task) : `lost: ${news.error.message}`);
}

describe('TaskStatusHub', () => {
  it('hands the reports that came before the watcher to the watcher, in order, after it subscribed', async () => {
    const hub = new TaskStatusHub(new ManualClock());
    hub.deliver({ ...task('a', 'working'), statusMessage: 'step 1' });
    hub.deliver({ ...task('a', 'working'), statusMessage: 'step 2' });
    hub.deliver(task('a', 'completed'));
    hub.deliver(task('a', 'working')); // a stale report never follows a kept terminal one
    const seen: string[] = [];
    hub.watch(
      'a',
      recorder(seen, (report) => [report.status, report.statusMessage].filter(Boolean).join(' ')),
    );
    expect(seen).toEqual([]);
    await Promise.resolve();
    expect(seen).toEqual(['working step 1', 'working step 2', 'completed']);
  });

  it('keeps at most 16 early reports of a task, the latest', async () => {
    const hub = new TaskStatusHub(new ManualClock());
    for (let step = 1; step <= 20; step++) hub.deliver({ ...task('a', 'working'), statusMessage: `step ${step}` });
    const seen: string[] = [];
    hub.watch(
      'a',
      recorder(seen, (report) => report.statusMessage ?? ''),
    );
    await Promise.resolve();
    expect(seen).toEqual(Array.from({ length: 16 }, (_, index) => `step ${index + 5}`));
  });

  it('routes reports to the watchers of their task only, and keeps none for a task whose watchers left', async () => {
    const hub = new TaskStatusHub(new ManualClock());
    const seen: string[] = [];
    const watcher = recorder(seen, (report) => `${report.taskId}:${report.status}`);
    hub.watch('a', watcher);
    hub.deliver(task('a', 'working'));
    hub.deliver(task('b', 'working'));
    hub.unwatch('a', watcher);
    hub.deliver(task('a', 'completed'));
    hub.watch(
      'a',
      recorder(seen, (report) => `again ${report.status}`),
    );
    await Promise.resolve();
    expect(seen).toEqual(['a:working']);
  });

  it('drops the late reports of the 256 tasks that finished last, and keeps those of one that finished before them', async () => {
    const hub = new TaskStatusHub(new ManualClock());
    const finish = (taskId: string) => {
      const watcher: TaskWatcher = () => undefined;
      hub.watch(taskId, watcher);
      hub.unwatch(taskId, watcher);
    };
    for (let index = 0; index <= 256; index++) finish(`t${index}`);
    finish('t1'); // finished again: remembered where it first finished, not twice
    hub.deliver(task('t0', 'completed')); // the oldest of 257: forgotten, so its late report is kept
    hub.deliver(task('t2', 'completed')); // among the latest 256: dropped
    const seen: string[] = [];
    hub.watch(
      't0',
      recorder(seen, (report) => `t0 ${report.status}`),
    );
    hub.watch(
      't2',
      recorder(seen, (report) => `t2 ${report.status}`),
    );
    await Promise.resolve();
    expect(seen).toEqual(['t0 completed']);
  });

  it('routes a report to every watcher of its task, and to the others once one left', () => {
    const hub = new TaskStatusHub(new ManualClock());
    const seen: string[] = [];
    const first = recorder(seen, (report) => `first:${report.status}`);
    hub.watch('a', first);
    hub.watch(
      'a',
      recorder(seen, (report) => `second:${report.status}`),
    );
    hub.deliver(task('a', 'working'));
    hub.unwatch('a', first);
    hub.unwatch('a', first);
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
    hub.watch(
      'a',
      recorder(seen, (report) => `a:${report.status}`),
    );
    clock.advance(1);
    hub.watch(
      'b',
      recorder(seen, (report) => `b:${report.status}`),
    );
    await Promise.resolve();
    expect(seen).toEqual(['a:completed']);
  });

  it('tells every watcher of every task that the connection is lost, once, then forgets them and what it kept', async () => {
    const hub = new TaskStatusHub(new ManualClock());
    const seen: string[] = [];
    hub.watch(
      'a',
      recorder(seen, (report) => `a:${report.status}`),
    );
    hub.watch(
      'a',
      recorder(seen, (report) => `a2:${report.status}`),
    );
    hub.watch(
      'b',
      recorder(seen, (report) => `b:${report.status}`),
    );
    hub.deliver(task('c', 'completed')); // kept for a watcher of c to come
    hub.lose(new Error('gone'));
    expect(seen).toEqual(['lost: gone', 'lost: gone', 'lost: gone']);
    hub.deliver(task('a', 'completed'));
    hub.lose(new Error('again'));
    hub.watch(
      'c',
      recorder(seen, (report) => `c:${report.status}`),
    );
    await Promise.resolve();
    expect(seen).toEqual(['lost: gone', 'lost: gone', 'lost: gone']);
  });
});
