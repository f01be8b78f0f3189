import type { Clock } from '../clock.ts';
import { isTerminalStatus, type TaskSnapshot } from './task-model.ts';

/**
 * Status reports for a task nobody watches yet are kept this long, for at most this many tasks: a
 * server may send one in the same write as the answer that creates the task, before its handle exists.
 */
const EARLY_STATUS_MS = 30_000;
const EARLY_STATUS_TASKS = 256;
/** The reports kept for one such task, in the order they came (a status message per step of a quick task). */
const EARLY_REPORTS_PER_TASK = 16;

/** What the hub tells the watcher of a task: a status report the server pushed, or that the connection is lost. */
export type TaskNews =
  | { readonly type: 'pushed'; readonly task: TaskSnapshot }
  | { readonly type: 'lost'; readonly error: Error };

/**
 * A task's watcher (its handle): one function for all the hub tells it, which is also the key that
 * stops the watch, so a handle holds no subscription of its own.
 */
export type TaskWatcher = (news: TaskNews) => void;

/**
 * Routes status reports pushed by the server to the handles of their tasks, whatever the
 * generation's notification looks like, and tells every handle when the connection is lost. The
 * reports for a task without a watcher are kept (bounded in count and age) and handed to the first
 * one in the order they came, so nothing that arrives before a handle exists is lost (a quick task's
 * first steps may come in the same read as the answer that creates it).
 */
export class TaskStatusHub {
  /** The watchers of each task: one alone (the usual case, no set to hold it), or a set of several. */
  readonly #listeners = new Map<string, TaskWatcher | Set<TaskWatcher>>();
  /** The reports of tasks nobody listens to yet, in order, with when the last arrived. */
  readonly #early = new Map<string, { readonly tasks: TaskSnapshot[]; at: number }>();
  /** Tasks whose watchers all left (the latest EARLY_STATUS_TASKS): their late reports are not kept. */
  readonly #finished = new Set<string>();
  /** The same tasks in the order they finished, as a ring (the oldest gives way in constant time). */
  readonly #finishedOrder: string[] = [];
  #finishedNext = 0;
  readonly #clock: Clock;

  /** `clock` tells how old a kept report is. */
  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Delivers a report to the task's watchers, or keeps it for the first one. */
  deliver(task: TaskSnapshot): void {
    const listeners = this.#listeners.get(task.taskId);
    if (listeners === undefined) {
      if (!this.#finished.has(task.taskId)) this.#keepEarly(task);
      return;
    }
    const news: TaskNews = { type: 'pushed', task };
    if (typeof listeners === 'function') listeners(news);
    else for (const listener of [...listeners]) listener(news);
  }

  /**
   * Routes reports of `taskId` to `listener` until {@link unwatch}. A report that arrived before
   * anybody listened is delivered first, on a microtask, so the listener's owner has finished
   * subscribing.
   */
  watch(taskId: string, listener: TaskWatcher): void {
    const current = this.#listeners.get(taskId);
    if (current === undefined) this.#listeners.set(taskId, listener);
    else if (typeof current === 'function') this.#listeners.set(taskId, new Set([current, listener]));
    else current.add(listener);
    if (this.#early.size === 0) return; // the usual case: nothing came before the watcher
    const early = this.#early.get(taskId);
    this.#early.delete(taskId);
    if (early && this.#clock.now() - early.at <= EARLY_STATUS_MS) {
      queueMicrotask(() => {
        for (const task of early.tasks) if (this.#listens(taskId, listener)) listener({ type: 'pushed', task });
      });
    }
  }

  #listens(taskId: string, listener: TaskWatcher): boolean {
    const current = this.#listeners.get(taskId);
    return current === listener || (typeof current === 'object' && current.has(listener));
  }

  /** Stops routing reports of `taskId` to `listener` (one that no longer listens is ignored). */
  unwatch(taskId: string, listener: TaskWatcher): void {
    const current = this.#listeners.get(taskId);
    if (typeof current === 'object') {
      if (!current.delete(listener) || current.size > 0) return;
    } else if (current !== listener) return;
    this.#listeners.delete(taskId);
    this.#finish(taskId);
  }

  #finish(taskId: string): void {
    if (this.#finished.has(taskId)) return;
    const oldest = this.#finishedOrder[this.#finishedNext];
    if (oldest !== undefined) this.#finished.delete(oldest);
    this.#finished.add(taskId);
    this.#finishedOrder[this.#finishedNext] = taskId;
    this.#finishedNext = (this.#finishedNext + 1) % EARLY_STATUS_TASKS;
  }

  /** The connection is gone: tells every watcher, then forgets them all and every kept report. */
  lose(error: Error): void {
    const watchers = [...this.#listeners.values()].flatMap((listeners) =>
      typeof listeners === 'function' ? [listeners] : [...listeners],
    );
    this.#listeners.clear();
    this.#early.clear();
    const news: TaskNews = { type: 'lost', error };
    for (const watcher of watchers) watcher(news);
  }

  /**
   * Keeps a report after the task's earlier ones; none after a terminal one (while that is kept).
   * Past the bound per task, the oldest non-terminal report gives way.
   */
  #keepEarly(task: TaskSnapshot): void {
    const now = this.#clock.now();
    const kept = this.#early.get(task.taskId);
    const fresh = kept !== undefined && now - kept.at <= EARLY_STATUS_MS;
    const last = fresh ? kept.tasks[kept.tasks.length - 1] : undefined;
    if (last !== undefined && isTerminalStatus(last.status)) return;
    const tasks = fresh ? kept.tasks : [];
    tasks.push(task);
    if (tasks.length > EARLY_REPORTS_PER_TASK) tasks.shift();
    this.#early.delete(task.taskId);
    this.#early.set(task.taskId, { tasks, at: now });
    for (const [taskId, entry] of this.#early) {
      if (this.#early.size <= EARLY_STATUS_TASKS && now - entry.at <= EARLY_STATUS_MS) break;
      this.#early.delete(taskId);
    }
  }
}
