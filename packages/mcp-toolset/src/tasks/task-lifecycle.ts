import type { ProgressUpdate } from '@toolwright/core';
import { isTerminalStatus, reduceSnapshot, type TaskSnapshot } from './task-model.ts';

/** Progress of a task, for a handle's listeners: a {@link ProgressUpdate} with the task it belongs to. */
export interface TaskProgressEvent extends ProgressUpdate {
  /** Always `'progress'`. */
  readonly type: 'progress';
  /** The server's id of the task reporting progress. */
  readonly taskId: string;
}

/** Something that happened to a task, for a handle's listeners: a status change, or progress. */
export type TaskHandleEvent =
  | {
      /** Always `'status'`: the task's status or status message changed. */
      readonly type: 'status';
      /** The task's state after the change. */
      readonly task: TaskSnapshot;
    }
  | TaskProgressEvent;

/**
 * How a handle ended: the task reached a terminal status (`finished`); the handle failed without
 * touching the task (`failed`: a lost connection, polling that gave up, no tasks/cancel); or it gave
 * the task up (`abandoned`: the ttl backstop, input that cannot be answered), which cancels it first.
 */
export type HandleEnd =
  | { readonly kind: 'finished'; readonly task: TaskSnapshot }
  | { readonly kind: 'failed'; readonly error: unknown }
  | { readonly kind: 'abandoned'; readonly error: Error };

/** Everything a task handle knows of its task; replaced, never changed, by {@link reduceHandle}. */
export interface HandleState {
  readonly snapshot: TaskSnapshot;
  readonly progress: TaskProgressEvent | undefined;
  /** Set once, by the one action that ends the handle; every later action is ignored. */
  readonly end: HandleEnd | undefined;
  /** Consecutive failed polls. */
  readonly pollFailures: number;
  /** Status reports pushed by the server so far: a poll answered after one arrived may be older than it. */
  readonly pushes: number;
  /** The ttl the backstop is armed for (`null`: none). */
  readonly ttlArmed: number | null;
}

/** What happens to a handle; each goes through {@link reduceHandle}. */
export type HandleAction =
  /** The handle was made: a terminal task ends it at once, any other is followed. */
  | { readonly type: 'opened' }
  /** The server pushed a status report. */
  | { readonly type: 'pushed'; readonly task: TaskSnapshot }
  /** A poll answered; `pushes` and `status` are the state's when it was sent. */
  | {
      readonly type: 'polled';
      readonly task: TaskSnapshot;
      readonly pushes: number;
      readonly status: TaskSnapshot['status'];
    }
  /** What cancelling made of the task (the server's answer, or what the handle concluded). */
  | { readonly type: 'cancelled'; readonly task: TaskSnapshot }
  /** A poll failed; `final` when the error ends the wait at once, `error` what the handle then fails with. */
  | { readonly type: 'poll-failed'; readonly error: unknown; readonly final: boolean }
  | { readonly type: 'progress'; readonly progress: TaskProgressEvent }
  /** The handle fails without touching the task. */
  | { readonly type: 'failed'; readonly error: unknown }
  /** The handle gives the task up: it is cancelled, and the handle then fails with `error`. */
  | { readonly type: 'abandoned'; readonly error: Error };

/** What the handle must do after an action, in this order. */
export type HandleEffect =
  /** Tell the run's event sink and the listeners. */
  | { readonly type: 'emit'; readonly event: TaskHandleEvent }
  /**
   * Tell the poll scheduler the server's latest hint, and how the last report went: the status or its
   * message `changed` (the backoff starts over); a poll found the status `unchanged` (it grows).
   */
  | { readonly type: 'poll'; readonly hint: number | undefined; readonly changed: boolean; readonly unchanged: boolean }
  /** The poll failed but may pass: back off. */
  | { readonly type: 'poll-failed' }
  /** (Re-)arm the ttl backstop for `ttl` (`null`: disarm). */
  | { readonly type: 'arm-ttl'; readonly ttl: number | null }
  /** Hand the task to the input strategy (it may need input). */
  | { readonly type: 'input'; readonly task: TaskSnapshot }
  /** The one end path: release everything and settle the waiters. */
  | { readonly type: 'end'; readonly end: HandleEnd };

/** The fixed rules a handle's reducer follows. */
export interface HandleRules {
  /** A task still running past its ttl is given up (2026-07-28). */
  readonly ttlIsBackstop: boolean;
  /** Consecutive failed polls (other than final ones) before the handle gives up. */
  readonly maxPollFailures: number;
}

/** The next state, and what to do about it. */
export interface HandleTransition {
  readonly state: HandleState;
  readonly effects: readonly HandleEffect[];
}

/** The state of a handle made for `task`, before it is {@link HandleAction opened}. */
export function initialHandleState(task: TaskSnapshot): HandleState {
  return { snapshot: task, progress: undefined, end: undefined, pollFailures: 0, pushes: 0, ttlArmed: null };
}

const NOTHING: readonly HandleEffect[] = [];

/**
 * The task handle's reducer: pure, no time and no I/O. A handle that ended ignores everything; a
 * terminal report ends it; any other report replaces the snapshot (see {@link reduceSnapshot}),
 * is told to listeners when its status or message changed, re-arms the ttl backstop when the ttl
 * changed, and goes to the input strategy. Polls that fail too often, and failures, end it.
 */
export function reduceHandle(state: HandleState, action: HandleAction, rules: HandleRules): HandleTransition {
  if (state.end !== undefined) return { state, effects: NOTHING };
  switch (action.type) {
    case 'opened':
      if (isTerminalStatus(state.snapshot.status)) return ended(state, { kind: 'finished', task: state.snapshot });
      return { state: armed(state, rules), effects: following(state, rules, []) };
    case 'pushed':
      return reported({ ...state, pushes: state.pushes + 1 }, action.task, rules, undefined);
    case 'polled': {
      const fresh = { ...state, pollFailures: 0 };
      // Order comes from arrival, never from the server's clock: a report that arrived while this
      // poll was under way is newer, unless the poll saw the end.
      if (state.pushes !== action.pushes && !isTerminalStatus(action.task.status))
        return {
          state: fresh,
          effects: state.snapshot.status === action.status ? [pollHint(state.snapshot, false, true)] : NOTHING,
        };
      return reported(fresh, action.task, rules, action.status);
    }
    case 'cancelled':
      return reported(state, action.task, rules, undefined);
    case 'poll-failed': {
      const failures = state.pollFailures + 1;
      if (action.final || failures >= rules.maxPollFailures)
        return ended(state, { kind: 'failed', error: action.error });
      return { state: { ...state, pollFailures: failures }, effects: [{ type: 'poll-failed' }] };
    }
    case 'progress':
      return { state: { ...state, progress: action.progress }, effects: [{ type: 'emit', event: action.progress }] };
    case 'failed':
      return ended(state, { kind: 'failed', error: action.error });
    case 'abandoned':
      return ended(state, { kind: 'abandoned', error: action.error });
  }
}

/** A report of the task applied; `polledStatus` is the status when the poll that brought it was sent. */
function reported(
  state: HandleState,
  task: TaskSnapshot,
  rules: HandleRules,
  polledStatus: TaskSnapshot['status'] | undefined,
): HandleTransition {
  const change = reduceSnapshot(state.snapshot, task);
  const next = { ...state, snapshot: change.snapshot };
  const unchanged = polledStatus !== undefined && polledStatus === change.snapshot.status;
  const effects: HandleEffect[] = [pollHint(change.snapshot, change.changed, unchanged)];
  if (change.changed) effects.push({ type: 'emit', event: { type: 'status', task: change.snapshot } });
  if (change.terminal) {
    const end: HandleEnd = { kind: 'finished', task: change.snapshot };
    effects.push({ type: 'end', end });
    return { state: { ...next, end }, effects };
  }
  return { state: armed(next, rules), effects: following(next, rules, effects) };
}

/** A task still running: the ttl backstop armed for its ttl (when that changed), and the input strategy told. */
function following(state: HandleState, rules: HandleRules, effects: HandleEffect[]): HandleEffect[] {
  const { snapshot } = state;
  if (rules.ttlIsBackstop && snapshot.ttl !== state.ttlArmed) effects.push({ type: 'arm-ttl', ttl: snapshot.ttl });
  effects.push({ type: 'input', task: snapshot });
  return effects;
}

function armed(state: HandleState, rules: HandleRules): HandleState {
  return rules.ttlIsBackstop && state.snapshot.ttl !== state.ttlArmed
    ? { ...state, ttlArmed: state.snapshot.ttl }
    : state;
}

function pollHint(snapshot: TaskSnapshot, changed: boolean, unchanged: boolean): HandleEffect {
  return { type: 'poll', hint: snapshot.pollInterval, changed, unchanged };
}

function ended(state: HandleState, end: HandleEnd): HandleTransition {
  return { state: { ...state, end }, effects: [{ type: 'end', end }] };
}
