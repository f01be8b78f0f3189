import type { TaskStatusOutput } from '@toolwright/ai-sdk';
import type { DynamicToolUIPart } from 'ai';
import { useRef } from 'react';

/** True for a task status update (a preliminary output of a Toolwright tool). */
function isStatus(value: unknown): value is TaskStatusOutput {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'task-status';
}

/** What the card shows for the part's current state; `last` is the latest status update seen. */
function view(part: DynamicToolUIPart, last: TaskStatusOutput | undefined) {
  switch (part.state) {
    case 'output-available':
      if (part.preliminary && isStatus(part.output)) {
        const { status = 'working', statusMessage, progress, total } = part.output;
        return { status, message: statusMessage ?? '', progress, total, result: undefined };
      }
      // The final result replaces the updates (a render may skip the last ones): keep the
      // message of the completed status if it was seen, and fill the bar.
      return {
        status: 'completed',
        message: (last?.status === 'completed' && last.statusMessage) || 'done',
        progress: 1,
        total: 1,
        result: text(part.output),
      };
    case 'output-error':
      return { status: 'failed', message: part.errorText, progress: undefined, total: undefined, result: undefined };
    default:
      return { status: 'starting', message: '', progress: undefined, total: undefined, result: undefined };
  }
}

function text(output: unknown): string {
  return typeof output === 'string' ? output : JSON.stringify(output);
}

/** One tool call: its title, live status and status message, a progress bar, then the result. */
export function TaskCard({ part }: { readonly part: DynamicToolUIPart }) {
  const last = useRef<TaskStatusOutput | undefined>(undefined);
  if (part.state === 'output-available' && part.preliminary && isStatus(part.output)) last.current = part.output;
  const { status, message, progress, total, result } = view(part, last.current);
  const percent = progress !== undefined && total ? Math.min(100, Math.round((progress / total) * 100)) : undefined;
  return (
    <section className={`task-card ${status}`} data-testid="task-card" data-status={status}>
      <header>
        <strong>{part.title ?? part.toolName}</strong>
        {last.current?.taskId && <code className="task-id">task {last.current.taskId.slice(0, 8)}</code>}
        <span className="status" data-testid="task-status">
          {status}
        </span>
      </header>
      <p className="status-message" data-testid="status-message">
        {message}
      </p>
      <div
        className="progress"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent ?? 0}
        data-testid="progress"
      >
        <div className="bar" style={{ width: `${percent ?? 0}%` }} />
      </div>
      {result !== undefined && (
        <p className="result" data-testid="task-result">
          {result}
        </p>
      )}
    </section>
  );
}
