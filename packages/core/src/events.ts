import type { JsonObject } from './json.ts';

/** Fields every tool event carries: which tool, in which call. */
interface ToolEventBase {
  /** The tool whose call the event belongs to (its name as the toolset lists it). */
  readonly toolName: string;
  /** The tool call the event belongs to, when the run gave one. */
  readonly toolCallId: string | undefined;
}

/**
 * One progress report of a tool call or task, as a server sends it: `progress` rises; `total` and
 * `message` when the server gives them. The one shape of progress in Toolwright: every event that
 * carries progress extends it.
 */
export interface ProgressUpdate {
  /** Progress so far; it rises with every update. */
  readonly progress: number;
  /** The progress at which the work is done, when known. */
  readonly total: number | undefined;
  /** What the work is doing now, when the server says. */
  readonly message: string | undefined;
}

/** Progress of a tool call or task, on a run's event sink: a {@link ProgressUpdate} with the tool and call it belongs to. */
export interface ProgressEvent extends ToolEventBase, ProgressUpdate {
  /** Always `'progress'`. */
  readonly type: 'progress';
  /** The server task reporting it; undefined for a call that is not a task. */
  readonly taskId: string | undefined;
}

/** A server accepted a call as a task; `reference` resumes it later. */
export interface TaskCreatedEvent extends ToolEventBase {
  /** Always `'task-created'`. */
  readonly type: 'task-created';
  /** The server's id of the new task. */
  readonly taskId: string;
  /** The status the server created the task in, usually `working`. */
  readonly status: string;
  /** The status message the server created the task with, if any. */
  readonly statusMessage?: string | undefined;
  /** A serialisable reference (JSON) to pass to the toolset's `resumeTask` to pick the task up later. */
  readonly reference: JsonObject;
}

/** A task's status or status message changed. */
export interface TaskStatusEvent extends ToolEventBase {
  /** Always `'task-status'`. */
  readonly type: 'task-status';
  /** The server's id of the task. */
  readonly taskId: string;
  /** The task's new status: `working`, `input_required`, `completed`, `failed` or `cancelled`. */
  readonly status: string;
  /** The server's message for the status; undefined when it gave none. */
  readonly statusMessage: string | undefined;
}

/** Everything a run's event sink may receive. */
export type ToolEvent = ProgressEvent | TaskCreatedEvent | TaskStatusEvent;

/** The `type` of a {@link ToolEvent}. */
export type ToolEventType = ToolEvent['type'];

/** A listener for events of one type. */
export type ToolEventListener<Type extends ToolEventType = ToolEventType> = (
  event: Extract<ToolEvent, { type: Type }>,
) => void;

/** Where tools report progress and task status; anything may listen. */
export interface EventSink {
  /** Delivers `event` to whoever listens. */
  emit(event: ToolEvent): void;
}

/**
 * The typed event sink of a run. Listeners run synchronously, in the order events are emitted;
 * a listener that throws is reported on `console.error` and does not disturb the tool call.
 */
export class RunEvents implements EventSink {
  readonly #listeners = new Map<ToolEventType | '*', Set<(event: ToolEvent) => void>>();

  /** Listens to events of one type, or to all with `'*'`. Returns a function that stops listening. */
  on<Type extends ToolEventType>(type: Type | '*', listener: ToolEventListener<Type>): () => void {
    const untyped = listener as (event: ToolEvent) => void;
    const set = this.#listeners.get(type) ?? new Set();
    this.#listeners.set(type, set);
    set.add(untyped);
    return () => {
      set.delete(untyped);
    };
  }

  /** Whether anyone listens to events of `type` (directly or through `'*'`): lets a tool skip work nobody reads. */
  listens(type: ToolEventType): boolean {
    return (this.#listeners.get(type)?.size ?? 0) > 0 || (this.#listeners.get('*')?.size ?? 0) > 0;
  }

  emit(event: ToolEvent): void {
    for (const key of [event.type, '*'] as const) {
      const set = this.#listeners.get(key);
      if (!set) continue;
      for (const listener of [...set]) {
        try {
          listener(event);
        } catch (error) {
          console.error(`A listener for '${event.type}' events of tool '${event.toolName}' threw:`, error);
        }
      }
    }
  }
}
