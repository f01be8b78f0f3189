import { parseArgs } from 'node:util';
import { UserError } from '@toolwright/core';
import type { UpstreamSource } from './upstream.ts';

/** The command line's usage, printed for `--help` and after a bad flag. */
export const USAGE = `Usage:
  toolwright-bridge [options] -- <command> [args...]   an upstream server started as a child process (stdio)
  toolwright-bridge [options] --url <url>              an upstream server over Streamable HTTP
  toolwright-bridge [options] --config <file>          the servers of an mcpServers config file, each tool prefixed <name>_
                                                       (a server's "background": true or ["tool", …] runs those in the background)

Serves the upstream's tools to an MCP host, task tools included: on stdio by default, or on
Streamable HTTP at 127.0.0.1 with --http (the URL is printed on stdout's first line).

Options:
  --http [port]          serve Streamable HTTP on 127.0.0.1 (port 0 or none: any free port)
  --background           run every task tool in the background: it answers at once with a task id,
                         and task_status, task_result and task_cancel read it
  --store <spec>         keep tasks across restarts: sqlite:<file> (@toolwright/store-sqlite, Node 22.13+)
                         or a postgres:// URL (@toolwright/store-postgres)
  --name <name>          the upstream's name in saved task references (default: upstream)
  --header <name:value>  an HTTP header for the --url server (repeatable), e.g. "Authorization: Bearer …"
  --help                 print this and exit`;

/** What the command line asks for. */
export interface BridgeArgs {
  /** `--help` was given: print {@link USAGE} and exit (the other fields are then defaults). */
  readonly help: boolean;
  /** The upstream given directly (a command or a URL), or undefined with --config. */
  readonly source: UpstreamSource | undefined;
  /** The mcpServers config file, with --config. */
  readonly config: string | undefined;
  /** The upstream's name in saved task references (`--name`, default `'upstream'`). */
  readonly name: string;
  /** The port for --http (0: any free one), or undefined for stdio. */
  readonly http: number | undefined;
  /** `--background`: every task tool runs in the background. */
  readonly background: boolean;
  /** The `--store` spec (`sqlite:<file>` or a `postgres://` URL); undefined: tasks are kept in memory only. */
  readonly store: string | undefined;
}

/** Parses the command line; a bad flag or a missing upstream is a UserError saying what is wrong. */
export function parseBridgeArgs(argv: readonly string[]): BridgeArgs {
  const separator = argv.indexOf('--');
  const own = separator < 0 ? [...argv] : argv.slice(0, separator);
  const command = separator < 0 ? [] : argv.slice(separator + 1);
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(own);
  } catch (error) {
    throw new UserError(error instanceof Error ? error.message : String(error));
  }
  const { values, tokens } = parsed;
  if (values.help)
    return {
      help: true,
      source: undefined,
      config: undefined,
      name: 'upstream',
      http: undefined,
      background: false,
      store: undefined,
    };
  // `--http` takes an optional port: the positional right after it.
  const positionals = tokens.filter((token) => token.kind === 'positional');
  const httpIndex = tokens.findIndex((token) => token.kind === 'option' && token.name === 'http');
  const portToken = httpIndex >= 0 ? tokens[httpIndex + 1] : undefined;
  let http: number | undefined;
  if (values.http) {
    http = 0;
    if (portToken?.kind === 'positional') {
      const port = Number(portToken.value);
      if (!Number.isInteger(port) || port < 0 || port > 65_535)
        throw new UserError(`--http takes a port number (0–65535), not '${portToken.value}'.`);
      http = port;
    }
  }
  const stray = positionals.filter((token) => token !== portToken);
  if (stray.length > 0)
    throw new UserError(
      `Unexpected argument '${stray[0]?.value}': put the upstream command after --, e.g. toolwright-bridge -- node server.js.`,
    );
  const given = [command.length > 0, values.url !== undefined, values.config !== undefined].filter(Boolean).length;
  if (given !== 1)
    throw new UserError(
      given === 0
        ? 'No upstream server: give a command after --, a --url, or a --config file.'
        : 'Give one upstream: a command after --, a --url, or a --config file, not several.',
    );
  if (values.header && values.url === undefined) throw new UserError('--header applies to a --url server only.');
  const headers: Record<string, string> = {};
  for (const header of values.header ?? []) {
    const colon = header.indexOf(':');
    if (colon <= 0) throw new UserError(`--header takes "name: value", not '${header}'.`);
    headers[header.slice(0, colon).trim()] = header.slice(colon + 1).trim();
  }
  let source: UpstreamSource | undefined;
  if (command.length > 0) source = { command: command[0] as string, args: command.slice(1) };
  else if (values.url !== undefined) {
    try {
      const url = new URL(values.url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
    } catch {
      throw new UserError(`--url needs an http(s) URL, not '${values.url}'.`);
    }
    source = { url: values.url, ...(values.header ? { headers } : {}) };
  }
  return {
    help: false,
    source,
    config: values.config,
    name: values.name ?? 'upstream',
    http,
    background: values.background ?? false,
    store: values.store,
  };
}

function parse(args: string[]) {
  return parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    tokens: true,
    options: {
      http: { type: 'boolean' },
      url: { type: 'string' },
      config: { type: 'string' },
      name: { type: 'string' },
      background: { type: 'boolean' },
      store: { type: 'string' },
      header: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
