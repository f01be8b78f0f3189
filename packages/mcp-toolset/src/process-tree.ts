// The processes a stdio server's child started, found through /proc (Linux), so that close() can end
// a server started behind a launcher (`npx`, `sh -c`, `uvx`): a signal to the launcher alone does not
// reach the server, which then outlives the toolset. The tree is read while the launcher still runs
// (once it is gone, its children belong to init and are no longer found under it); each process is
// known by its id and its start time, so an id the system gave to a new process since is never
// signalled. Where there is no /proc (macOS, Windows) no process is found, and close() signals the
// child alone, as the SDK does.
import { readdirSync, readFileSync } from 'node:fs';

/** One process of a tree: its id, and its start time (in clock ticks since boot) to tell it from a later process with the same id. */
export interface TreeProcess {
  readonly pid: number;
  readonly started: string;
}

/** What /proc/<pid>/stat says of a process: its parent, its state letter, its start time. */
interface ProcessStat {
  readonly ppid: number;
  readonly state: string;
  readonly started: string;
}

/** /proc/<pid>/stat, read; undefined when the process is gone (or there is no /proc). */
function readStat(pid: number): ProcessStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  // `pid (comm) state ppid …`: comm may hold spaces and parentheses, so the fields start after the last `)`.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // Fields 3, 4 and 22 of proc(5): state, ppid, starttime.
  const [state, ppid, started] = [fields[0], Number(fields[1]), fields[19]];
  if (state === undefined || started === undefined || !Number.isInteger(ppid)) return undefined;
  return { ppid, state, started };
}

/** Every process this user can see, by id (an empty map without /proc). */
function readProcesses(): Map<number, ProcessStat> {
  const processes = new Map<number, ProcessStat>();
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return processes;
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat !== undefined) processes.set(Number(name), stat);
  }
  return processes;
}

/**
 * The processes started by `roots` and by theirs, recursively, nearest first (the roots themselves
 * left out), read from one pass over /proc. Empty where there is no /proc.
 */
export function descendantsOf(roots: readonly number[]): TreeProcess[] {
  const processes = readProcesses();
  const children = new Map<number, number[]>();
  for (const [pid, { ppid }] of processes) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const found: TreeProcess[] = [];
  const seen = new Set<number>(roots);
  const queue = [...roots];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const pid of children.get(next) ?? []) {
      if (seen.has(pid)) continue;
      seen.add(pid);
      queue.push(pid);
      found.push({ pid, started: (processes.get(pid) as ProcessStat).started });
    }
  }
  return found;
}

/**
 * Whether `process` still runs: the same process (its id not reused) and not a zombie (one that
 * exited and waits for its parent, or init, to collect its status; it holds nothing but its id).
 */
export function isRunning(process: TreeProcess): boolean {
  const stat = readStat(process.pid);
  return stat !== undefined && stat.started === process.started && stat.state !== 'Z' && stat.state !== 'X';
}

/** Sends `signal` to each process of `tree` that still runs, deepest first (so a parent is signalled after its children). */
export function signalTree(tree: readonly TreeProcess[], signal: NodeJS.Signals): void {
  for (const member of [...tree].reverse()) {
    if (!isRunning(member)) continue;
    try {
      process.kill(member.pid, signal);
    } catch {
      // It ended in between, or is not ours to signal.
    }
  }
}

/** `tree` and the processes of `more` it did not hold yet. */
export function joinTrees(tree: readonly TreeProcess[], more: readonly TreeProcess[]): TreeProcess[] {
  const known = new Set(tree.map(({ pid, started }) => `${pid}@${started}`));
  return [...tree, ...more.filter(({ pid, started }) => !known.has(`${pid}@${started}`))];
}
