import { styleText } from 'node:util';

type Style = Parameters<typeof styleText>[0];

/** The colour of each terminal status. */
const ENDED: Readonly<Record<string, Style>> = { completed: 'green', failed: 'red', cancelled: 'red' };

/**
 * The example's output. Colours go through `util.styleText`, which leaves them out when stdout is
 * not a terminal or NO_COLOR is set (and adds them when FORCE_COLOR is).
 */
export function output() {
  const style = (format: Style) => (text: string) => styleText(format, text);
  const started = performance.now();
  const dim = style('dim');
  return {
    /** A numbered step of the walk-through. */
    step: (text: string) => console.log(style('bold')(`\n${text}`)),
    /** One indented line, stamped with the time since the start. */
    line: (text: string) =>
      console.log(`  ${dim(`${((performance.now() - started) / 1000).toFixed(2).padStart(5)} s`)}  ${text}`),
    /** A remark, dimmed. */
    note: (text: string) => console.log(dim(`  ${text}`)),
    /** A task status, coloured by how it ended (cyan while it runs). */
    status: (status: string) => style(ENDED[status] ?? 'cyan')(status),
    /** A tool's answer. */
    value: (value: unknown) => style('magenta')(JSON.stringify(value)),
  };
}

/** The first characters of a task id: enough to tell tasks apart on screen. */
export function short(taskId: string): string {
  return `${taskId.slice(0, 8)}…`;
}
