// The Streamable HTTP transport of a remote server, built from its options (remote-server.ts). The
// application's `fetch` is wrapped, never replaced: outermost the repair of malformed responses (the
// SDK reads the bodies it hands over), then the headers of the `headers` option, then the
// application's `fetch` (or the global one). The SDK transport sends its own requests (POST, GET,
// DELETE to the endpoint) and those of the authorization flow (metadata, registration, token)
// through that one function; the `headers` option goes to the endpoint alone, so an API key never
// reaches an authorization server.
import { StreamableHTTPClientTransport, type StreamableHTTPClientTransportOptions } from '@modelcontextprotocol/client';
import { UserError } from '@toolwright/core';
import { isPlainObject } from '@toolwright/core/internal';
import type { HeaderValues, RemoteHeaders, RemoteServer } from '../remote-server.ts';
import { repairingFetch } from '../sdk/malformed-responses.ts';

/** Option names a remote server source may have. */
const OPTIONS = new Set(['url', 'headers', 'fetch', 'requestInit', 'authProvider']);

/** Whether `source` is a remote server: a plain object with a `url` (not a command). */
export function isRemoteServer(source: unknown): source is RemoteServer {
  return isPlainObject(source) && 'url' in source && !('command' in source);
}

/** A remote server's transport, the URL it was built for, and the values no message may show. */
export interface RemoteTransport {
  readonly transport: StreamableHTTPClientTransport;
  readonly url: URL;
  /**
   * Header values sent so far, and the URL's credentials and query: kept up to date as a `headers`
   * function gives new values, so an error message can be cleaned of every one of them.
   */
  readonly secrets: string[];
}

/**
 * Builds the transport of `server`, after checking its options: a wrong one is a {@link UserError}
 * that names it (and shows no value: a header may hold a token).
 */
export function remoteTransport(server: RemoteServer, label = 'MCPToolset'): RemoteTransport {
  const problems: string[] = [];
  for (const key of Object.keys(server)) {
    if (!OPTIONS.has(key)) problems.push(`'${key}' is not an option of a remote server (${[...OPTIONS].join(', ')})`);
  }
  const url = parseUrl(server.url, problems);
  if (server.headers !== undefined && typeof server.headers !== 'function' && !isHeaderValues(server.headers))
    problems.push('headers must be an object of name → string value, or a function that returns one');
  if (server.fetch !== undefined && typeof server.fetch !== 'function') problems.push('fetch must be a function');
  if (server.requestInit !== undefined && !isPlainObject(server.requestInit))
    problems.push('requestInit must be an object (a RequestInit)');
  const provider = server.authProvider as unknown;
  if (
    provider !== undefined &&
    !(isObject(provider) && (typeof provider.token === 'function' || typeof provider.tokens === 'function'))
  )
    problems.push(
      "authProvider must be the SDK's OAuthClientProvider (tokens(), clientInformation(), …) or AuthProvider (token())",
    );
  if (problems.length > 0 || url === undefined)
    throw new UserError(`${label}: the remote server's options are wrong: ${problems.join('; ')}.`);
  const secrets = [url.username, url.password, url.search, url.hash].filter((part) => part.length > 1);
  const requestHeaders = new Headers(server.requestInit?.headers as ConstructorParameters<typeof Headers>[0]);
  const withHeaders =
    server.headers === undefined
      ? server.fetch
      : headersFetch(url, server.headers, requestHeaders, secrets, server.fetch);
  const options: StreamableHTTPClientTransportOptions = {
    fetch: repairingFetch(withHeaders),
    ...(server.requestInit === undefined ? {} : { requestInit: server.requestInit }),
    ...(server.authProvider === undefined ? {} : { authProvider: server.authProvider }),
  };
  return { transport: new StreamableHTTPClientTransport(url, options), url, secrets };
}

function parseUrl(value: unknown, problems: string[]): URL | undefined {
  if (typeof value !== 'string' && !(value instanceof URL)) {
    problems.push('url must be a string or a URL');
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problems.push('url is not a valid URL (write the full address, e.g. https://example.com/mcp)');
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    problems.push(`url must be http: or https:, not ${url.protocol} (Streamable HTTP needs one)`);
    return undefined;
  }
  return url;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isHeaderValues(value: unknown): value is HeaderValues {
  return isPlainObject(value) && Object.values(value).every((item) => typeof item === 'string');
}

/**
 * A fetch that puts the `headers` option on every request to the server's endpoint (not on those
 * to an authorization server). A name the request already carries keeps its value when the
 * transport set it (its `Authorization`, session and protocol headers, `Mcp-Param-*`); a value that
 * came from `requestInit.headers` is replaced.
 */
function headersFetch(
  endpoint: URL,
  headers: RemoteHeaders,
  fromRequestInit: Headers,
  secrets: string[],
  base: typeof fetch | undefined,
): typeof fetch {
  const target = endpointKey(endpoint);
  const firstHeader = secrets.length;
  return async (input, init) => {
    const send = base ?? fetch;
    const url = input instanceof Request ? input.url : String(input);
    if (endpointKey(new URL(url)) !== target) return send(input, init);
    const values = typeof headers === 'function' ? await headers() : headers;
    if (!isHeaderValues(values))
      throw new UserError(
        "The remote server's headers function returned something other than an object of name → string value.",
      );
    const merged = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    for (const [name, value] of Object.entries(values)) {
      const present = merged.get(name);
      if (present === null || present === fromRequestInit.get(name)) merged.set(name, value);
      if (value.length > 3 && !secrets.includes(value)) remember(secrets, firstHeader, value);
    }
    return send(input, { ...init, headers: merged });
  };
}

/** The most header values kept for redaction: a rotating token adds one per rotation, the oldest go first. */
const MAX_REMEMBERED = 32;

/** Adds `value` to the header values of `secrets` (those from `first` on), dropping the oldest past the limit. */
function remember(secrets: string[], first: number, value: string): void {
  secrets.push(value);
  if (secrets.length - first > MAX_REMEMBERED) secrets.splice(first, 1);
}

/** A URL as the endpoint comparison sees it: origin, path and query (no fragment). */
function endpointKey(url: URL): string {
  return `${url.origin}${url.pathname}${url.search}`;
}
