import { styleText } from 'node:util';

type Style = Parameters<typeof styleText>[0];

/**
 * Writes the demo's output: plain lines, or a live progress bar on a terminal. Colours go through
 * `util.styleText`, which leaves them out when stdout is not a terminal or NO_COLOR is set (and adds
 * them when FORCE_COLOR is). The live bar redraws with a carriage return alone, so output without
 * colours has no escape codes at all.
 */
export function terminal() {
  const tty = process.stdout.isTTY === true;
  const style = (format: Style) => (text: string) => styleText(format, text);
  const dim = style('dim');
  const bold = style('bold');
  let barWidth = 0; // the width of the bar on screen, 0 when none is
  const clearBar = () => {
    if (barWidth > 0) process.stdout.write(`\r${' '.repeat(barWidth)}\r`);
    barWidth = 0;
  };
  return {
    heading: (text: string) => {
      clearBar();
      console.log(bold(`\n${text}`));
    },
    dim: (text: string) => console.log(dim(text)),
    time: dim,
    line: (text: string) => {
      clearBar();
      console.log(`  ${text}`);
    },
    model: (text: string) => `${style(['bold', 'magenta'])('model:')} ${text}`,
    /** A task status, coloured by how it ended. */
    status: (status: string) =>
      status === 'completed'
        ? style('green')(status)
        : status === 'failed' || status === 'cancelled'
          ? style('red')(status)
          : style('cyan')(status),
    warning: style(['bold', 'yellow']),
    bar(progress: number, total: number, message: string | undefined) {
      const width = 24;
      const filled = Math.round((Math.min(progress, total) / total) * width);
      const line = `  [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${progress}/${total} ${message ?? ''}`;
      if (!tty) {
        console.log(line);
        return;
      }
      process.stdout.write(`\r${line.padEnd(barWidth)}`);
      barWidth = Math.max(barWidth, line.length);
    },
  };
}
