import { renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** One tools/call the server received. */
export interface FixtureCall {
  readonly tool: string;
  readonly arguments: Record<string, unknown>;
  readonly meta: Record<string, unknown> | undefined;
  /** Whether the call asked for a task (a `task` param). */
  readonly asTask: boolean;
}

/** One task the server holds. */
export interface FixtureTaskRecord {
  readonly taskId: string;
  readonly tool: string;
  status: string;
  statusMessage?: string;
  /** tasks/cancel arrived for it. */
  cancelRequested: boolean;
  /** The running tool noticed the cancellation and stopped. */
  cancelObserved: boolean;
  /** When the server completed it (ms since the epoch, sub-ms resolution; for latency benchmarks). */
  completedAt?: number;
}

/** What a test may ask a fixture server: what it received and what it holds. Async, so the stdio variant can read the child's state. */
export interface FixtureInspector {
  /** Every tools/call received, in order, with arguments and `_meta`. */
  calls(): Promise<FixtureCall[]>;
  /** The tasks the server holds and their status. */
  tasks(): Promise<FixtureTaskRecord[]>;
  task(taskId: string): Promise<FixtureTaskRecord | undefined>;
  /** Task ids for which tasks/cancel arrived, in order. */
  cancelsReceived(): Promise<string[]>;
}

/** The records a fixture server keeps; shared by all of its sessions. */
export class FixtureState {
  readonly calls: FixtureCall[] = [];
  readonly tasks = new Map<string, FixtureTaskRecord>();
  readonly cancels: string[] = [];
  readonly #stateFile: string | undefined;

  /** With `stateFile`, every change is also written there as JSON (the stdio bin's inspector reads it). */
  constructor(stateFile?: string) {
    this.#stateFile = stateFile;
    this.changed(); // the file exists (with the pid) from the start
  }

  recordCall(call: FixtureCall): void {
    this.calls.push(call);
    this.changed();
  }

  task(taskId: string): FixtureTaskRecord | undefined {
    return this.tasks.get(taskId);
  }

  /**
   * Call after changing a record, so the state file follows. The write is synchronous (and atomic,
   * by rename), so whatever the server recorded before answering is on disk before the answer.
   */
  changed(): void {
    const file = this.#stateFile;
    if (!file) return;
    const snapshot = JSON.stringify({
      pid: process.pid,
      calls: this.calls,
      tasks: [...this.tasks.values()],
      cancels: this.cancels,
    });
    writeFileSync(`${file}.tmp`, snapshot);
    renameSync(`${file}.tmp`, file);
  }

  /** An inspector reading this state in-process. */
  inspector(): FixtureInspector {
    return {
      calls: async () => structuredClone(this.calls),
      tasks: async () => structuredClone([...this.tasks.values()]),
      task: async (taskId) => structuredClone(this.tasks.get(taskId)),
      cancelsReceived: async () => [...this.cancels],
    };
  }
}

/** The JSON state file a stdio fixture server writes. */
interface StateFile {
  readonly pid: number | undefined;
  readonly calls: FixtureCall[];
  readonly tasks: FixtureTaskRecord[];
  readonly cancels: string[];
}

/** Reads a stdio fixture server's state file (empty before the server wrote it). */
export async function readStateFile(stateFile: string): Promise<StateFile> {
  try {
    return JSON.parse(await readFile(stateFile, 'utf8'));
  } catch {
    return { pid: undefined, calls: [], tasks: [], cancels: [] }; // not written yet: nothing happened yet
  }
}

/** An inspector reading the JSON state file a stdio fixture server writes. */
export function fileInspector(stateFile: string): FixtureInspector {
  const read = () => readStateFile(stateFile);
  return {
    calls: async () => (await read()).calls,
    tasks: async () => (await read()).tasks,
    task: async (taskId) => (await read()).tasks.find((task) => task.taskId === taskId),
    cancelsReceived: async () => (await read()).cancels,
  };
}
