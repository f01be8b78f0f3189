import type { Agent, AgentOutputType, RunStreamEvent, StreamedRunResult } from '@openai/agents';
import type { RunContext, ToolEvent } from '@toolwright/core';
import { nextTaskStatus, TASK_STATUS_EVENTS, type TaskStatusSnapshot } from '@toolwright/core/internal';

/**
 * A tool call's task status or progress, among the events of a streamed run (see
 * {@link withTaskStatus}). Each one is the call's latest snapshot; fields are absent until known.
 */
export interface TaskStatusStreamEvent {
  readonly type: 'task_status_stream_event';
  /** The tool, as the model called it. */
  readonly toolName: string;
  /** The call: the `callId` of the `tool_called` item it belongs to. */
  readonly toolCallId: string | undefined;
  /** The server's task id (absent for progress of a call that is not a task). */
  readonly taskId?: string;
  /** The task's status: `working`, `input_required`, `completed`, `failed`, `cancelled`. */
  readonly status?: string;
  /** The server's message for the current status, or the latest progress message. */
  readonly statusMessage?: string;
  /** Progress so far, rising. */
  readonly progress?: number;
  /** The progress at which the work is done, when known. */
  readonly total?: number;
}

/** True for a {@link TaskStatusStreamEvent}: tells it from the SDK's own stream events. */
export function isTaskStatusStreamEvent(value: unknown): value is TaskStatusStreamEvent {
  return (
    typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'task_status_stream_event'
  );
}

/**
 * The events of a streamed run (the `StreamedRunResult` of `run(agent, input, { stream: true })`)
 * with each tool call's task status and progress among them, in the order they happened: a call's
 * updates come after its `tool_called` item and before its `tool_output` item. The SDK's run
 * stream has no place for events from inside a tool, so they are merged in here, from the run's
 * events (`ctx.events`). Iterate this instead of the result (a stream has one reader). Leaving the
 * loop early cancels the SDK's stream, which aborts the run (as leaving its own loop does), and
 * stops listening.
 */
export async function* withTaskStatus(
  result: Pick<StreamedRunResult<unknown, Agent<unknown, AgentOutputType>>, 'toStream'>,
  ctx: RunContext<unknown>,
): AsyncGenerator<RunStreamEvent | TaskStatusStreamEvent> {
  const queue: TaskStatusStreamEvent[] = [];
  const snapshots = new Map<string | undefined, TaskStatusSnapshot>();
  let wake: (() => void) | undefined;
  const listener = (event: ToolEvent) => {
    const next = nextTaskStatus(snapshots.get(event.toolCallId) ?? {}, event);
    if (next === undefined) return;
    snapshots.set(event.toolCallId, next);
    queue.push({ type: 'task_status_stream_event', toolName: event.toolName, toolCallId: event.toolCallId, ...next });
    wake?.();
  };
  const stops = TASK_STATUS_EVENTS.map((type) => ctx.events.on(type, listener));
  // The SDK types its stream loosely; on every platform it is a web ReadableStream.
  const reader = (result.toStream() as unknown as ReadableStream<RunStreamEvent>).getReader();
  let pending: ReturnType<typeof reader.read> | undefined;
  let done = false;
  try {
    for (;;) {
      yield* queue.splice(0);
      pending ??= reader.read();
      const woken = new Promise<undefined>((resolve) => {
        wake = () => resolve(undefined);
      });
      const read = await Promise.race([pending, woken]);
      wake = undefined;
      if (read === undefined) continue;
      pending = undefined;
      // Updates queued in the same turn happened before this event (a call's output comes after its work).
      yield* queue.splice(0);
      if (read.done) {
        done = true;
        return;
      }
      yield read.value;
    }
  } finally {
    for (const stop of stops) stop();
    // A pending read ends at once when the stream is cancelled.
    if (!done) await reader.cancel();
  }
}
