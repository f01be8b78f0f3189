import { parseArgs } from 'node:util';

/** A burst of notifications/tools/list_changed: one every `intervalMs` for `durationMs`. */
export interface ListChangedStorm {
  /** Milliseconds between two notifications/tools/list_changed. */
  readonly intervalMs: number;
  /** How long the storm lasts, in milliseconds. */
  readonly durationMs: number;
}

/** Options of a fixture server. Every option has a flag of the stdio bin (see {@link toArgs}). */
export interface FixtureOptions {
  /** The `pollInterval` the server suggests for its tasks, in ms (default 1000). */
  readonly pollInterval?: number;
  /** The ttl the server gives its tasks, in ms; `null` for unlimited (default 60 000). */
  readonly ttl?: number | null;
  /** Send `notifications/tasks/status` on every status change (default true); false sends none at all. */
  readonly statusNotifications?: boolean;
  /** How long `slow_task` takes when its call gives no `delayMs` (default 50). */
  readonly taskDelayMs?: number;
  /**
   * Declare the tasks capability (default true). Without it the server is one without task
   * support: it advertises no `execution` field and runs every tool inline, ignoring a `task` param.
   */
  readonly tasks?: boolean;
  /** Declare and answer `tasks/list` (default true); false answers it with -32601 Method not found. */
  readonly listTasks?: boolean;
  /** Add this many generated tools, `generated_00001`… (default 0). */
  readonly generatedTools?: number;
  /** Tools per `tools/list` page (default: all on one page). */
  readonly pageSize?: number;
  /** Also offer the misbehaving tools (default false). */
  readonly misbehaving?: boolean;
  /** The server's name in its initialize answer (default `'toolwright-fixture'`). */
  readonly name?: string;
  /** The server's version in its initialize answer (default `'0.1.0'`). */
  readonly version?: string;
  /** Send notifications/tools/list_changed as soon as the client sent notifications/initialized (default false). */
  readonly listChangedOnInitialize?: boolean;
  /** Start a list_changed storm as soon as the client sent notifications/initialized (default none). */
  readonly listChangedStorm?: ListChangedStorm;
  /** Answer each `tools/list` only after this many ms (default 0). */
  readonly listToolsDelayMs?: number;
  /** `tools/list` never ends: after the real tools, every page has a `nextCursor` and fresh `endless_<n>` tools. */
  readonly endlessToolPages?: boolean;
  /** `tasks/list` never ends: after the real tasks, every page has a `nextCursor` and ten fresh invented tasks. */
  readonly endlessTaskPages?: boolean;
  /** The first N `tools/list` requests each send notifications/tools/list_changed before their answer (default 0). */
  readonly listChangedDuringListing?: number;
  /** Requests of these methods are received (and recorded) but never answered, e.g. `['tasks/get']`. */
  readonly unansweredMethods?: readonly string[];
  /** Requests of these methods are answered at once with a JSON-RPC error -32603, e.g. `['tools/list']`. */
  readonly failingMethods?: readonly string[];
  /** Answers to these methods carry a `result` that is a string, e.g. `['tasks/get']`. */
  readonly malformedMethods?: readonly string[];
  /**
   * Any request before `initialize` (a `server/discover` probe, say) ends the server, as servers built
   * on some SDKs do (default false): over stdio the process exits, in memory the connection closes,
   * over HTTP every connection is dropped.
   */
  readonly exitBeforeInitialize?: boolean;
  /**
   * How `tasks/get`, `tasks/result` and `tasks/cancel` for a task the server does not hold are answered
   * (default: the SDK's -32602 "Failed to retrieve task: Task not found").
   */
  readonly unknownTaskError?: UnknownTaskError;
  /**
   * Keep the inspector's per-message records (default true). False keeps no record of calls or received
   * messages and forgets a task once it is terminal, so the fixture's memory stays flat over long runs.
   */
  readonly record?: boolean;
}

/** The JSON-RPC error a server answers for a task it does not hold (servers word it in many ways). */
export interface UnknownTaskError {
  readonly code: number;
  readonly message: string;
  /** Add `data: { taskId }` naming the task (default false). */
  readonly dataTaskId?: boolean;
}

/** Reads an {@link UnknownTaskError} from the JSON of a bin flag; throws an Error that says what is wrong. */
export function readUnknownTaskError(raw: string): UnknownTaskError {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new Error(`--unknown-task-error needs JSON, not "${raw}"`);
  }
  const { code, message, dataTaskId } = (value ?? {}) as Record<string, unknown>;
  if (typeof code !== 'number' || !Number.isInteger(code) || typeof message !== 'string')
    throw new Error('--unknown-task-error needs {"code": <integer>, "message": "<text>"}');
  return { code, message, ...(dataTaskId === true ? { dataTaskId: true } : {}) };
}

/** The error object of an {@link UnknownTaskError} for task `taskId`. */
export function unknownTaskErrorFor(error: UnknownTaskError, taskId: string): Record<string, unknown> {
  return { code: error.code, message: error.message, ...(error.dataTaskId ? { data: { taskId } } : {}) };
}

/** The options with their defaults. */
export type ResolvedFixtureOptions = Required<
  Omit<FixtureOptions, 'pageSize' | 'ttl' | 'listChangedStorm' | 'unknownTaskError'>
> & {
  /** Tools per `tools/list` page; undefined: all on one page. */
  readonly pageSize: number | undefined;
  /** The ttl of the server's tasks, in ms; `null` for unlimited. */
  readonly ttl: number | null;
  /** The list_changed storm started on initialized; undefined: none. */
  readonly listChangedStorm: ListChangedStorm | undefined;
  /** How a task the server does not hold is answered; undefined: the SDK's error. */
  readonly unknownTaskError: UnknownTaskError | undefined;
};

/** Applies the defaults. */
export function resolveFixtureOptions(options: FixtureOptions = {}): ResolvedFixtureOptions {
  return {
    pollInterval: options.pollInterval ?? 1_000,
    ttl: options.ttl === undefined ? 60_000 : options.ttl,
    statusNotifications: options.statusNotifications ?? true,
    taskDelayMs: options.taskDelayMs ?? 50,
    tasks: options.tasks ?? true,
    listTasks: options.listTasks ?? true,
    generatedTools: options.generatedTools ?? 0,
    pageSize: options.pageSize,
    misbehaving: options.misbehaving ?? false,
    name: options.name ?? 'toolwright-fixture',
    version: options.version ?? '0.1.0',
    listChangedOnInitialize: options.listChangedOnInitialize ?? false,
    listChangedStorm: options.listChangedStorm,
    listToolsDelayMs: options.listToolsDelayMs ?? 0,
    endlessToolPages: options.endlessToolPages ?? false,
    endlessTaskPages: options.endlessTaskPages ?? false,
    listChangedDuringListing: options.listChangedDuringListing ?? 0,
    unansweredMethods: options.unansweredMethods ?? [],
    failingMethods: options.failingMethods ?? [],
    malformedMethods: options.malformedMethods ?? [],
    exitBeforeInitialize: options.exitBeforeInitialize ?? false,
    unknownTaskError: options.unknownTaskError,
    record: options.record ?? true,
  };
}

/** The stdio bin's flags for `options`. */
export function toArgs(options: FixtureOptions = {}): string[] {
  const args: string[] = [];
  if (options.pollInterval !== undefined) args.push('--poll-interval', String(options.pollInterval));
  if (options.ttl !== undefined) args.push('--ttl', options.ttl === null ? 'none' : String(options.ttl));
  if (options.statusNotifications === false) args.push('--no-status-notifications');
  if (options.taskDelayMs !== undefined) args.push('--task-delay-ms', String(options.taskDelayMs));
  if (options.tasks === false) args.push('--no-tasks');
  if (options.listTasks === false) args.push('--no-list-tasks');
  if (options.generatedTools !== undefined) args.push('--generated-tools', String(options.generatedTools));
  if (options.pageSize !== undefined) args.push('--page-size', String(options.pageSize));
  if (options.misbehaving) args.push('--misbehaving');
  if (options.name !== undefined) args.push('--name', options.name);
  if (options.version !== undefined) args.push('--version', options.version);
  if (options.listChangedOnInitialize) args.push('--list-changed-on-initialize');
  if (options.listChangedStorm !== undefined)
    args.push('--list-changed-storm', `${options.listChangedStorm.intervalMs}:${options.listChangedStorm.durationMs}`);
  if (options.listToolsDelayMs !== undefined) args.push('--list-tools-delay-ms', String(options.listToolsDelayMs));
  if (options.endlessToolPages) args.push('--endless-tool-pages');
  if (options.endlessTaskPages) args.push('--endless-task-pages');
  if (options.listChangedDuringListing !== undefined)
    args.push('--list-changed-during-listing', String(options.listChangedDuringListing));
  for (const method of options.unansweredMethods ?? []) args.push('--unanswered', method);
  for (const method of options.failingMethods ?? []) args.push('--failing', method);
  for (const method of options.malformedMethods ?? []) args.push('--malformed', method);
  if (options.exitBeforeInitialize) args.push('--exit-before-initialize');
  if (options.unknownTaskError !== undefined)
    args.push('--unknown-task-error', JSON.stringify(options.unknownTaskError));
  if (options.record === false) args.push('--no-record');
  return args;
}

/** The stdio bin's usage, printed by `--help` and with every flag error. */
export const USAGE = `Usage: toolwright-fixture-server [flags]

A fixture MCP server (MCP 2025-11-25, tasks) over stdio.

  --poll-interval MS                pollInterval suggested for tasks (default 1000)
  --ttl MS|none                     ttl of tasks (default 60000)
  --no-status-notifications         send no notifications/tasks/status
  --task-delay-ms MS                how long slow_task takes by default (default 50)
  --no-tasks                        no tasks capability: every tool runs inline
  --no-list-tasks                   no tasks/list (answered with -32601)
  --generated-tools N               add N generated tools
  --page-size N                     tools per tools/list page
  --misbehaving                     also offer the misbehaving tools
  --name NAME, --version V          the server's name and version
  --list-changed-on-initialize      send tools/list_changed right after initialized
  --list-changed-storm I:D          send tools/list_changed every I ms for D ms after initialized
  --list-tools-delay-ms MS          answer tools/list after MS
  --endless-tool-pages              tools/list never ends
  --endless-task-pages              tasks/list never ends
  --list-changed-during-listing N   send tools/list_changed during the first N tools/list
  --unanswered METHOD               never answer METHOD (repeatable)
  --failing METHOD                  answer METHOD with a JSON-RPC error -32603 (repeatable)
  --malformed METHOD                answer METHOD with a result that is a string (repeatable)
  --exit-before-initialize          exit on any request that comes before initialize
  --unknown-task-error JSON         {"code":N,"message":"…","dataTaskId":true}: the answer for a task the server does not hold
  --no-record                       keep no per-message records
  --state-file PATH                 append the inspector's state log there
  --help                            this text`;

/** What the stdio bin's flags ask for. */
export interface ParsedArgs {
  /** The fixture options the flags set (only those given). */
  readonly options: FixtureOptions;
  /** The `--state-file` path the inspector's state is written to; undefined when not given. */
  readonly stateFile: string | undefined;
  /** `--help` was given: print {@link USAGE} and exit. */
  readonly help: boolean;
}

/** Parses the stdio bin's flags (the inverse of {@link toArgs}), plus `--state-file` and `--help`. */
export function fromArgs(argv: readonly string[]): ParsedArgs {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new Error(`toolwright-fixture-server: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
  }
  const number = (flag: string, raw: string | undefined) => {
    if (raw === undefined) return undefined;
    const parsed = Number(raw);
    if (raw === '' || !Number.isFinite(parsed) || parsed < 0)
      throw new Error(`toolwright-fixture-server: --${flag} needs a non-negative number, not "${raw}"\n\n${USAGE}`);
    return parsed;
  };
  const options: Record<string, unknown> = {
    pollInterval: number('poll-interval', values['poll-interval']),
    ttl: values.ttl === 'none' ? null : number('ttl', values.ttl),
    statusNotifications: values['no-status-notifications'] ? false : undefined,
    taskDelayMs: number('task-delay-ms', values['task-delay-ms']),
    tasks: values['no-tasks'] ? false : undefined,
    listTasks: values['no-list-tasks'] ? false : undefined,
    generatedTools: number('generated-tools', values['generated-tools']),
    pageSize: number('page-size', values['page-size']),
    misbehaving: values.misbehaving ? true : undefined,
    name: values.name,
    version: values.version,
    listChangedOnInitialize: values['list-changed-on-initialize'] ? true : undefined,
    listChangedStorm: storm(values['list-changed-storm']),
    listToolsDelayMs: number('list-tools-delay-ms', values['list-tools-delay-ms']),
    endlessToolPages: values['endless-tool-pages'] ? true : undefined,
    endlessTaskPages: values['endless-task-pages'] ? true : undefined,
    listChangedDuringListing: number('list-changed-during-listing', values['list-changed-during-listing']),
    unansweredMethods: values.unanswered,
    failingMethods: values.failing,
    malformedMethods: values.malformed,
    exitBeforeInitialize: values['exit-before-initialize'] ? true : undefined,
    unknownTaskError: unknownTaskError(values['unknown-task-error']),
    record: values['no-record'] ? false : undefined,
  };
  for (const key of Object.keys(options)) if (options[key] === undefined) delete options[key];
  return { options: options as FixtureOptions, stateFile: values['state-file'], help: values.help === true };
}

function unknownTaskError(raw: string | undefined): UnknownTaskError | undefined {
  if (raw === undefined) return undefined;
  try {
    return readUnknownTaskError(raw);
  } catch (error) {
    throw new Error(`toolwright-fixture-server: ${(error as Error).message}\n\n${USAGE}`);
  }
}

function storm(raw: string | undefined): ListChangedStorm | undefined {
  if (raw === undefined) return undefined;
  const [intervalMs, durationMs] = raw.split(':').map(Number);
  if (intervalMs === undefined || durationMs === undefined || !(intervalMs > 0) || !(durationMs >= 0))
    throw new Error(
      `toolwright-fixture-server: --list-changed-storm needs INTERVAL_MS:DURATION_MS, not "${raw}"\n\n${USAGE}`,
    );
  return { intervalMs, durationMs };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      'poll-interval': { type: 'string' },
      ttl: { type: 'string' },
      'no-status-notifications': { type: 'boolean' },
      'task-delay-ms': { type: 'string' },
      'no-tasks': { type: 'boolean' },
      'no-list-tasks': { type: 'boolean' },
      'generated-tools': { type: 'string' },
      'page-size': { type: 'string' },
      misbehaving: { type: 'boolean' },
      name: { type: 'string' },
      version: { type: 'string' },
      'list-changed-on-initialize': { type: 'boolean' },
      'list-changed-storm': { type: 'string' },
      'list-tools-delay-ms': { type: 'string' },
      'endless-tool-pages': { type: 'boolean' },
      'endless-task-pages': { type: 'boolean' },
      'list-changed-during-listing': { type: 'string' },
      unanswered: { type: 'string', multiple: true },
      failing: { type: 'string', multiple: true },
      malformed: { type: 'string', multiple: true },
      'exit-before-initialize': { type: 'boolean' },
      'unknown-task-error': { type: 'string' },
      'no-record': { type: 'boolean' },
      'state-file': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
