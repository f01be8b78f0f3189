import { StreamableHTTPClientTransport, type Transport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import {
  ConnectionLostError,
  createRunContext,
  type JsonObject,
  type ProgressUpdate,
  type RunContext,
  type ToolArguments,
  type ToolDefinition,
  UserError,
} from '@toolwright/core';
import { isPlainObject } from '@toolwright/core/internal';
import { MCPToolset, type MCPToolsetOptions, type TaskHandle } from '@toolwright/mcp-toolset';
import { ResultTap, type TappedAnswer } from './result-tap.ts';

/** Where one upstream MCP server is: a command to start (stdio) or a Streamable HTTP URL. */
export type UpstreamSource =
  | {
      /** The program that starts the server (stdio). */
      readonly command: string;
      /** Its arguments (default none). */
      readonly args?: readonly string[];
      /** Added to the bridge's own environment. */
      readonly env?: Readonly<Record<string, string>>;
      /** The child's working directory (default: the bridge's). */
      readonly cwd?: string;
    }
  | {
      /** The server's Streamable HTTP endpoint, `http:` or `https:`. */
      readonly url: string;
      /** Headers sent with every request (default none). */
      readonly headers?: Readonly<Record<string, string>>;
    };

/** One upstream server of a bridge. */
export interface UpstreamSpec {
  /**
   * The server's name: the prefix of its tools (`<name>_<tool>`) when the bridge fronts several, and
   * its identity in saved task references. A lone upstream's tools keep their names.
   */
  readonly name: string;
  /** Where the server is: a command to start, or a URL. */
  readonly source: UpstreamSource;
  /** Tools that run in the background: `true` for all of them, or a list of tool names. */
  readonly background?: boolean | readonly string[];
}

/** What an upstream server answered a call: the result as it sent it, or its JSON-RPC error. */
export type UpstreamAnswer =
  | { readonly kind: 'result'; readonly result: Record<string, unknown> }
  | { readonly kind: 'error'; readonly code: number; readonly message: string; readonly data: unknown };

/** Options of one call to an upstream server. */
export interface UpstreamCallOptions {
  readonly signal: AbortSignal;
  /** The host's `_meta` for the call (without its progress token), passed on. */
  readonly meta: JsonObject | undefined;
  /** The run context the toolset reports to (task creation, status, progress). */
  readonly ctx?: RunContext<unknown>;
}

/** The toolset options the bridge sets for every upstream: how input requests are answered, list changes. */
export type UpstreamHooks = Pick<MCPToolsetOptions, 'elicitation' | 'sampling' | 'onToolsListChanged' | 'timeouts'>;

/**
 * One upstream MCP server behind the bridge: an MCPToolset over a transport the bridge builds, so
 * that the answers to its calls can be passed to the host as the server sent them (see
 * result-tap.ts). A connection that is lost is opened again at the next use.
 */
export class Upstream {
  readonly spec: UpstreamSpec;
  readonly #hooks: UpstreamHooks;
  #current: { readonly toolset: MCPToolset; readonly tap: ResultTap } | undefined;
  #opening: Promise<{ readonly toolset: MCPToolset; readonly tap: ResultTap }> | undefined;

  constructor(spec: UpstreamSpec, hooks: UpstreamHooks) {
    this.spec = spec;
    this.#hooks = hooks;
  }

  /** The server as messages name it: its command (without arguments, which may hold a token) or its URL. */
  get label(): string {
    const source = this.spec.source;
    if ('command' in source) return `'${source.command}'`;
    const url = new URL(source.url);
    return `${url.protocol}//${url.host}${url.pathname}`;
  }

  /** The open toolset (opening it, or opening it again after a lost connection). */
  async toolset(): Promise<MCPToolset> {
    return (await this.#open()).toolset;
  }

  /** The server's tools. */
  async tools(): Promise<readonly ToolDefinition[]> {
    try {
      return await (await this.toolset()).getTools();
    } catch (error) {
      throw this.#lost(error);
    }
  }

  /**
   * Calls a tool without a task, following the server's answer as the toolset does, and returns
   * what the server answered, unchanged.
   */
  async callPlain(
    name: string,
    args: ToolArguments,
    options: UpstreamCallOptions & { readonly onProgress?: (update: ProgressUpdate) => void },
  ): Promise<UpstreamAnswer> {
    const { toolset, tap } = this.#current ?? (await this.#open());
    const call = tap.mark();
    const onProgress = options.onProgress;
    // A run context only where its events are read: without one the toolset asks for no progress.
    const ctx = options.ctx ?? (onProgress ? createRunContext({ signal: options.signal }) : undefined);
    const stop = onProgress && ctx ? ctx.events.on('progress', (event) => onProgress(event)) : undefined;
    try {
      await toolset.directCallTool(name, args, {
        useTask: false,
        meta: options.meta === undefined ? call.meta : { ...options.meta, ...call.meta },
        ...(ctx ? { ctx } : {}),
        signal: options.signal,
      });
      const answer = callAnswer(call.answer());
      if (answer === undefined) throw new UserError(`The answer of tool '${name}' was not seen on the wire.`);
      return answer;
    } catch (error) {
      const answer = callAnswer(call.answer());
      if (answer !== undefined && !options.signal.aborted) return answer;
      throw this.#lost(error);
    } finally {
      stop?.();
      call.release();
    }
  }

  /**
   * Starts a tool call as a task. The server may answer at once instead (a 2026-07-28 server decides
   * per call): then its answer is returned, unchanged.
   */
  async startTask(
    name: string,
    args: ToolArguments,
    options: UpstreamCallOptions,
  ): Promise<TaskHandle | UpstreamAnswer> {
    const { toolset, tap } = await this.#open();
    const call = tap.mark();
    try {
      return await toolset.startTask(name, args, {
        meta: { ...options.meta, ...call.meta },
        signal: options.signal,
        ...(options.ctx ? { ctx: options.ctx } : {}),
      });
    } catch (error) {
      const answer = callAnswer(call.answer());
      if (answer !== undefined && !options.signal.aborted) return answer;
      throw this.#lost(error);
    } finally {
      call.release();
    }
  }

  /** Closes the connection (a stdio server exits). */
  async close(): Promise<void> {
    const current = this.#current ?? (await this.#opening?.catch(() => undefined));
    this.#current = undefined;
    this.#opening = undefined;
    await current?.toolset.close().catch(() => undefined);
  }

  /** Drops the connection when `error` says it was lost, so that the next use opens a new one. */
  dropLost(error: unknown): void {
    this.#lost(error);
  }

  /** A lost connection is dropped, so that the next use opens a new one; the error is returned. */
  #lost(error: unknown): unknown {
    if (ConnectionLostError.isInstance(error) && this.#current !== undefined) {
      const lost = this.#current;
      this.#current = undefined;
      void lost.toolset.close().catch(() => undefined);
    }
    return error;
  }

  #open(): Promise<{ readonly toolset: MCPToolset; readonly tap: ResultTap }> {
    if (this.#current) return Promise.resolve(this.#current);
    this.#opening ??= this.#connect().then(
      (opened) => {
        this.#current = opened;
        this.#opening = undefined;
        return opened;
      },
      (error: unknown) => {
        this.#opening = undefined;
        throw error;
      },
    );
    return this.#opening;
  }

  async #connect(): Promise<{ readonly toolset: MCPToolset; readonly tap: ResultTap }> {
    const tap = new ResultTap();
    const transport = this.#transport();
    // The child's pid, read once it started: a failed connection may leave the child to end later
    // (the SDK escalates to SIGTERM in the background), and a bridge that exits right after must not orphan it.
    let pid: number | null = null;
    if (transport instanceof StdioClientTransport) {
      const start = transport.start.bind(transport);
      transport.start = async () => {
        await start();
        pid = transport.pid;
      };
    }
    const toolset = new MCPToolset(tap.install(transport), {
      id: this.spec.name,
      clientInfo: { name: 'toolwright-bridge', version: BRIDGE_VERSION },
      ...this.#hooks,
    });
    try {
      await toolset.open();
    } catch (error) {
      await ended(pid);
      throw new ConnectionLostError(
        `The bridge could not connect to its upstream MCP server ${this.label}${'command' in this.spec.source ? ' (started as a child process)' : ''}: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    return { toolset, tap };
  }

  #transport(): Transport {
    const source = this.spec.source;
    if ('url' in source) {
      const headers = source.headers;
      return new StreamableHTTPClientTransport(new URL(source.url), headers ? { requestInit: { headers } } : {});
    }
    return new StdioClientTransport({
      command: source.command,
      args: [...(source.args ?? [])],
      // The bridge stands in for its upstream in the host's config: the server gets the environment
      // the host gave the bridge (API keys included), plus what the bridge's config adds.
      env: { ...definedEnvironment(), ...source.env },
      ...(source.cwd === undefined ? {} : { cwd: source.cwd }),
      stderr: 'inherit',
    });
  }
}

/** Ends the process `pid` if it still runs: SIGTERM, and SIGKILL after 2 s. Resolves once it is gone. */
async function ended(pid: number | null): Promise<void> {
  const alive = () => {
    try {
      process.kill(pid as number, 0);
      return true;
    } catch {
      return false;
    }
  };
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(pid as number, name);
    } catch {
      // It ended meanwhile.
    }
  };
  if (pid === null || !alive()) return;
  signal('SIGTERM');
  for (let waited = 0; alive(); waited += 50) {
    if (waited === 2_000) signal('SIGKILL');
    if (waited > 4_000) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The bridge's version, as it introduces itself to servers and hosts. */
export const BRIDGE_VERSION = '0.1.0';

function definedEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  return env;
}

/** A tapped answer that is a call's final answer: a tool result (not a task, not a request for input), or an error. */
function callAnswer(answer: TappedAnswer | undefined): UpstreamAnswer | undefined {
  if (answer === undefined) return undefined;
  if (answer.kind === 'error') return answer;
  const result = answer.result;
  if (!isPlainObject(result) || !Array.isArray(result.content)) return undefined;
  if (result.resultType === 'task' || result.resultType === 'input_required' || 'task' in result) return undefined;
  return { kind: 'result', result };
}
