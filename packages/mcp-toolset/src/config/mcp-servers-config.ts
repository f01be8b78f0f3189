// The `mcpServers` JSON that Claude Desktop, Cursor, Windsurf and others write, and VS Code's
// `mcp.json` (its `servers` key, JSON with comments): a map of server name → a stdio server
// `{ command, args, env, cwd }` or a remote one `{ url, headers }` / `{ type: "http", url }`.
// Values may use `${VAR}` / `${env:VAR}`, expanded from the environment. Every problem is collected
// and reported at once, each naming the server and the field.
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '@toolwright/core';
import { isPlainObject } from '@toolwright/core/internal';
import type { StdioServer } from '../options.ts';
import type { HeaderValues } from '../remote-server.ts';
import { parseJsonc } from './jsonc.ts';

/** A remote server as a config file describes it: its URL and fixed headers. */
export interface ConfiguredRemoteServer {
  /** The server's Streamable HTTP endpoint. */
  readonly url: URL;
  /** Headers sent with every request, `${VAR}` references already expanded; absent when the entry has none. */
  readonly headers?: HeaderValues;
}

/** One server of a config: its name (the key in the file) and where it is. */
export interface McpServerEntry {
  /** The server's name: its key in the config file. */
  readonly name: string;
  /** Where the server is: a stdio command or a remote URL. */
  readonly server: StdioServer | ConfiguredRemoteServer;
  /**
   * The entry's other keys, as the file has them (not checked, `${VAR}` not expanded): an
   * application's own settings beside the server (a bridge's `background`, an editor's
   * `description`). Absent when the entry has none.
   */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** A config read and checked: its servers in file order (disabled ones left out), and where it came from. */
export interface McpServersConfig {
  /** The file's path, or `'the given config object'`. */
  readonly origin: string;
  /** The enabled servers, in the file's order. */
  readonly servers: readonly McpServerEntry[];
}

/** How a config is read. */
export interface ReadMcpServersOptions {
  /** Where `${VAR}` and `${env:VAR}` are looked up (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** A relative `cwd` of a stdio server is resolved against this (default: the config file's folder, else the process's). */
  readonly baseDir?: string;
}

/** `type` values that mean Streamable HTTP (editors spell it differently). */
const HTTP_TYPES = new Set(['http', 'streamable-http', 'streamableHttp', 'streamable_http']);

/**
 * Reads and checks an `mcpServers` config: `config` is the path of a JSON (or JSONC) file, a
 * `file:` URL, or the parsed object. A file that cannot be read or parsed, and every problem in
 * it, is a {@link UserError} naming the server and the field.
 */
export async function readMcpServers(
  config: string | URL | object,
  options: ReadMcpServersOptions = {},
): Promise<McpServersConfig> {
  if (typeof config !== 'string' && !(config instanceof URL)) return parseMcpServers(config, options);
  const path = config instanceof URL ? fileURLToPath(config) : config;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UserError(`Could not read the MCP servers config ${path}: ${(error as Error).message}. Check the path.`, {
      cause: error,
    });
  }
  let parsed: unknown;
  try {
    parsed = parseJsonc(text);
  } catch (error) {
    throw new UserError(
      `The MCP servers config ${path} is not valid JSON: ${(error as Error).message}. Fix the file (comments and trailing commas are allowed).`,
      { cause: error },
    );
  }
  return parseMcpServers(parsed, { ...options, baseDir: options.baseDir ?? dirname(path) }, path);
}

/** Checks a parsed config; see {@link readMcpServers}. */
export function parseMcpServers(
  config: unknown,
  options: ReadMcpServersOptions = {},
  origin = 'the given config object',
): McpServersConfig {
  const fail = (problem: string): never => {
    throw new UserError(`The MCP servers config ${origin} ${problem}`);
  };
  if (!isPlainObject(config)) fail('is not a JSON object; it needs an "mcpServers" (or "servers") object.');
  const root = config as Record<string, unknown>;
  const key = 'mcpServers' in root ? 'mcpServers' : 'servers' in root ? 'servers' : undefined;
  if (key === undefined)
    fail(
      'has neither an "mcpServers" nor a "servers" object; put the servers under "mcpServers": { "name": { ... } }.',
    );
  if ('mcpServers' in root && 'servers' in root)
    fail('has both "mcpServers" and "servers"; keep one of them, so it is clear which servers are meant.');
  const map = root[key as string];
  if (!isPlainObject(map)) fail(`has a "${key}" that is not an object of server name → server.`);
  const context = {
    env: options.env ?? process.env,
    baseDir: options.baseDir ?? process.cwd(),
    problems: [] as string[],
  };
  const servers: McpServerEntry[] = [];
  for (const [name, entry] of Object.entries(map as Record<string, unknown>)) {
    const server = readEntry(name, entry, context);
    if (server === undefined) continue;
    const extra = extraKeys(entry as Record<string, unknown>);
    servers.push(extra === undefined ? { name, server } : { name, server, extra });
  }
  if (context.problems.length === 1) fail(`has a problem: ${context.problems[0]}`);
  if (context.problems.length > 1)
    fail(`has ${context.problems.length} problems:\n${context.problems.map((problem) => `- ${problem}`).join('\n')}`);
  return { origin, servers };
}

/** The keys of an entry that say where its server is, or whether it is used: the loader reads these. */
const SERVER_KEYS = new Set(['type', 'command', 'args', 'env', 'cwd', 'url', 'headers', 'disabled']);

/** An entry's keys the loader does not read, or undefined when it has none. */
function extraKeys(entry: Record<string, unknown>): Record<string, unknown> | undefined {
  let extra: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(entry))
    if (!SERVER_KEYS.has(key)) {
      extra ??= {};
      extra[key] = value;
    }
  return extra;
}

interface ReadContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly baseDir: string;
  readonly problems: string[];
}

/** One entry as a server, undefined when it is disabled or has problems (recorded in the context). */
function readEntry(
  name: string,
  entry: unknown,
  context: ReadContext,
): StdioServer | ConfiguredRemoteServer | undefined {
  const where = `MCP server '${name}'`;
  const before = context.problems.length;
  const problem = (text: string) => {
    context.problems.push(`${where}: ${text}`);
  };
  if (name.trim().length === 0) problem('the name is empty; give the server a name.');
  if (!isPlainObject(entry)) {
    problem('is not an object; write { "command": ... } or { "url": ... }.');
    return undefined;
  }
  if (entry.disabled !== undefined && typeof entry.disabled !== 'boolean') problem('"disabled" must be true or false.');
  if (entry.disabled === true) return undefined;
  const expand = (value: string, field: string) => expandVariables(value, field, context.env, problem);
  const type = entry.type;
  if (type !== undefined && typeof type !== 'string') problem('"type" must be a string ("stdio" or "http").');
  const hasCommand = entry.command !== undefined;
  const hasUrl = entry.url !== undefined;
  if (typeof type === 'string' && type !== 'stdio' && !HTTP_TYPES.has(type)) {
    problem(
      type === 'sse'
        ? '"type" is "sse": the HTTP+SSE transport of 2024-11-05 is not supported; use the server\'s Streamable HTTP endpoint with "type": "http".'
        : `"type" is "${type.slice(0, 40)}", which is unknown; use "stdio" (with "command") or "http" (with "url").`,
    );
    return undefined;
  }
  if (hasCommand && hasUrl) {
    problem('has both "command" and "url"; a server is either a local command (stdio) or a remote URL (http).');
    return undefined;
  }
  const remote = type === undefined ? hasUrl : type !== 'stdio';
  if (remote) {
    if (!hasUrl) {
      problem(`has "type": "${String(type)}" but no "url"; add the server's Streamable HTTP URL.`);
      return undefined;
    }
    const url = readUrl(entry.url, expand, problem);
    const headers = readStringMap(entry.headers, 'headers', expand, problem);
    if (context.problems.length > before || url === undefined) return undefined;
    return headers === undefined ? { url } : { url, headers };
  }
  if (!hasCommand) {
    problem(
      type === 'stdio'
        ? 'has "type": "stdio" but no "command"; add the command that starts the server.'
        : 'has neither "command" (a local server) nor "url" (a remote one); add one of them.',
    );
    return undefined;
  }
  let command: string | undefined;
  if (typeof entry.command !== 'string' || entry.command.trim().length === 0)
    problem('"command" must be a non-empty string, the program that starts the server.');
  else command = expand(entry.command, 'command');
  let args: string[] | undefined;
  if (entry.args !== undefined) {
    if (!Array.isArray(entry.args)) problem('"args" must be an array of strings.');
    else {
      args = [];
      entry.args.forEach((arg, index) => {
        if (typeof arg !== 'string') problem(`"args"[${index}] must be a string, not ${describe(arg)}.`);
        else args?.push(expand(arg, `args[${index}]`));
      });
    }
  }
  const env = readStringMap(entry.env, 'env', expand, problem);
  let cwd: string | undefined;
  if (entry.cwd !== undefined) {
    if (typeof entry.cwd !== 'string' || entry.cwd.length === 0) problem('"cwd" must be a non-empty string.');
    else {
      const expanded = expand(entry.cwd, 'cwd');
      cwd = isAbsolute(expanded) ? expanded : resolve(context.baseDir, expanded);
    }
  }
  if (context.problems.length > before || command === undefined) return undefined;
  return {
    command,
    ...(args === undefined ? {} : { args }),
    ...(env === undefined ? {} : { env }),
    ...(cwd === undefined ? {} : { cwd }),
  };
}

function readUrl(
  value: unknown,
  expand: (value: string, field: string) => string,
  problem: (text: string) => void,
): URL | undefined {
  if (typeof value !== 'string') {
    problem(`"url" must be a string, not ${describe(value)}.`);
    return undefined;
  }
  const text = expand(value, 'url');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // The value may hold a secret (a token in the query): the message shows none of it.
    problem('"url" is not a valid URL; write the full address, for example "https://example.com/mcp".');
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    problem(`"url" must be an http: or https: URL, not ${url.protocol}; Streamable HTTP needs one.`);
    return undefined;
  }
  return url;
}

function readStringMap(
  value: unknown,
  field: 'env' | 'headers',
  expand: (value: string, field: string) => string,
  problem: (text: string) => void,
): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) {
    problem(`"${field}" must be an object of name → string value.`);
    return undefined;
  }
  const result: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') problem(`"${field}.${key}" must be a string, not ${describe(item)}.`);
    else result[key] = expand(item, `${field}.${key}`);
  }
  return result;
}

/**
 * `${VAR}` and `${env:VAR}` replaced by the variable's value. An unset variable, and any other
 * `${...}` form (VS Code's `${input:...}`), is a problem naming the field and the variable (never a value).
 */
function expandVariables(
  value: string,
  field: string,
  env: Readonly<Record<string, string | undefined>>,
  problem: (text: string) => void,
): string {
  return value.replace(/\$\{([^}]*)\}/g, (whole, inner: string) => {
    const name = /^(?:env:)?([A-Za-z_][A-Za-z0-9_]*)$/.exec(inner.trim())?.[1];
    if (name === undefined) {
      problem(
        `"${field}" uses ${whole.slice(0, 60)}, which cannot be expanded here; only \${NAME} and \${env:NAME} (environment variables) are.`,
      );
      return whole;
    }
    const found = env[name];
    if (found === undefined) {
      problem(
        `"${field}" uses \${${inner.trim()}}, but the environment variable ${name} is not set; set it, or edit the config.`,
      );
      return whole;
    }
    return found;
  });
}

/** A value's kind, for a message (never the value: it may be a secret). */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
