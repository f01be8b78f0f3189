import { appendFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { wallClockMs } from './wall-clock.ts';

/** One tools/call the server received. */
export interface FixtureCall {
  /** The called tool's name. */
  readonly tool: string;
  /** The call's arguments as received (`{}` when it had none). */
  readonly arguments: Record<string, unknown>;
  /** The request's `_meta`; undefined when it had none. */
  readonly meta: Record<string, unknown> | undefined;
  /** Whether the call asked for a task (a `task` param). */
  readonly asTask: boolean;
}

/** One JSON-RPC request or notification the server received (before the SDK handled it). */
export interface FixtureMessage {
  /** The JSON-RPC method, e.g. `tools/call` or `notifications/cancelled`. */
  readonly method: string;
  /** The request id (absent for a notification). */
  readonly id?: string | number;
  /** `params.taskId`, when the message names a task (tasks/get, tasks/result, tasks/cancel). */
  readonly taskId?: string;
  /** When it arrived (ms since the epoch, sub-ms resolution). */
  readonly at: number;
}

/** One start of a fixture server process: its pid, and when it began serving (ms since the epoch, sub-ms resolution). */
export interface FixtureStart {
  /** The server process's id. */
  readonly pid: number;
  /** When it began serving: ms since the epoch, with sub-millisecond resolution. */
  readonly at: number;
}

/** One task the server holds. */
export interface FixtureTaskRecord {
  /** The task's id. */
  readonly taskId: string;
  /** The tool whose call the task runs. */
  readonly tool: string;
  /** The task's current status (`working`, `input_required`, `completed`, `failed`, `cancelled`). */
  status: string;
  /** The task's current status message; absent when it has none. */
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
  /** One task the server holds, or undefined when it holds none with that id. */
  task(taskId: string): Promise<FixtureTaskRecord | undefined>;
  /** Task ids for which tasks/cancel arrived, in order. */
  cancelsReceived(): Promise<string[]>;
  /**
   * Every request and notification received, in order, with its arrival time; only those of `method`
   * when given. Counts and gaps between them show whether a client shares requests or loops hot.
   */
  received(method?: string): Promise<FixtureMessage[]>;
}

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

/** One line of the state log a stdio fixture server appends to. */
type StateLine =
  | { readonly pid: number; readonly at: number }
  | { readonly call: FixtureCall }
  | { readonly task: FixtureTaskRecord }
  | { readonly cancel: string }
  | { readonly received: FixtureMessage }
  | { readonly forget: string };

/** The records a fixture server keeps; shared by all of its sessions. */
export class FixtureState {
  readonly calls: FixtureCall[] = [];
  readonly tasks = new Map<string, FixtureTaskRecord>();
  readonly cancels: string[] = [];
  readonly received: FixtureMessage[] = [];
  readonly #logFile: string | undefined;
  readonly #record: boolean;

  /**
   * With `logFile`, every change is also appended there as a JSON line (the stdio inspector folds
   * them). Appending is synchronous, so whatever the server recorded before answering is on disk
   * before the answer, and each change costs one short line, however long the server runs.
   */
  constructor(logFile?: string, record = true) {
    this.#logFile = logFile;
    this.#record = record;
    this.#log({ pid: process.pid, at: wallClockMs() });
  }

  recordCall(call: FixtureCall): void {
    if (!this.#record) return;
    this.calls.push(call);
    this.#log({ call });
  }

  recordReceived(message: FixtureMessage): void {
    if (!this.#record) return;
    this.received.push(message);
    this.#log({ received: message });
  }

  recordCancel(taskId: string): void {
    this.cancels.push(taskId);
    this.#log({ cancel: taskId });
  }

  task(taskId: string): FixtureTaskRecord | undefined {
    return this.tasks.get(taskId);
  }

  /** Stores (or updates) a task record. */
  saveTask(record: FixtureTaskRecord): void {
    // Without records, a terminal task is forgotten: memory stays flat however many tasks run.
    if (!this.#record && TERMINAL.has(record.status)) {
      this.tasks.delete(record.taskId);
      this.#log({ forget: record.taskId });
    } else {
      this.tasks.set(record.taskId, record);
      this.#log({ task: record });
    }
  }

  #log(line: StateLine): void {
    if (this.#logFile) appendFileSync(this.#logFile, `${JSON.stringify(line)}\n`);
  }

  /** An inspector reading this state in-process. */
  inspector(): FixtureInspector {
    return {
      calls: async () => structuredClone(this.calls),
      tasks: async () => structuredClone([...this.tasks.values()]),
      task: async (taskId) => structuredClone(this.tasks.get(taskId)),
      cancelsReceived: async () => [...this.cancels],
      received: async (method) => this.received.filter((message) => method === undefined || message.method === method),
    };
  }
}

/** The state a stdio fixture server logged, folded. */
interface LoggedState {
  /** The pid of the latest start. */
  readonly pid: number | undefined;
  /** Every process that started with this state log, in order. */
  readonly starts: FixtureStart[];
  readonly calls: FixtureCall[];
  readonly tasks: FixtureTaskRecord[];
  readonly cancels: string[];
  readonly received: FixtureMessage[];
}

/** Reads a stdio fixture server's state log (empty before the server started). */
export async function readStateFile(logFile: string): Promise<LoggedState> {
  let text = '';
  try {
    text = await readFile(logFile, 'utf8');
  } catch {
    // not written yet: nothing happened yet
  }
  const starts: FixtureStart[] = [];
  const calls: FixtureCall[] = [];
  const tasks = new Map<string, FixtureTaskRecord>();
  const cancels: string[] = [];
  const received: FixtureMessage[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const entry = JSON.parse(line) as Partial<{
      pid: number;
      at: number;
      call: FixtureCall;
      task: FixtureTaskRecord;
      cancel: string;
      received: FixtureMessage;
      forget: string;
    }>;
    if (entry.pid !== undefined) starts.push({ pid: entry.pid, at: entry.at ?? Number.NaN });
    if (entry.call) calls.push(entry.call);
    if (entry.task) tasks.set(entry.task.taskId, entry.task);
    if (entry.cancel !== undefined) cancels.push(entry.cancel);
    if (entry.received) received.push(entry.received);
    if (entry.forget !== undefined) tasks.delete(entry.forget);
  }
  return { pid: starts.at(-1)?.pid, starts, calls, tasks: [...tasks.values()], cancels, received };
}

/** An inspector reading the state log a stdio fixture server writes. */
export function fileInspector(logFile: string): FixtureInspector {
  const read = () => readStateFile(logFile);
  return {
    calls: async () => (await read()).calls,
    tasks: async () => (await read()).tasks,
    task: async (taskId) => (await read()).tasks.find((task) => task.taskId === taskId),
    cancelsReceived: async () => (await read()).cancels,
    received: async (method) =>
      (await read()).received.filter((message) => method === undefined || message.method === method),
  };
}
