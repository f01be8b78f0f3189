/** Writes the demo's output: plain lines, or a live progress bar on a terminal. */
export function terminal() {
  const tty = process.stdout.isTTY;
  const style = (code: number) => (text: string) => (tty ? `\x1b[${code}m${text}\x1b[0m` : text);
  const bold = style(1);
  const dim = style(2);
  const clear = () => {
    if (tty) process.stdout.write('\r\x1b[2K');
  };
  return {
    heading: (text: string) => console.log(bold(`\n${text}`)),
    dim: (text: string) => console.log(dim(text)),
    time: dim,
    line: (text: string) => {
      clear();
      console.log(`  ${text}`);
    },
    model: (text: string) => `${bold('model:')} ${text}`,
    bar(progress: number, total: number, message: string | undefined) {
      const width = 24;
      const filled = Math.round((Math.min(progress, total) / total) * width);
      const line = `  [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${progress}/${total} ${message ?? ''}`;
      if (tty) process.stdout.write(`\r\x1b[2K${line}`);
      else console.log(line);
    },
  };
}
