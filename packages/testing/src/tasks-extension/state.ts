import { appendFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { FixtureMessage, FixtureStart } from '../state.ts';
import { wallClockMs } from '../wall-clock.ts';
import type { TaskStatus } from './wire.ts';

/** One tools/call the 2026 fixture received, and what it answered. */
export interface TasksExtensionCall {
  /** The called tool's name. */
  readonly tool: string;
  /** The call's arguments as received. */
  readonly arguments: Record<string, unknown>;
  /** The client capabilities the request declared in its `_meta` envelope (undefined: none). */
  readonly declaredCapabilities: Record<string, unknown> | undefined;
  /** `task` (a CreateTaskResult), `inline` (a CallToolResult), `input_required` (an MRTR round) or `rejected` (an error). */
  readonly answer: 'task' | 'inline' | 'input_required' | 'rejected';
  /** The created task's id, when the answer was a task. */
  readonly taskId?: string;
}

/** One task the 2026 fixture holds (its latest state). */
export interface TasksExtensionTaskRecord {
  /** The task's id. */
  readonly taskId: string;
  /** The tool whose call the task runs. */
  readonly tool: string;
  /** The task's latest status. */
  readonly status: TaskStatus;
  /** The task's latest status message; absent when it has none. */
  readonly statusMessage?: string;
  /** The polling interval the server suggests for the task, in milliseconds. */
  readonly pollIntervalMs: number;
  /** tasks/cancel arrived for it. */
  readonly cancelRequested: boolean;
  /** The running tool saw the cancellation (or the ttl expiry) and stopped its work. */
  readonly cancelObserved: boolean;
  /** The server discarded it because its ttlMs elapsed. */
  readonly expired: boolean;
}

/** One key of one tasks/update: accepted (it was outstanding) or ignored (unknown, answered, or malformed). */
export interface TasksExtensionUpdate {
  /** The task the update was for. */
  readonly taskId: string;
  /** The input request's key the update answered. */
  readonly key: string;
  /** True when the key was outstanding and its answer taken; false when ignored. */
  readonly accepted: boolean;
}

/** One request over HTTP with its routing headers (SEP-2243). */
export interface TasksExtensionHttpRequest {
  /** The HTTP method (`POST`, `GET`, `DELETE`). */
  readonly method: string | undefined;
  /** The `Mcp-Method` header; undefined when absent. */
  readonly mcpMethod: string | undefined;
  /** The `Mcp-Name` header; undefined when absent. */
  readonly mcpName: string | undefined;
  /** The `MCP-Protocol-Version` header; undefined when absent. */
  readonly protocolVersion: string | undefined;
  /** Its `Mcp-Param-*` headers (tool parameters mirrored by the client), by lower-case name, values as received. */
  readonly paramHeaders: Record<string, string>;
}

/** One subscriptions/listen for task ids and what the server agreed to. */
export interface TasksExtensionListen {
  /** The task ids the client asked to watch. */
  readonly requested: string[];
  /** The ids the server agreed to watch (those of tasks it holds). */
  readonly agreed: string[];
}

/** What a test may ask the 2026 fixture: what it received and what it holds. Async, so the stdio variant can read the child's log. */
export interface TasksExtensionInspector {
  /** Every tools/call received, in order, with its arguments and declared capabilities. */
  calls(): Promise<TasksExtensionCall[]>;
  /** The tasks the server holds and their status. */
  tasks(): Promise<TasksExtensionTaskRecord[]>;
  /** One task the server holds, or undefined when it holds none with that id. */
  task(taskId: string): Promise<TasksExtensionTaskRecord | undefined>;
  /** Task ids for which tasks/cancel arrived, in order. */
  cancelsReceived(): Promise<string[]>;
  /** Every key of every tasks/update, in order. */
  updates(): Promise<TasksExtensionUpdate[]>;
  /** Every HTTP request with its routing headers (empty over stdio and for requests that were not HTTP). */
  httpRequests(): Promise<TasksExtensionHttpRequest[]>;
  /** Every subscriptions/listen for task ids, in order, with the ids the server agreed to watch. */
  listens(): Promise<TasksExtensionListen[]>;
  /**
   * Every request and notification received, in order, with its arrival time, before any wire fault
   * applies (a request the fixture never answers is listed too); with `method`, only those of that
   * method. Shows which requests a client needed, and on which process (see the stdio fixture's `starts()`).
   */
  received(method?: string): Promise<FixtureMessage[]>;
}

type Event =
  | { readonly pid: number; readonly at: number }
  | { readonly call: TasksExtensionCall }
  | { readonly task: TasksExtensionTaskRecord }
  | { readonly cancel: string }
  | { readonly update: TasksExtensionUpdate }
  | { readonly http: TasksExtensionHttpRequest }
  | { readonly listen: TasksExtensionListen }
  | { readonly received: FixtureMessage };

interface Folded {
  starts: FixtureStart[];
  calls: TasksExtensionCall[];
  tasks: Map<string, TasksExtensionTaskRecord>;
  cancels: string[];
  updates: TasksExtensionUpdate[];
  http: TasksExtensionHttpRequest[];
  listens: TasksExtensionListen[];
  received: FixtureMessage[];
}

function emptyFold(): Folded {
  return {
    starts: [],
    calls: [],
    tasks: new Map(),
    cancels: [],
    updates: [],
    http: [],
    listens: [],
    received: [],
  };
}

function fold(into: Folded, event: Event): void {
  if ('pid' in event) into.starts.push({ pid: event.pid, at: event.at });
  else if ('call' in event) into.calls.push(event.call);
  else if ('task' in event) into.tasks.set(event.task.taskId, event.task);
  else if ('cancel' in event) into.cancels.push(event.cancel);
  else if ('update' in event) into.updates.push(event.update);
  else if ('http' in event) into.http.push(event.http);
  else if ('received' in event) into.received.push(event.received);
  else into.listens.push(event.listen);
}

function inspectorOf(read: () => Promise<Folded>): TasksExtensionInspector {
  return {
    calls: async () => structuredClone((await read()).calls),
    tasks: async () => structuredClone([...(await read()).tasks.values()]),
    task: async (taskId) => structuredClone((await read()).tasks.get(taskId)),
    cancelsReceived: async () => [...(await read()).cancels],
    updates: async () => structuredClone((await read()).updates),
    httpRequests: async () => structuredClone((await read()).http),
    listens: async () => structuredClone((await read()).listens),
    received: async (method) =>
      structuredClone((await read()).received.filter((message) => method === undefined || message.method === method)),
  };
}

/**
 * The records of a 2026 fixture server, shared by all of its requests. With `logFile`, every record is
 * also appended there synchronously as one JSON line, so whatever the server recorded before answering
 * is on disk before the answer (the stdio inspector folds the lines).
 */
export class TasksExtensionState {
  readonly #folded = emptyFold();
  readonly #logFile: string | undefined;

  constructor(logFile?: string) {
    this.#logFile = logFile;
    this.#record({ pid: process.pid, at: wallClockMs() });
  }

  recordCall(call: TasksExtensionCall): void {
    this.#record({ call });
  }
  saveTask(task: TasksExtensionTaskRecord): void {
    this.#record({ task });
  }
  recordCancel(taskId: string): void {
    this.#record({ cancel: taskId });
  }
  recordUpdate(update: TasksExtensionUpdate): void {
    this.#record({ update });
  }
  recordHttp(http: TasksExtensionHttpRequest): void {
    this.#record({ http });
  }
  recordListen(listen: TasksExtensionListen): void {
    this.#record({ listen });
  }
  recordReceived(received: FixtureMessage): void {
    this.#record({ received });
  }

  #record(event: Event): void {
    fold(this.#folded, event);
    if (this.#logFile) appendFileSync(this.#logFile, `${JSON.stringify(event)}\n`);
  }

  /** An inspector reading this state in-process. */
  inspector(): TasksExtensionInspector {
    return inspectorOf(async () => this.#folded);
  }
}

/** Reads the log a stdio 2026 fixture server appends to (empty before it started): every process start, the latest last. */
export async function readTasksExtensionLog(
  logFile: string,
): Promise<{ pid: number | undefined; starts: FixtureStart[] }> {
  const { starts } = await foldLog(logFile);
  return { pid: starts.at(-1)?.pid, starts };
}

async function foldLog(logFile: string): Promise<Folded> {
  let text = '';
  try {
    text = await readFile(logFile, 'utf8');
  } catch {
    // not written yet: nothing happened yet
  }
  const folded = emptyFold();
  for (const line of text.split('\n')) if (line) fold(folded, JSON.parse(line) as Event);
  return folded;
}

/** An inspector reading the log a stdio 2026 fixture server writes. */
export function tasksExtensionFileInspector(logFile: string): TasksExtensionInspector {
  return inspectorOf(() => foldLog(logFile));
}
