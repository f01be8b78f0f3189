import type { Agent, AgentOutputType, RunStreamEvent, StreamedRunResult } from '@openai/agents';
import { nextTaskStatus, type RunContext, type TaskStatusOutput, type ToolEvent } from '@toolwright/core';

/**
 * A tool call's task status or progress, among the events of a streamed run (see
 * {@link withTaskStatus}): the call's latest `TaskStatusOutput` (the shape every Toolwright
 * adapter streams; `isTaskStatusOutput` of `@toolwright/core` tells it from the SDK's events),
 * with the tool and the call it belongs to. Fields are absent until known.
 */
export interface TaskStatusStreamEvent extends TaskStatusOutput {
  /** The tool, as the model called it. */
  readonly toolName: string;
  /** The call: the `callId` of the `tool_called` item it belongs to. */
  readonly toolCallId: string | undefined;
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
  const snapshots = new Map<string | undefined, TaskStatusOutput>();
  let wake: (() => void) | undefined;
  const listener = (event: ToolEvent) => {
    const next = nextTaskStatus(snapshots.get(event.toolCallId) ?? { type: 'task-status' }, event);
    if (next === undefined) return;
    snapshots.set(event.toolCallId, next);
    queue.push({ ...next, toolName: event.toolName, toolCallId: event.toolCallId });
    wake?.();
  };
  const stops = (['task-created', 'task-status', 'progress'] as const).map((type) => ctx.events.on(type, listener));
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
