import type { Server, Transport } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { InMemoryTaskStore, type StoreEvent, type TaskStore } from '@toolwright/capabilities';
import { ConnectionLostError, UserError } from '@toolwright/core';
import type { MCPTimeouts } from '@toolwright/mcp-toolset';
import { BridgeTasks } from './bridge-tasks.ts';
import { Catalog } from './catalog.ts';
import { createHostServer, type HostSide } from './host-server.ts';
import { InputRouter } from './input-router.ts';
import { DEFAULT_HEARTBEAT_MS } from './progress.ts';
import { RoundTrips } from './round-trips.ts';
import { type HttpServing, SESSION_IDLE_MS, serveHttp } from './serve-http.ts';
import { Upstream, type UpstreamSpec } from './upstream.ts';

/** Options of a {@link Bridge}. */
export interface BridgeOptions {
  /** The servers behind the bridge: one, or several (their tools then prefixed `<name>_`). */
  readonly upstreams: readonly UpstreamSpec[];
  /**
   * Where background tasks and the tasks of task-aware hosts are kept (default: in this process's
   * memory). A durable store (`@toolwright/store-sqlite`, `@toolwright/store-postgres`) keeps them
   * across a restart of the bridge.
   */
  readonly store?: TaskStore;
  /** The run the bridge's tasks are saved under in the store (default: derived from the upstream names). */
  readonly runId?: string;
  /** How long the bridge's lease on a stored task lasts without renewal (default 10 000 ms): a restarted bridge takes over after it. */
  readonly leaseMs?: number;
  /** A task that reports nothing new is announced to the waiting host again this often (default 15 000 ms; 0: never). */
  readonly heartbeatMs?: number;
  /** Timeouts of the upstream connections (connecting, and each single request). */
  readonly timeouts?: MCPTimeouts;
  /** Where the bridge reports what a host does not see (an upstream that cannot be reached, store trouble); default stderr. */
  readonly log?: (message: string) => void;
}

/** The stdio serving of a bridge. */
export interface StdioServing {
  /** Ends the connection. */
  close(): Promise<void>;
}

/**
 * An MCP server in front of other MCP servers that makes their task tools usable from any MCP
 * host. Every upstream tool is offered as a plain tool; a call of a task tool runs the task upstream
 * and answers when it ends, with its status changes as progress; a task-aware host (MCP 2026-07-28
 * tasks extension) gets the tasks themselves; background tools answer at once with a task id.
 */
export class Bridge {
  readonly #upstreams: readonly Upstream[];
  readonly #side: HostSide;
  readonly #tasks: BridgeTasks;
  readonly #ownStore: boolean;
  readonly #store: TaskStore;
  readonly #log: (message: string) => void;
  readonly #http = new Set<HttpServing>();
  readonly #shutdown = new AbortController();
  #closed: Promise<void> | undefined;

  /** Checks the upstreams' names (a UserError for none, a bad or a repeated one) and sets up the bridge; connects nothing and serves nothing until `open()`. */
  constructor(options: BridgeOptions) {
    if (options.upstreams.length === 0) throw new UserError('A bridge needs at least one upstream server.');
    const names = new Set<string>();
    for (const { name } of options.upstreams) {
      if (!/^[A-Za-z0-9_.-]+$/.test(name))
        throw new UserError(`Upstream name '${name}' cannot prefix tool names: use letters, digits, '_', '.' and '-'.`);
      if (names.has(name)) throw new UserError(`Two upstream servers are named '${name}': give each its own name.`);
      names.add(name);
    }
    this.#log = options.log ?? ((message) => process.stderr.write(`toolwright-bridge: ${message}\n`));
    const router = new InputRouter();
    const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    const sessions = new Set<Server>();
    this.#upstreams = options.upstreams.map(
      (spec) =>
        new Upstream(spec, {
          elicitation: router.handler(spec.name, 'elicitation/create'),
          sampling: router.handler(spec.name, 'sampling/createMessage'),
          onToolsListChanged: () => this.#toolsChanged(),
          ...(options.timeouts ? { timeouts: options.timeouts } : {}),
        }),
    );
    this.#ownStore = options.store === undefined;
    this.#store = options.store ?? new InMemoryTaskStore();
    this.#tasks = new BridgeTasks({
      router,
      upstreams: this.#upstreams,
      store: this.#store,
      runId: options.runId ?? `toolwright-bridge:${[...names].join(',')}`,
      leaseMs: options.leaseMs ?? 10_000,
      onStoreEvent: (event: StoreEvent) => {
        if (event.type === 'store-error') this.#log(`task store: ${errorText(event.error)} (task ${event.taskId})`);
      },
    });
    this.#side = {
      catalog: new Catalog(this.#upstreams, (upstream, error) =>
        this.#log(`upstream ${upstream.spec.name} cannot be reached: ${errorText(error)}`),
      ),
      tasks: this.#tasks,
      router,
      roundTrips: new RoundTrips(),
      heartbeatMs,
      sessions,
      shutdown: this.#shutdown.signal,
      running: new Set(),
    };
  }

  /**
   * Connects to every upstream server and lists its tools; rejects with a ConnectionLostError that
   * names every server that failed. Also starts taking over stored tasks a previous bridge left.
   */
  async open(): Promise<void> {
    const results = await Promise.allSettled(this.#upstreams.map((upstream) => upstream.tools()));
    const failed = results.flatMap((result, index) =>
      result.status === 'rejected' ? [{ upstream: this.#upstreams[index] as Upstream, error: result.reason }] : [],
    );
    const [first] = failed;
    if (first && failed.length === 1) throw first.error;
    if (first)
      throw new ConnectionLostError(
        `${failed.length} of the bridge's ${this.#upstreams.length} upstream servers could not be reached: ${failed.map(({ upstream, error }) => `${upstream.spec.name}: ${errorText(error)}`).join('; ')}`,
        { cause: first.error },
      );
    this.#tasks.startWorker();
  }

  /**
   * Serves one host over stdio (this process's stdin and stdout), in either protocol era; or over
   * `options.transport` (a server transport of your own: stdio over a socket, an in-memory pair).
   */
  serveStdio(options: { readonly transport?: Transport } = {}): StdioServing {
    this.#tasks.startWorker();
    return serveStdio(
      (context) => createHostServer(this.#side, context),
      options.transport ? { transport: options.transport } : {},
    );
  }

  /**
   * Serves hosts over Streamable HTTP on 127.0.0.1 (port 0: any free port), both protocol eras. An
   * upstream that cannot be reached is an MCP error on each call, tried again at the next. A 2025
   * host's session with no request and no open stream for `sessionIdleMs` (default 30 minutes) ends.
   */
  async serveHttp(port = 0, options: { readonly sessionIdleMs?: number } = {}): Promise<HttpServing> {
    this.#tasks.startWorker();
    const serving = await serveHttp(
      (context) => createHostServer(this.#side, context),
      port,
      options.sessionIdleMs ?? SESSION_IDLE_MS,
    );
    this.#http.add(serving);
    return serving;
  }

  /**
   * Closes the bridge: stops serving and closes the upstream connections. Tasks kept in memory
   * only are cancelled first (nobody could read them again); with a durable store they go on,
   * for the next bridge to take over.
   */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      // Calls still running cancel what they started upstream, while the connections are still open.
      this.#shutdown.abort(new Error('the bridge is shutting down'));
      await settledWithin([...this.#side.running], SHUTDOWN_MS);
      await Promise.all([...this.#http].map((serving) => serving.close()));
      if (this.#ownStore) await this.#tasks.cancelAll();
      await this.#tasks.close();
      await Promise.all(this.#upstreams.map((upstream) => upstream.close()));
    })();
    return this.#closed;
  }

  /** Closes the bridge (for `await using`). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #toolsChanged(): void {
    this.#side.catalog.invalidate();
    for (const server of this.#side.sessions) void server.sendToolListChanged().catch(() => undefined);
    for (const serving of this.#http) serving.toolsChanged();
  }
}

/** How long closing waits for running calls to cancel their upstream work. */
const SHUTDOWN_MS = 3_000;

/** Waits until every promise settled, or `ms` passed. */
async function settledWithin(promises: readonly Promise<unknown>[], ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    Promise.allSettled(promises),
    new Promise((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
