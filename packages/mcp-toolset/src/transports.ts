import {
  STDIO_DEFAULT_MAX_BUFFER_SIZE,
  StreamableHTTPClientTransport,
  type Transport,
} from '@modelcontextprotocol/client';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { UserError } from '@toolwright/core';
import { isPlainObject } from '@toolwright/core/internal';
import type { MCPServerSource, StdioServer } from './options.ts';
import { repairingFetch, repairStdioResponses } from './sdk/malformed-responses.ts';

/** The transport a source names, with the key that identifies its server and the parts of it that are secret. */
export interface CreatedTransport {
  readonly transport: Transport;
  /** Identifies the server in task references and messages: its URL (no credentials, query or fragment), command, or `transport`. */
  readonly key: string;
  /** Parts of the source that must never appear in a message: credentials, query strings, arguments. */
  readonly secrets: readonly string[];
}

/**
 * The transport for a source that is not a connected client: Streamable HTTP for a URL (its fetch
 * repairing malformed responses), a child process over stdio for a command (its read buffer
 * repairing them too), or the SDK transport given. Anything else is a UserError that says what to pass.
 */
export function createTransport(source: MCPServerSource): CreatedTransport {
  if (typeof source === 'string' || source instanceof URL) {
    let url: URL;
    try {
      url = new URL(source);
    } catch (error) {
      throw new UserError(
        'MCPToolset: the server source is not a URL; pass an http(s) URL, a { command } or a transport.',
        {
          cause: error,
        },
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new UserError(`MCPToolset: '${urlKey(url)}' is not an http(s) URL; Streamable HTTP needs one.`);
    }
    const secrets = [String(source), url.href, url.username, url.password, url.search, url.hash].filter(
      (part) => part.length > 1 && part !== urlKey(url),
    );
    return {
      transport: new StreamableHTTPClientTransport(url, { fetch: repairingFetch() }),
      key: urlKey(url),
      secrets,
    };
  }
  if (isTransport(source)) return { transport: source, key: 'transport', secrets: [] };
  if (isStdioServer(source)) {
    const transport = new StdioClientTransport({
      command: source.command,
      args: [...(source.args ?? [])],
      env: { ...getDefaultEnvironment(), ...source.env },
      ...(source.cwd === undefined ? {} : { cwd: source.cwd }),
      stderr: source.stderr ?? 'inherit',
      maxBufferSize: STDIO_DEFAULT_MAX_BUFFER_SIZE,
    });
    repairStdioResponses(transport, STDIO_DEFAULT_MAX_BUFFER_SIZE);
    // The arguments stay out of the key: they may carry a token, and the key is saved in task references.
    return { transport, key: `stdio:${source.command}`, secrets: (source.args ?? []).filter((arg) => arg.length > 3) };
  }
  throw new UserError(
    'MCPToolset needs a URL, a { command, args } object, an SDK Transport or a connected SDK Client.',
  );
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
