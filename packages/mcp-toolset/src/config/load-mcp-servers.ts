import type { AuthProvider, OAuthClientProvider } from '@modelcontextprotocol/client';
import {
  AuthorizationError,
  CombinedToolset,
  ConnectionLostError,
  type Toolset,
  type ToolwrightError,
  UserError,
} from '@toolwright/core';
import { MCPToolset } from '../mcp-toolset.ts';
import type { MCPServerSource, MCPToolsetOptions, StdioServer } from '../options.ts';
import type { RemoteServer } from '../remote-server.ts';
import { type McpServersConfig, type ReadMcpServersOptions, readMcpServers } from './mcp-servers-config.ts';

/** How {@link loadMcpServers} makes toolsets of a config's servers. */
export interface LoadMcpServersOptions extends ReadMcpServersOptions {
  /**
   * Options for each server's {@link MCPToolset} (timeouts, elicitation, …), the same for all or
   * per server name. The toolset's `id` is always the server's name.
   */
  readonly toolsetOptions?: MCPToolsetOptions | ((name: string) => MCPToolsetOptions);
  /** The authorization of a remote server (its OAuth provider), by name; undefined for none. */
  readonly authProvider?: (name: string, url: URL) => AuthProvider | OAuthClientProvider | undefined;
  /** Name each server's tools `<server name>_<tool>` in the combined toolset (default true). */
  readonly prefix?: boolean;
  /** What to do with a stdio server's stderr (default `'label'`: each line as `[name] line` on this process's stderr). */
  readonly stderr?: StdioServer['stderr'];
}

/**
 * The servers of an `mcpServers` config as toolsets: `servers` holds one {@link MCPToolset} per
 * server (its `id` is the server's name), and the object itself is all of them combined, each
 * server's tools prefixed with its name (`github_create_issue`). Opening is all or nothing: when a
 * server fails to open, those already open are closed again and the error names every server that
 * failed. Close it (or `await using`) to end every connection and child process.
 */
export class McpServerToolsets extends CombinedToolset<unknown> {
  /** Each server's toolset by name, in the config's order (open the combined toolset, or any of these alone). */
  readonly servers: ReadonlyMap<string, MCPToolset>;
  /** The config file's path, or `'the given config object'`. */
  readonly origin: string;

  /** Takes each server's toolset by name, the config's origin, and whether to prefix tool names with the server's name (a {@link UserError} when two names give one prefix); opens nothing. */
  constructor(servers: ReadonlyMap<string, MCPToolset>, origin: string, prefix: boolean) {
    const prefixes = new Map<string, string>();
    const parts: Toolset<unknown>[] = [];
    for (const [name, toolset] of servers) {
      if (!prefix) {
        parts.push(toolset);
        continue;
      }
      const toolPrefix = toolNamePrefix(name);
      const other = prefixes.get(toolPrefix);
      if (other !== undefined)
        throw new UserError(
          `MCP servers '${other}' and '${name}' in ${origin} would both prefix their tools with '${toolPrefix}_'; rename one of them.`,
        );
      prefixes.set(toolPrefix, name);
      parts.push(toolset.prefixed(toolPrefix));
    }
    super(parts, { id: `mcpServers(${origin})` });
    this.servers = servers;
    this.origin = origin;
  }

  /** Opens every server at once; if any fails, closes those that opened and throws an error naming each failure. */
  override async open(): Promise<void> {
    const names = [...this.servers.keys()];
    const results = await Promise.allSettled(this.toolsets.map((toolset) => toolset.open()));
    const failed = results.flatMap((result, index) =>
      result.status === 'rejected' ? [{ name: names[index] as string, reason: result.reason as unknown }] : [],
    );
    if (failed.length === 0) return;
    const opened = results.flatMap((result, index) => (result.status === 'fulfilled' ? [this.toolsets[index]] : []));
    await Promise.allSettled(opened.map((toolset) => toolset?.close()));
    throw openFailure(failed, opened.length, this.origin);
  }

  /**
   * Closes the servers if they are open. Unlike close(), disposing servers that never opened (or
   * whose open() failed, which closed them again) does nothing, so `await using` lets the open
   * error surface by itself.
   */
  override async [Symbol.asyncDispose](): Promise<void> {
    if (this.servers.size > 0 && [...this.servers.values()].every((toolset) => toolset.isOpen)) await this.close();
  }
}

/**
 * Reads an `mcpServers` config (a file path, a `file:` URL or the parsed object; see
 * {@link readMcpServers}) and makes a toolset of each server, not yet opened. Bad config is a
 * {@link UserError} naming the server and the field.
 *
 * ```ts
 * await using servers = await loadMcpServers('mcp.json');
 * await servers.open();
 * const tools = await servers.getTools(ctx); // github_create_issue, files_read_file, …
 * ```
 */
export async function loadMcpServers(
  config: string | URL | object,
  options: LoadMcpServersOptions = {},
): Promise<McpServerToolsets> {
  return toolsetsOf(await readMcpServers(config, options), options);
}

/** The toolsets of a config already read with {@link readMcpServers}. */
export function toolsetsOf(config: McpServersConfig, options: LoadMcpServersOptions = {}): McpServerToolsets {
  const servers = new Map<string, MCPToolset>();
  for (const { name, server } of config.servers) {
    const toolsetOptions =
      typeof options.toolsetOptions === 'function' ? options.toolsetOptions(name) : (options.toolsetOptions ?? {});
    let source: MCPServerSource;
    if ('command' in server) {
      source = { ...server, stderr: options.stderr ?? 'label' };
    } else {
      const authProvider = options.authProvider?.(name, server.url);
      const remote: RemoteServer = {
        url: server.url,
        ...(server.headers === undefined ? {} : { headers: server.headers }),
        ...(authProvider === undefined ? {} : { authProvider }),
      };
      // A remote server without options is its URL, which every MCPToolset takes.
      source = (remote.headers === undefined && authProvider === undefined ? server.url : remote) as MCPServerSource;
    }
    servers.set(name, new MCPToolset(source, { ...toolsetOptions, id: name }));
  }
  return new McpServerToolsets(servers, config.origin, options.prefix ?? true);
}

/** A server name as the prefix of its tools' names: characters a tool name may not hold become `_`. */
export function toolNamePrefix(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]+/g, '_');
}

/**
 * The error for servers that did not open: an {@link AuthorizationError} when one of them could not
 * authorize, a {@link UserError} when one was misconfigured, else a {@link ConnectionLostError}; its
 * message names each server and why, and its cause is the first failure.
 */
function openFailure(
  failed: readonly { readonly name: string; readonly reason: unknown }[],
  closed: number,
  origin: string,
): ToolwrightError {
  const lines = failed.map(
    ({ name, reason }) => `'${name}': ${reason instanceof Error ? reason.message : String(reason)}`,
  );
  const afterwards =
    closed > 0
      ? ` The ${closed} server${closed === 1 ? '' : 's'} that did open ${closed === 1 ? 'was' : 'were'} closed again.`
      : '';
  const message = `${failed.length === 1 ? 'An MCP server' : `${failed.length} MCP servers`} of ${origin} could not be opened, so none is: ${lines.join('; ')}.${afterwards}`;
  const cause = failed[0]?.reason;
  const authorization = failed.find(({ reason }) => AuthorizationError.isInstance(reason));
  if (authorization !== undefined) return new AuthorizationError(message, { server: authorization.name, cause });
  if (failed.some(({ reason }) => UserError.isInstance(reason))) return new UserError(message, { cause });
  return new ConnectionLostError(message, { cause });
}
