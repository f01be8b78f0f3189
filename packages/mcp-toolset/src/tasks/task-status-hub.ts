import type { Clock } from '../clock.ts';
import { isTerminalStatus, type TaskSnapshot } from './task-model.ts';

/**
 * Status reports for a task nobody watches yet are kept this long, for at most this many tasks: a
 * server may send one in the same write as the answer that creates the task, before its handle exists.
 */
const EARLY_STATUS_MS = 30_000;
const EARLY_STATUS_TASKS = 256;

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
 * generation's notification looks like, and tells every handle when the connection is lost. A
 * report for a task without a watcher is kept (bounded in count and age) and handed to the first
 * one, so nothing that arrives before a handle exists is lost.
 */
export class TaskStatusHub {
  /** The watchers of each task: one alone (the usual case, no set to hold it), or a set of several. */
  readonly #listeners = new Map<string, TaskWatcher | Set<TaskWatcher>>();
  /** The latest report of tasks nobody listens to yet, with when it arrived. */
  readonly #early = new Map<string, { readonly task: TaskSnapshot; readonly at: number }>();
  /** Tasks whose watchers all left (recent ones, bounded): their late reports are not kept. */
  readonly #finished = new Set<string>();
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
    this.#finished.delete(taskId);
    const early = this.#early.get(taskId);
    this.#early.delete(taskId);
    if (early && this.#clock.now() - early.at <= EARLY_STATUS_MS) {
      queueMicrotask(() => {
        if (this.#listens(taskId, listener)) listener({ type: 'pushed', task: early.task });
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
    this.#finished.add(taskId);
    if (this.#finished.size > EARLY_STATUS_TASKS) this.#finished.delete(this.#finished.values().next().value as string);
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

  /** A terminal report is never replaced by a later non-terminal one while it is kept. */
  #keepEarly(task: TaskSnapshot): void {
    const now = this.#clock.now();
    const kept = this.#early.get(task.taskId);
    if (kept && isTerminalStatus(kept.task.status) && now - kept.at <= EARLY_STATUS_MS) return;
    this.#early.delete(task.taskId);
    this.#early.set(task.taskId, { task, at: now });
    for (const [taskId, entry] of this.#early) {
      if (this.#early.size <= EARLY_STATUS_TASKS && now - entry.at <= EARLY_STATUS_MS) break;
      this.#early.delete(taskId);
    }
  }
}
