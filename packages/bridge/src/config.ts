import { UserError } from '@toolwright/core';
import { readMcpServers, toolNamePrefix } from '@toolwright/mcp-toolset/config';
import type { UpstreamSpec } from './upstream.ts';

/**
 * The upstream servers of an `mcpServers` config file (Claude Desktop's, Cursor's, or VS Code's
 * `servers` in JSON with comments), read by the toolset's loader: each server's tools are prefixed
 * with its name. A server's entry may also say which of its tools run in the background:
 * `"background": true` (all) or `"background": ["tool", …]`; `--background` makes it all of them.
 */
export async function upstreamsFromConfig(path: string, backgroundAll: boolean): Promise<UpstreamSpec[]> {
  // The file is read and parsed once, by the loader, which hands on each entry's keys it does not read (`background`).
  const config = await readMcpServers(path);
  if (config.servers.length === 0)
    throw new UserError(`The MCP servers config ${path} names no server (or only disabled ones): add one.`);
  const prefixes = new Map<string, string>();
  return config.servers.map(({ name, server, extra }) => {
    const prefix = toolNamePrefix(name);
    const other = prefixes.get(prefix);
    if (other !== undefined)
      throw new UserError(
        `MCP servers '${other}' and '${name}' in ${path} would both prefix their tools with '${prefix}_'; rename one of them.`,
      );
    prefixes.set(prefix, name);
    const background = backgroundAll || readBackground(extra?.background, name, path);
    const source =
      'command' in server
        ? {
            command: server.command,
            ...(server.args ? { args: server.args } : {}),
            ...(server.env ? { env: server.env } : {}),
            ...(server.cwd ? { cwd: server.cwd } : {}),
          }
        : { url: server.url.href, ...(server.headers ? { headers: server.headers } : {}) };
    return { name: prefix, source, background };
  });
}

/** A server's `background` setting: true, false, or the names of its tools that run in the background. */
function readBackground(value: unknown, name: string, path: string): boolean | string[] {
  if (value === undefined) return false;
  if (typeof value === 'boolean') return value;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value;
  throw new UserError(
    `MCP server '${name}' in ${path}: "background" must be true, false or a list of tool names, e.g. ["deep_research"].`,
  );
}
