import { parseArgs } from 'node:util';
import { readUnknownTaskError, type UnknownTaskError } from '../options.ts';
/** Settings of a 2026 (tasks extension) fixture server. */
export interface TasksExtensionFixtureOptions {
  /** The pollIntervalMs the server suggests for new tasks (default 500). Tools may change it later. */
  readonly pollIntervalMs?: number;
  /** The ttlMs of new tasks (default 60 000); `null` for unlimited. The task is discarded when it elapses. */
  readonly ttlMs?: number | null;
  /** How long `slow_task` takes without a `delayMs` argument (default 50). */
  readonly taskDelayMs?: number;
  /** Put `resultType: "complete"` inside every inlined result, as ext-tasks 0.2.2 requires (default false, as the spec's examples). */
  readonly resultTypeInResult?: boolean;
  /** Also offer the misbehaving tools (default false). */
  readonly misbehaving?: boolean;
  /** The server's name in its initialize answer (default `'toolwright-tasks-extension-fixture'`). */
  readonly name?: string;
  /** The server's version in its initialize answer (default `'0.1.0'`). */
  readonly version?: string;
  /** Requests of these methods are received (and recorded) but never answered, e.g. `['tasks/cancel']`. */
  readonly unansweredMethods?: readonly string[];
  /** Requests of these methods are answered at once with a JSON-RPC error -32603, e.g. `['tasks/update']`. */
  readonly failingMethods?: readonly string[];
  /**
   * Requests of these methods are answered as if their task did not exist (with {@link unknownTaskError}),
   * while every other method still shows the task, e.g. `['tasks/update']`.
   */
  readonly taskNotFoundMethods?: readonly string[];
  /**
   * How `tasks/get`, `tasks/update` and `tasks/cancel` for a task the server does not hold are answered
   * (default: -32602 "Failed to retrieve task: Task not found (<id>)").
   */
  readonly unknownTaskError?: UnknownTaskError;
  /** Over HTTP (and in memory, which is HTTP in process), requests of these methods get HTTP 500 with an HTML body. */
  readonly httpErrorMethods?: readonly string[];
  /** `tools/list` is answered with a tool that has no `inputSchema`, which the 2026 schema requires (default false). */
  readonly invalidToolsList?: boolean;
}

/** The options with their defaults filled in. */
export type ResolvedTasksExtensionFixtureOptions = Required<Omit<TasksExtensionFixtureOptions, 'unknownTaskError'>> & {
  readonly unknownTaskError: UnknownTaskError | undefined;
};

/** Fills in the defaults. */
export function resolveTasksExtensionOptions(
  options: TasksExtensionFixtureOptions = {},
): ResolvedTasksExtensionFixtureOptions {
  return {
    pollIntervalMs: options.pollIntervalMs ?? 500,
    ttlMs: options.ttlMs === undefined ? 60_000 : options.ttlMs,
    taskDelayMs: options.taskDelayMs ?? 50,
    resultTypeInResult: options.resultTypeInResult ?? false,
    misbehaving: options.misbehaving ?? false,
    name: options.name ?? 'toolwright-tasks-extension-fixture',
    version: options.version ?? '0.1.0',
    unansweredMethods: options.unansweredMethods ?? [],
    failingMethods: options.failingMethods ?? [],
    taskNotFoundMethods: options.taskNotFoundMethods ?? [],
    unknownTaskError: options.unknownTaskError,
    httpErrorMethods: options.httpErrorMethods ?? [],
    invalidToolsList: options.invalidToolsList ?? false,
  };
}

/** The stdio bin's flags for `options`. */
export function tasksExtensionArgs(options: TasksExtensionFixtureOptions = {}): string[] {
  const resolved = resolveTasksExtensionOptions(options);
  return [
    '--poll-interval-ms',
    String(resolved.pollIntervalMs),
    '--ttl-ms',
    resolved.ttlMs === null ? 'none' : String(resolved.ttlMs),
    '--task-delay-ms',
    String(resolved.taskDelayMs),
    ...(resolved.resultTypeInResult ? ['--result-type-in-result'] : []),
    ...(resolved.misbehaving ? ['--misbehaving'] : []),
    '--name',
    resolved.name,
    '--version',
    resolved.version,
    ...resolved.unansweredMethods.flatMap((method) => ['--unanswered', method]),
    ...resolved.failingMethods.flatMap((method) => ['--failing', method]),
    ...resolved.taskNotFoundMethods.flatMap((method) => ['--task-not-found', method]),
    ...(resolved.unknownTaskError ? ['--unknown-task-error', JSON.stringify(resolved.unknownTaskError)] : []),
    ...resolved.httpErrorMethods.flatMap((method) => ['--http-error', method]),
    ...(resolved.invalidToolsList ? ['--invalid-tools-list'] : []),
  ];
}

/** The stdio bin's `--help` text. */
export const TASKS_EXTENSION_USAGE = `Usage: toolwright-tasks-extension-fixture-server [flags]

A fixture MCP server (MCP 2026-07-28, the io.modelcontextprotocol/tasks extension) over stdio.

  --poll-interval-ms MS       pollIntervalMs suggested for new tasks (default 500)
  --ttl-ms MS|none            ttlMs of new tasks (default 60000); the task is discarded when it elapses
  --task-delay-ms MS          how long slow_task takes by default (default 50)
  --result-type-in-result     put resultType "complete" inside every inlined result
  --misbehaving               also offer the misbehaving tools
  --unanswered METHOD         never answer requests of METHOD (repeatable)
  --failing METHOD            answer requests of METHOD with -32603 (repeatable)
  --task-not-found METHOD     answer requests of METHOD as if their task did not exist (repeatable)
  --unknown-task-error JSON   {"code":N,"message":"…","dataTaskId":true}: the answer for a task the server does not hold
  --http-error METHOD         over HTTP, answer requests of METHOD with HTTP 500 and an HTML body (repeatable)
  --invalid-tools-list        answer tools/list with a tool that has no inputSchema
  --name NAME, --version V    the server's name and version
  --log-file PATH             append the inspector's log there
  --help                      this text`;

/** Parses the stdio bin's flags (the inverse of {@link tasksExtensionArgs}), plus `--log-file` and `--help`. */
export function tasksExtensionFromArgs(argv: readonly string[]): {
  options: TasksExtensionFixtureOptions;
  logFile: string | undefined;
  help: boolean;
} {
  const fail = (problem: string): never => {
    throw new Error(`toolwright-tasks-extension-fixture-server: ${problem}\n\n${TASKS_EXTENSION_USAGE}`);
  };
  let values: ReturnType<typeof parseFlags>['values'];
  try {
    values = parseFlags(argv).values;
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  const number = (flag: string, raw: string | undefined) => {
    if (raw === undefined) return undefined;
    const parsed = Number(raw);
    return raw === '' || !Number.isFinite(parsed) || parsed < 0
      ? fail(`--${flag} needs a non-negative number, not "${raw}"`)
      : parsed;
  };
  const options: { -readonly [K in keyof TasksExtensionFixtureOptions]: TasksExtensionFixtureOptions[K] } = {};
  const pollIntervalMs = number('poll-interval-ms', values['poll-interval-ms']);
  if (pollIntervalMs !== undefined) options.pollIntervalMs = pollIntervalMs;
  if (values['ttl-ms'] !== undefined)
    options.ttlMs = values['ttl-ms'] === 'none' ? null : (number('ttl-ms', values['ttl-ms']) as number);
  const taskDelayMs = number('task-delay-ms', values['task-delay-ms']);
  if (taskDelayMs !== undefined) options.taskDelayMs = taskDelayMs;
  if (values['result-type-in-result']) options.resultTypeInResult = true;
  if (values.misbehaving) options.misbehaving = true;
  if (values.name !== undefined) options.name = values.name;
  if (values.version !== undefined) options.version = values.version;
  if (values.unanswered) options.unansweredMethods = values.unanswered;
  if (values.failing) options.failingMethods = values.failing;
  if (values['task-not-found']) options.taskNotFoundMethods = values['task-not-found'];
  if (values['unknown-task-error'] !== undefined)
    try {
      options.unknownTaskError = readUnknownTaskError(values['unknown-task-error']);
    } catch (error) {
      fail((error as Error).message);
    }
  if (values['http-error']) options.httpErrorMethods = values['http-error'];
  if (values['invalid-tools-list']) options.invalidToolsList = true;
  return { options, logFile: values['log-file'], help: values.help === true };
}

function parseFlags(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      'poll-interval-ms': { type: 'string' },
      'ttl-ms': { type: 'string' },
      'task-delay-ms': { type: 'string' },
      'result-type-in-result': { type: 'boolean' },
      misbehaving: { type: 'boolean' },
      name: { type: 'string' },
      version: { type: 'string' },
      unanswered: { type: 'string', multiple: true },
      failing: { type: 'string', multiple: true },
      'task-not-found': { type: 'string', multiple: true },
      'unknown-task-error': { type: 'string' },
      'http-error': { type: 'string', multiple: true },
      'invalid-tools-list': { type: 'boolean' },
      'log-file': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
