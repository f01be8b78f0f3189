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
  readonly name?: string;
  readonly version?: string;
}

/** The options with their defaults filled in. */
export type ResolvedTasksExtensionFixtureOptions = Required<TasksExtensionFixtureOptions>;

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
  ];
}

/** Parses the stdio bin's flags (the inverse of {@link tasksExtensionArgs}), plus `--log-file`. */
export function tasksExtensionFromArgs(argv: readonly string[]): {
  options: TasksExtensionFixtureOptions;
  logFile: string | undefined;
} {
  const options: { -readonly [K in keyof TasksExtensionFixtureOptions]: TasksExtensionFixtureOptions[K] } = {};
  let logFile: string | undefined;
  for (let index = 0; index < argv.length; index += 1) {
    const flag = argv[index];
    const value = () => {
      const next = argv[index + 1];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      index += 1;
      return next;
    };
    if (flag === '--poll-interval-ms') options.pollIntervalMs = Number(value());
    else if (flag === '--ttl-ms') {
      const ttl = value();
      options.ttlMs = ttl === 'none' ? null : Number(ttl);
    } else if (flag === '--task-delay-ms') options.taskDelayMs = Number(value());
    else if (flag === '--result-type-in-result') options.resultTypeInResult = true;
    else if (flag === '--misbehaving') options.misbehaving = true;
    else if (flag === '--name') options.name = value();
    else if (flag === '--version') options.version = value();
    else if (flag === '--log-file') logFile = value();
    else throw new Error(`unknown flag ${flag}`);
  }
  return { options, logFile };
}
