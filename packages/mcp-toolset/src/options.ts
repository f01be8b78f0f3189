import type {
  Client,
  CreateMessageRequest,
  CreateMessageResult,
  ElicitRequest,
  ElicitResult,
  LoggingMessageNotification,
  Transport,
} from '@modelcontextprotocol/client';
import { type JsonObject, type ProgressEvent, type RunContext, type ToolArguments, UserError } from '@toolwright/core';
import { type Clock, MAX_TIMER_MS, systemClock } from './clock.ts';

import type { RemoteServer } from './remote-server.ts';
import type { StdioStderr } from './stdio-stderr.ts';

/** A local MCP server started as a child process, spoken to over stdio. */
export interface StdioServer {
  /** The program to run (found on the PATH of the environment below, or a path). */
  readonly command: string;
  /** Its arguments. They stay out of task references and error messages: they may carry a token. */
  readonly args?: readonly string[];
  /**
   * Variables added to a safe default environment (the SDK's: `HOME`, `LOGNAME`, `PATH`, `SHELL`,
   * `TERM`, `USER` on POSIX). The parent's full environment is not passed, so that its secrets do not
   * reach every server: a server that needs an API key from the environment gets it only from here,
   * e.g. `env: { API_KEY: process.env.API_KEY ?? '' }`.
   */
  readonly env?: Readonly<Record<string, string>>;
  /** The child's working directory (default: this process's). */
  readonly cwd?: string;
  /**
   * What to do with the child's stderr (see {@link StdioStderr}): by default (`'label'`) each line is
   * written to this process's stderr as `[id] line`, with the toolset's `id` (else the command's name),
   * so a server's own warnings and stack traces cannot be taken for the application's. `'inherit'`
   * passes it through unlabelled, `'ignore'` drops it, a function receives each line.
   */
  readonly stderr?: StdioStderr;
  /**
   * How long close() waits for the child to exit after closing its stdin before it sends SIGTERM, and
   * after SIGTERM before SIGKILL, in ms (default 2000, the MCP SDK's). A server that exits when its
   * stdin closes is closed as soon as it has exited; one that does not costs this wait. The signals go
   * to the child and, on Linux, every process it started (a server behind `npx` or `sh -c` too);
   * close() returns within 3 × this wait.
   */
  readonly closeGraceMs?: number;
  /**
   * The longest message (one line) read from the child, in bytes (default 10 MiB, 10 485 760). A longer
   * line is skipped without dropping the connection: the request it answered fails with a ProtocolError
   * naming this limit.
   */
  readonly maxMessageBytes?: number;
}

/**
 * Where the MCP server is: a URL (Streamable HTTP), a remote server with HTTP options (`{ url,
 * headers, fetch, requestInit, authProvider }`, see {@link RemoteServer}), a stdio command, an SDK
 * transport (connected on open), or an SDK client that is already connected (the toolset then does
 * not close it).
 * On 2026-07-28 the toolset sends `Mcp-Param-*` headers (SEP-2243) through the transport's
 * per-message `headers` send option: a transport of your own that ignores it cannot send them.
 */
export type MCPServerSource = string | URL | RemoteServer | StdioServer | Transport | Client;

/** How a tool's error result (`isError: true`) or a protocol error reaches the caller. */
export type ToolErrorBehavior = 'retry' | 'failed' | 'error';

/** The bound call a {@link ProcessToolCall} hook receives: it keeps the toolset's task routing. */
export type BoundToolCall = (name: string, args: ToolArguments, meta?: JsonObject) => Promise<unknown>;

/**
 * Runs around every tool call: may change the arguments, add `_meta`, or return a result without
 * calling the server. `call` keeps the routing (task or not) the toolset chose.
 */
export type ProcessToolCall = (
  ctx: RunContext,
  call: BoundToolCall,
  name: string,
  args: ToolArguments,
) => Promise<unknown>;

/**
 * What an `elicitation` handler is asked: the params of the MCP SDK's `ElicitRequest`. A form request
 * (`mode` `'form'` or absent) carries `message` and `requestedSchema`, a flat object schema of strings,
 * numbers, booleans and enums; a URL request (`mode: 'url'`) carries `message`, `url` and
 * `elicitationId` instead: check `request.mode` before reading the schema.
 */
export type ElicitationRequest = ElicitRequest['params'];

/** What a `sampling` handler is asked: the params of the MCP SDK's `CreateMessageRequest` (messages, maxTokens, …). */
export type SamplingRequest = CreateMessageRequest['params'];

/** A log message of the server, as `onLog` gets it: the params of the MCP SDK's `LoggingMessageNotification` (level, logger, data). */
export type ServerLogMessage = LoggingMessageNotification['params'];

/** Answers a server's elicitation request: `accept` with `content` matching the requested schema, `decline`, or `cancel`. */
export type ElicitationHandler = (request: ElicitationRequest, context: ServerRequestContext) => Promise<ElicitResult>;

/** Answers a server's sampling request with the model's message. */
export type SamplingHandler = (request: SamplingRequest, context: ServerRequestContext) => Promise<CreateMessageResult>;

/** Receives a log message of the server. */
export type ServerLogHandler = (message: ServerLogMessage) => void;

/** What an elicitation or sampling handler learns besides the request. */
export interface ServerRequestContext {
  /** The task the request belongs to, when the server sent it for a task (input_required). */
  readonly taskId: string | undefined;
  /** Aborted when the answer is no longer wanted (the server cancelled the request, the task ended, the connection closed): stop asking the user then. */
  readonly signal: AbortSignal;
}

/** Timeouts, in milliseconds. */
export interface MCPTimeouts {
  /** Connecting and initialising (default 30 000). */
  readonly connectMs?: number;
  /** Each single request: tools/list, tools/call, tasks/get, … (default 60 000). A task as a whole is not bound by it. */
  readonly requestMs?: number;
  /**
   * How long giving up on a task (an abort, a `timeoutMs` deadline, the ttl backstop, input that
   * cannot be answered) waits for the server to acknowledge tasks/cancel, and how long an abort waits
   * for a tools/call that may be creating a task, before the caller gets its error (default 1 000).
   * The request itself goes on in the background, within `requestMs`; the error says whether the
   * server acknowledged.
   */
  readonly cancelMs?: number;
  /**
   * How long a server whose tasks/get got no answer within `requestMs` is given to answer a ping
   * before waiting gives up with a RequestTimeoutError that says the server stopped answering
   * (default 1 000). A server that answers the ping is polled on.
   */
  readonly pingMs?: number;
  /**
   * Where the ttl is a backstop (MCP 2026-07-28, whose server may discard a task at its ttl without
   * a word): how long past its ttl, counted from when the toolset first saw the task, a task that
   * still runs is waited for before it is given up with a TaskExpiredError (default 1 000).
   */
  readonly ttlGraceMs?: number;
}

/** How a task is polled when the server sends no status notification. */
export interface TaskPolling {
  /** Never poll more often than this (default 25 ms). */
  readonly minIntervalMs?: number;
  /** Never wait longer than this between polls (default 30 000 ms). */
  readonly maxIntervalMs?: number;
  /** Interval when the server suggests none; it then grows by `backoff` each unchanged poll (default 500 ms). */
  readonly defaultIntervalMs?: number;
  /**
   * What the interval is multiplied by after each poll that found the status unchanged, when the
   * server suggests no interval (default 1.5; 1 keeps it steady).
   */
  readonly backoff?: number;
  /** What the interval is multiplied by after a failed poll that is retried (default 2). */
  readonly failureBackoff?: number;
  /**
   * Failed polls in a row (a timeout, a server's error answer) after which waiting gives up with a
   * typed error (default 3). The toolset's own typed errors end the wait at once.
   */
  readonly maxFailures?: number;
  /**
   * MCP 2025-11-25, while a task needs input: a held-open tasks/result that the server ended before
   * the task did is sent again after this wait, doubled each time up to `maxIntervalMs`, so a server
   * that keeps answering early cannot make it loop (default 100 ms).
   */
  readonly inputRetryMs?: number;
}

/** Bounds on a paginated listing (tools/list, tasks/list): past either, it stops with a ProtocolError. */
export interface ListingLimits {
  /** The most pages one listing reads (default 1 000). */
  readonly maxPages?: number;
  /** The most items one listing collects (default 100 000). */
  readonly maxItems?: number;
}

/** Options of an {@link MCPToolset}. */
export interface MCPToolsetOptions {
  /** Names the toolset in errors and identifies its server in task references. */
  readonly id?: string;
  /**
   * Run `optional` task tools as tasks (default true). `required` tools always run as tasks. On
   * MCP 2026-07-28 the server decides per call whatever this says.
   */
  readonly preferTasks?: boolean;
  /** Keep the tool list until the server says it changed (default true). */
  readonly cacheTools?: boolean;
  /** See {@link ToolErrorBehavior} (default `'retry'`). */
  readonly toolErrorBehavior?: ToolErrorBehavior;
  /** Runs around every tool call (see {@link ProcessToolCall}); none by default. */
  readonly processToolCall?: ProcessToolCall;
  /** Timeouts of connecting, of each request and of a cancel (see {@link MCPTimeouts} for the defaults). */
  readonly timeouts?: MCPTimeouts;
  /** How often a task is polled when the server pushes no status (see {@link TaskPolling} for the defaults). */
  readonly taskPolling?: TaskPolling;
  /** Bounds on tools/list and tasks/list, so a server that pages forever cannot hold a caller. */
  readonly listing?: ListingLimits;
  /**
   * The ttl to ask for when creating a 2025-11-25 task, in milliseconds (the server may choose
   * another). Not sent on MCP 2026-07-28, where the server chooses the ttl.
   */
  readonly taskTtlMs?: number;
  /** Answers the server's elicitation requests (also those of a task in `input_required`). */
  readonly elicitation?: ElicitationHandler;
  /** Answers the server's sampling requests. */
  readonly sampling?: SamplingHandler;
  /** Called for each progress notification of any call (the run's event sink also receives them). */
  readonly onProgress?: (event: ProgressEvent) => void;
  /** Called for each log message the server sends. */
  readonly onLog?: ServerLogHandler;
  /** Called when the server says its tool list changed (after the cache was dropped). */
  readonly onToolsListChanged?: () => void;
  /** How the toolset introduces itself to the server. */
  readonly clientInfo?: {
    /** The client's name (default `'toolwright'`). */
    readonly name: string;
    /** The client's version (default: this package's). */
    readonly version: string;
  };
  /** Offer the server's instructions through `instructions()` (default false). */
  readonly includeInstructions?: boolean;
  /**
   * The MCP protocol version to speak: `'auto'` (default) negotiates it with the server; a version
   * pins it (`'2025-11-25'`: the 2025 handshake only; `'2026-07-28'`: that version or a typed error).
   */
  readonly protocolVersion?: 'auto' | '2025-11-25' | '2026-07-28';
  /**
   * The timers and the time the toolset's task engine reads: polling, deadlines, the ttl backstop,
   * waits for tasks/cancel, early status reports, the pause between multi round-trip rounds and raw
   * requests' timeouts (default: `setTimeout` and `performance.now()`). A test passes a clock it moves
   * on by hand, so none of these has to be waited for.
   */
  readonly clock?: Clock;
}

/** The options with defaults applied. */
export interface ResolvedOptions {
  readonly preferTasks: boolean;
  readonly cacheTools: boolean;
  readonly toolErrorBehavior: ToolErrorBehavior;
  readonly connectMs: number;
  readonly requestMs: number;
  readonly cancelMs: number;
  readonly pingMs: number;
  readonly ttlGraceMs: number;
  readonly minPollMs: number;
  readonly maxPollMs: number;
  readonly defaultPollMs: number;
  readonly pollBackoff: number;
  readonly pollFailureBackoff: number;
  readonly maxPollFailures: number;
  readonly inputRetryMs: number;
  readonly clock: Clock;
  readonly maxListPages: number;
  readonly maxListItems: number;
}

const BEHAVIORS: readonly ToolErrorBehavior[] = ['retry', 'failed', 'error'];

/**
 * Checks options against each other and against the source, and applies defaults. Throws a
 * {@link UserError} that names the option for every contradiction.
 */
export function resolveOptions(options: MCPToolsetOptions, sourceIsConnectedClient: boolean): ResolvedOptions {
  const problems: string[] = [];
  const positive = (name: string, value: number | undefined) => {
    const problem = timerProblem(name, value);
    if (problem) problems.push(problem);
  };
  const count = (name: string, value: number | undefined) => {
    if (value !== undefined && !(Number.isSafeInteger(value) && value > 0))
      problems.push(`${name} must be a positive whole number, got ${value}`);
  };
  if (options.toolErrorBehavior !== undefined && !BEHAVIORS.includes(options.toolErrorBehavior)) {
    problems.push(
      `toolErrorBehavior must be one of ${BEHAVIORS.join(', ')}, got '${String(options.toolErrorBehavior)}'`,
    );
  }
  positive('timeouts.connectMs', options.timeouts?.connectMs);
  positive('timeouts.requestMs', options.timeouts?.requestMs);
  positive('timeouts.cancelMs', options.timeouts?.cancelMs);
  positive('timeouts.pingMs', options.timeouts?.pingMs);
  positive('timeouts.ttlGraceMs', options.timeouts?.ttlGraceMs);
  positive('taskPolling.inputRetryMs', options.taskPolling?.inputRetryMs);
  positive('taskPolling.minIntervalMs', options.taskPolling?.minIntervalMs);
  positive('taskPolling.maxIntervalMs', options.taskPolling?.maxIntervalMs);
  positive('taskPolling.defaultIntervalMs', options.taskPolling?.defaultIntervalMs);
  if (options.taskTtlMs !== undefined && !(Number.isFinite(options.taskTtlMs) && options.taskTtlMs > 0))
    problems.push(`taskTtlMs must be a positive number of milliseconds, got ${options.taskTtlMs}`);
  for (const name of ['backoff', 'failureBackoff'] as const) {
    const factor = options.taskPolling?.[name];
    if (factor !== undefined && !(Number.isFinite(factor) && factor >= 1))
      problems.push(`taskPolling.${name} must be a number of 1 or more, got ${factor}`);
  }
  count('taskPolling.maxFailures', options.taskPolling?.maxFailures);
  count('listing.maxPages', options.listing?.maxPages);
  count('listing.maxItems', options.listing?.maxItems);
  const minPollMs = options.taskPolling?.minIntervalMs ?? 25;
  const maxPollMs = options.taskPolling?.maxIntervalMs ?? 30_000;
  if (minPollMs > maxPollMs)
    problems.push(`taskPolling.minIntervalMs (${minPollMs}) is above taskPolling.maxIntervalMs (${maxPollMs})`);
  if (options.processToolCall !== undefined && typeof options.processToolCall !== 'function')
    problems.push('processToolCall must be a function');
  if (
    options.protocolVersion !== undefined &&
    !['auto', '2025-11-25', '2026-07-28'].includes(options.protocolVersion as string)
  )
    problems.push(
      `protocolVersion must be 'auto', '2025-11-25' or '2026-07-28', got ${String(options.protocolVersion)}`,
    );
  if (sourceIsConnectedClient) {
    // A connected client has already declared its capabilities and introduced itself.
    for (const name of ['elicitation', 'sampling', 'clientInfo', 'protocolVersion', 'timeouts.connectMs'] as const) {
      const given = name === 'timeouts.connectMs' ? options.timeouts?.connectMs : options[name];
      if (given !== undefined) {
        problems.push(
          `${name} cannot apply to an already connected Client (it is set when connecting); set it on the Client, or pass a transport or URL instead`,
        );
      }
    }
  }
  const label = options.id ? `MCPToolset '${options.id}'` : 'MCPToolset';
  if (problems.length > 0) throw new UserError(`${label}: ${problems.join('; ')}.`);
  return {
    preferTasks: options.preferTasks ?? true,
    cacheTools: options.cacheTools ?? true,
    toolErrorBehavior: options.toolErrorBehavior ?? 'retry',
    connectMs: options.timeouts?.connectMs ?? 30_000,
    requestMs: options.timeouts?.requestMs ?? 60_000,
    cancelMs: options.timeouts?.cancelMs ?? 1_000,
    pingMs: options.timeouts?.pingMs ?? 1_000,
    ttlGraceMs: options.timeouts?.ttlGraceMs ?? 1_000,
    minPollMs,
    maxPollMs,
    defaultPollMs: Math.min(Math.max(options.taskPolling?.defaultIntervalMs ?? 500, minPollMs), maxPollMs),
    pollBackoff: options.taskPolling?.backoff ?? 1.5,
    pollFailureBackoff: options.taskPolling?.failureBackoff ?? 2,
    maxPollFailures: options.taskPolling?.maxFailures ?? 3,
    inputRetryMs: options.taskPolling?.inputRetryMs ?? 100,
    clock: options.clock ?? systemClock,
    maxListPages: options.listing?.maxPages ?? 1_000,
    maxListItems: options.listing?.maxItems ?? 100_000,
  };
}

/**
 * Why `value` cannot be a timer's delay, or undefined when it can: it must be a positive number
 * of milliseconds no larger than {@link MAX_TIMER_MS} (a larger one would fire at once).
 */
export function timerProblem(name: string, value: number | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!(Number.isFinite(value) && value > 0)) return `${name} must be a positive number of milliseconds, got ${value}`;
  if (value > MAX_TIMER_MS)
    return `${name} is ${value} ms, above the longest timer (${MAX_TIMER_MS} ms, about 24.8 days); use a smaller value`;
  return undefined;
}
