/** Options of a fixture server. Every option has a flag of the stdio bin (see {@link toArgs}). */
export interface FixtureOptions {
  /** The `pollInterval` the server suggests for its tasks, in ms (default 1000). */
  readonly pollInterval?: number;
  /** The ttl the server gives its tasks, in ms; `null` for unlimited (default 60 000). */
  readonly ttl?: number | null;
  /** Send `notifications/tasks/status` on every status change (default true); false makes clients poll. */
  readonly statusNotifications?: boolean;
  /** How long `slow_task` takes when its call gives no `delayMs` (default 50). */
  readonly taskDelayMs?: number;
  /**
   * Declare the tasks capability (default true). Without it the server is one without task
   * support: it advertises no `execution` field and runs every tool inline, ignoring a `task` param.
   */
  readonly tasks?: boolean;
  /** Declare `tasks.list` (default true). */
  readonly listTasks?: boolean;
  /** Add this many generated tools, `generated_00001`… (default 0). */
  readonly generatedTools?: number;
  /** Tools per `tools/list` page (default: all on one page). */
  readonly pageSize?: number;
  /** Also offer the misbehaving tools (default false). */
  readonly misbehaving?: boolean;
  readonly name?: string;
  readonly version?: string;
}

/** The options with their defaults. */
export type ResolvedFixtureOptions = Required<Omit<FixtureOptions, 'pageSize' | 'ttl'>> & {
  readonly pageSize: number | undefined;
  readonly ttl: number | null;
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
  return args;
}

/** Parses the stdio bin's flags (the inverse of {@link toArgs}), plus `--state-file`. */
export function fromArgs(argv: readonly string[]): { options: FixtureOptions; stateFile: string | undefined } {
  const options: Record<string, unknown> = {};
  let stateFile: string | undefined;
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index];
    const value = () => {
      const next = argv[++index];
      if (next === undefined) throw new Error(`toolwright-fixture-server: ${flag} needs a value`);
      return next;
    };
    const number = () => {
      const parsed = Number(value());
      if (!Number.isFinite(parsed) || parsed < 0)
        throw new Error(`toolwright-fixture-server: ${flag} needs a non-negative number`);
      return parsed;
    };
    switch (flag) {
      case '--poll-interval':
        options.pollInterval = number();
        break;
      case '--ttl': {
        const raw = value();
        options.ttl = raw === 'none' ? null : Number(raw);
        break;
      }
      case '--no-status-notifications':
        options.statusNotifications = false;
        break;
      case '--task-delay-ms':
        options.taskDelayMs = number();
        break;
      case '--no-tasks':
        options.tasks = false;
        break;
      case '--no-list-tasks':
        options.listTasks = false;
        break;
      case '--generated-tools':
        options.generatedTools = number();
        break;
      case '--page-size':
        options.pageSize = number();
        break;
      case '--misbehaving':
        options.misbehaving = true;
        break;
      case '--name':
        options.name = value();
        break;
      case '--version':
        options.version = value();
        break;
      case '--state-file':
        stateFile = value();
        break;
      default:
        throw new Error(`toolwright-fixture-server: unknown flag ${flag}. Flags: ${FLAGS}`);
    }
  }
  return { options: options as FixtureOptions, stateFile };
}

const FLAGS =
  '--poll-interval MS, --ttl MS|none, --no-status-notifications, --task-delay-ms MS, --no-tasks, --no-list-tasks, --generated-tools N, --page-size N, --misbehaving, --name NAME, --version V, --state-file PATH';
