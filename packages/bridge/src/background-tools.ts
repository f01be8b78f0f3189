import type { BridgeTask, BridgeTasks, TaskOutcome } from './bridge-tasks.ts';
import type { HostCall } from './host-call.ts';
import type { InputSink } from './input-router.ts';
import { ProgressReporter } from './progress.ts';

const TASK_ID = { type: 'string', description: 'The task id a background tool answered with.' } as const;

/** The longest task_result waits, in seconds. */
export const MAX_WAIT_SECONDS = 600;
/** How long task_result waits when not told. */
const DEFAULT_WAIT_SECONDS = 30;

/** The tools the bridge adds when some tool runs in the background. */
export const BACKGROUND_TOOLS = {
  task_status: {
    name: 'task_status',
    description:
      'The state of a background task: working, input_required, completed, failed or cancelled, with the server’s status message. Does not wait.',
    inputSchema: { type: 'object', properties: { task_id: TASK_ID }, required: ['task_id'] },
    annotations: { readOnlyHint: true, openWorldHint: false },
  },
  task_result: {
    name: 'task_result',
    description:
      'The result of a background task, waiting up to wait_seconds for it to finish (status messages arrive as progress meanwhile). If it is still running, says so: call again to keep waiting.',
    inputSchema: {
      type: 'object',
      properties: {
        task_id: TASK_ID,
        wait_seconds: {
          type: 'number',
          minimum: 0,
          maximum: MAX_WAIT_SECONDS,
          description: `How long to wait for the task to finish, in seconds (default ${DEFAULT_WAIT_SECONDS}, at most ${MAX_WAIT_SECONDS}).`,
        },
      },
      required: ['task_id'],
    },
    annotations: { readOnlyHint: true, openWorldHint: false },
  },
  task_cancel: {
    name: 'task_cancel',
    description: 'Cancels a background task on its server. A task that already finished is left as it is.',
    inputSchema: { type: 'object', properties: { task_id: TASK_ID }, required: ['task_id'] },
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  },
} as const;

/** The name of one of the bridge's task tools. */
export type BackgroundToolName = keyof typeof BACKGROUND_TOOLS;

/** A tool result of text, as an error or not. */
export function textResult(
  text: string,
  isError = false,
  structured?: Record<string, unknown>,
): Record<string, unknown> {
  return {
    content: [{ type: 'text', text }],
    ...(structured ? { structuredContent: structured } : {}),
    ...(isError ? { isError: true } : {}),
  };
}

/** What a background call answers at once: the task id and what to call next. */
export function acknowledgement(task: BridgeTask): Record<string, unknown> {
  const view = task.view();
  const id = JSON.stringify(task.hostId);
  return textResult(
    `Tool '${task.toolName}' is running in the background as task ${task.hostId} (${view.status}${view.statusMessage ? `: ${view.statusMessage}` : ''}). Call task_result with {"task_id": ${id}} to wait for its result (up to wait_seconds, default ${DEFAULT_WAIT_SECONDS}), task_status with {"task_id": ${id}} to see how it is doing, or task_cancel with {"task_id": ${id}} to stop it.`,
    false,
    { taskId: task.hostId, status: view.status },
  );
}

/** The host's result for a finished task: the server's result as it sent it, else an error naming what happened. */
export function outcomeResult(task: BridgeTask, outcome: TaskOutcome): Record<string, unknown> {
  switch (outcome.kind) {
    case 'result':
      return outcome.result;
    case 'error':
      return textResult(
        `Task ${task.hostId} of tool '${task.toolName}' failed: the server answered with error ${outcome.code}: ${outcome.message}`,
        true,
      );
    case 'cancelled':
      return textResult(`Task ${task.hostId} of tool '${task.toolName}' was cancelled: ${outcome.message}`, true);
    case 'failed':
      return textResult(`Task ${task.hostId} of tool '${task.toolName}' failed: ${outcome.message}`, true);
  }
}

/**
 * Runs one call of a bridge task tool. While task_result waits, the task's requests for input go to
 * `sink` (the host that waits), and its status changes reach the host as progress.
 */
export async function callBackgroundTool(
  name: BackgroundToolName,
  args: Record<string, unknown>,
  host: () => HostCall,
  sink: InputSink,
  signal: AbortSignal,
  tasks: BridgeTasks,
  heartbeatMs: number,
): Promise<Record<string, unknown>> {
  const id = args.task_id;
  if (typeof id !== 'string' || id === '')
    return textResult(`${name} needs a task_id: the id a background tool answered with.`, true);
  const task = await tasks.find(id);
  if (!task)
    return textResult(
      `There is no task ${id}: check the id the background tool answered with. A finished task is kept for its ttl (or an hour) after it ended.`,
      true,
    );
  if (name === 'task_status') {
    const view = task.view();
    const progress = task.progress;
    const details = view.statusMessage ? `: ${view.statusMessage}` : '';
    const next =
      view.status === 'input_required'
        ? ' The server waits for input: call task_result to be asked for it.'
        : task.outcome
          ? ' Call task_result to get its result.'
          : '';
    return textResult(`Task ${task.hostId} of tool '${task.toolName}' is ${view.status}${details}.${next}`, false, {
      ...view,
      toolName: task.toolName,
      ...(progress ? { progress: { ...progress } } : {}),
    });
  }
  if (name === 'task_cancel') {
    if (task.outcome)
      return textResult(`Task ${task.hostId} had already ended (${task.view().status}); nothing to cancel.`);
    await task.cancel();
    return textResult(`Task ${task.hostId} of tool '${task.toolName}' was cancelled.`);
  }
  const requested =
    typeof args.wait_seconds === 'number' && Number.isFinite(args.wait_seconds)
      ? args.wait_seconds
      : DEFAULT_WAIT_SECONDS;
  const waitMs = Math.min(Math.max(requested, 0), MAX_WAIT_SECONDS) * 1000;
  const reporter = new ProgressReporter(host, heartbeatMs);
  const report = () => {
    const view = task.view();
    reporter.status(view.status, view.statusMessage);
  };
  const stopListening = task.onChange(report);
  const stopRelay = task.relayTo(sink, signal);
  try {
    const outcome = await task.wait(waitMs, signal);
    if (outcome) return outcomeResult(task, outcome);
    const view = task.view();
    return textResult(
      `Task ${task.hostId} of tool '${task.toolName}' is still ${view.status}${view.statusMessage ? `: ${view.statusMessage}` : ''}. Call task_result again to keep waiting.`,
      false,
      { ...view, toolName: task.toolName },
    );
  } finally {
    stopRelay();
    stopListening();
    reporter.close();
  }
}
