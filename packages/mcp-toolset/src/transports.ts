import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import type { Transport } from '@modelcontextprotocol/client';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { UserError } from '@toolwright/core';
import { isPlainObject } from '@toolwright/core/internal';
import type { MCPServerSource, StdioServer } from './options.ts';
import { isRemoteServer, remoteTransport } from './remote/http-transport.ts';
import { DEFAULT_CLOSE_GRACE_MS, DEFAULT_MAX_MESSAGE_BYTES, prepareStdioTransport } from './sdk/stdio-transport.ts';
import { labelledLine, readLines, type StdioStderr } from './stdio-stderr.ts';

/** The transport a source names, with the key that identifies its server and the parts of it that are secret. */
export interface CreatedTransport {
  readonly transport: Transport;
  /** Identifies the server in task references and messages: its URL (no credentials, query or fragment), command, or `transport`. */
  readonly key: string;
  /**
   * Parts of the source that must never appear in a message: credentials, query strings, arguments,
   * header values (kept up to date as a `headers` function gives new ones).
   */
  readonly secrets: readonly string[];
  /** How long connecting may take beyond the connect timeout: while an interactive provider waits for a user to sign in. */
  readonly authorizationWaitMs: number;
  /** For a stdio server the toolset starts itself: its configuration, and a fresh transport to start it again. */
  readonly restart?: { readonly server: StdioServer; readonly transport: () => Transport };
}

/**
 * The transport for a source that is not a connected client: Streamable HTTP for a URL or a remote
 * server with HTTP options (see remote/http-transport.ts: its fetch repairs malformed responses), a child process over stdio for a command (its read buffer
 * repairing them too), or the SDK transport given. Anything else is a UserError that says what to pass.
 */
export function createTransport(source: MCPServerSource, id?: string): CreatedTransport {
  if (typeof source === 'string' || source instanceof URL || isRemoteServer(source)) {
    const remote = typeof source === 'string' || source instanceof URL ? { url: parseUrl(source) } : source;
    const { transport, url, secrets } = remoteTransport(remote);
    if (typeof source === 'string' && source.length > 1 && source !== urlKey(url)) secrets.push(source);
    if (url.href !== urlKey(url)) secrets.push(url.href);
    return { transport, key: urlKey(url), secrets, authorizationWaitMs: authorizationWaitOf(remote.authProvider) };
  }
  if (isTransport(source)) return { transport: source, key: 'transport', secrets: [], authorizationWaitMs: 0 };
  if (isStdioServer(source)) {
    const settings = {
      maxMessageBytes: maxMessageBytes(source),
      closeGraceMs: closeGraceMs(source),
      stderr: stdioStderr(source.stderr ?? 'label'),
      label: id ?? basename(source.command),
    };
    // The arguments stay out of the key: they may carry a token, and the key is saved in task references.
    return {
      transport: stdioTransport(source, settings),
      key: `stdio:${source.command}`,
      secrets: (source.args ?? []).filter((arg) => arg.length > 3),
      authorizationWaitMs: 0,
      restart: { server: source, transport: () => stdioTransport(source, settings) },
    };
  }
  throw new UserError(
    'MCPToolset needs a URL, a { url, headers, authProvider } object, a { command, args } object, an SDK Transport or a connected SDK Client.',
  );
}

/**
 * A child process for `server` over stdio, prepared as every stdio transport of the toolset is (the
 * first and one started again after the probe alike): its read buffer keeps `maxMessageBytes` and
 * repairs malformed responses, its writes are queued, its close waits `closeGraceMs`, and its stderr
 * lines go where the source's `stderr` says (labelled with `label` by default).
 */
function stdioTransport(
  server: StdioServer,
  settings: { maxMessageBytes: number; closeGraceMs: number; stderr: StdioStderr; label: string },
): Transport {
  const { stderr } = settings;
  const transport = new StdioClientTransport({
    command: server.command,
    args: [...(server.args ?? [])],
    env: { ...getDefaultEnvironment(), ...server.env },
    ...(server.cwd === undefined ? {} : { cwd: server.cwd }),
    stderr: stderr === 'inherit' || stderr === 'ignore' ? stderr : 'pipe',
    // The SDK's own limit, for a transport whose read buffer could not be replaced (see sdk/sdk-seams.ts).
    maxBufferSize: settings.maxMessageBytes,
  });
  // Piped: the lines are read from the start (the SDK hands out the stream before the child exists).
  if (transport.stderr !== null && (stderr === 'label' || typeof stderr === 'function')) {
    readLines(transport.stderr as Readable, stderr === 'label' ? labelledLine(settings.label) : stderr);
  }
  prepareStdioTransport(transport, settings.maxMessageBytes, settings.closeGraceMs);
  return transport;
}

/** The stdio source's `stderr` option, checked. */
function stdioStderr(stderr: StdioStderr): StdioStderr {
  if (stderr === 'label' || stderr === 'inherit' || stderr === 'ignore' || typeof stderr === 'function') return stderr;
  throw new UserError(
    `MCPToolset: stderr of a stdio source must be 'label', 'inherit', 'ignore' or a function called with each line, got ${JSON.stringify(stderr)}.`,
  );
}

/** The stdio source's close grace, checked: a finite number of ms, 0 or more. */
function closeGraceMs(source: StdioServer): number {
  const grace = source.closeGraceMs;
  if (grace === undefined) return DEFAULT_CLOSE_GRACE_MS;
  if (!(Number.isFinite(grace) && grace >= 0))
    throw new UserError(`MCPToolset: closeGraceMs of a stdio source must be a number of ms, 0 or more, got ${grace}.`);
  return grace;
}

/** The stdio source's message limit, checked: a positive whole number of bytes. */
function maxMessageBytes(source: StdioServer): number {
  const limit = source.maxMessageBytes;
  if (limit === undefined) return DEFAULT_MAX_MESSAGE_BYTES;
  if (!(Number.isSafeInteger(limit) && limit > 0))
    throw new UserError(
      `MCPToolset: maxMessageBytes of a stdio source must be a positive whole number of bytes, got ${limit}.`,
    );
  return limit;
}

/** A URL source as a URL, or a UserError that says what to pass (its text is not shown: it may hold a token). */
function parseUrl(source: string | URL): URL {
  try {
    const url = new URL(source);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url;
    throw new UserError(`MCPToolset: '${urlKey(url)}' is not an http(s) URL; Streamable HTTP needs one.`);
  } catch (error) {
    if (UserError.isInstance(error)) throw error;
    throw new UserError(
      'MCPToolset: the server source is not a URL; pass an http(s) URL, a { url, ... }, a { command } or a transport.',
      { cause: error },
    );
  }
}

/**
 * How long a provider may wait for a user to sign in (the ready interactive provider says, as
 * `authorizationTimeoutMs`); connecting waits that much longer, since the first request waits for it.
 */
function authorizationWaitOf(provider: unknown): number {
  const wait = (provider as { authorizationTimeoutMs?: unknown } | undefined)?.authorizationTimeoutMs;
  return typeof wait === 'number' && Number.isFinite(wait) && wait > 0 ? wait : 0;
}

/** A URL as it may appear in references and messages: no credentials, query string or fragment. */
function urlKey(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

function isTransport(source: MCPServerSource): source is Transport {
  return typeof source === 'object' && source !== null && 'start' in source && 'send' in source && 'close' in source;
}

function isStdioServer(source: MCPServerSource): source is StdioServer {
  return isPlainObject(source) && typeof source.command === 'string';
}
