// Test support: a stdio source behind a launcher (launcher.ts, as `npx` or `sh -c` is one), the ids of
// the processes it started, and whether each is gone.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { StdioServer } from '../options.ts';

/** Whether `pid` is gone: no such process, or one that exited and waits only for its parent (or init) to collect it. */
export function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  // A zombie holds nothing but its id; init collects an orphan's late, or (on some machines) never.
  try {
    return /^\d+ \(.*\) Z /s.test(readFileSync(`/proc/${pid}/stat`, 'latin1'));
  } catch {
    return true;
  }
}

/** Code for a server's `--import`: it writes `tree <its launcher's id> <its id>` to its stderr, read back by {@link treeOf}. */
export const WRITE_TREE = "process.stderr.write(['tree', process.ppid, process.pid].join(' ') + '\\n')";

/** The process ids a server wrote to its stderr as `tree <id> <id> …`, once it has. */
export async function treeOf(lines: readonly string[]): Promise<number[]> {
  await expect.poll(() => lines.some((line) => line.startsWith('tree '))).toBe(true);
  return (lines.find((line) => line.startsWith('tree ')) as string).split(' ').slice(1).map(Number);
}

/** `source` started behind the launcher: the toolset's child is the launcher, the server its child. */
export function launchedSource(source: StdioServer): StdioServer {
  return {
    ...source,
    command: process.execPath,
    args: [
      '--disable-warning=ExperimentalWarning',
      fileURLToPath(new URL('./launcher.ts', import.meta.url)),
      source.command,
      ...(source.args ?? []),
    ],
  };
}
