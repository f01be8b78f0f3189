// The fixture servers of both generations behind bearer authorization, as a real remote MCP server
// sits behind the MCP authorization spec: a resource server on 127.0.0.1 publishes its protected
// resource metadata (RFC 9728), answers a request without a valid token with 401 and a
// WWW-Authenticate challenge, a tool call that needs a scope the token lacks with 403
// insufficient_scope, and passes every authorized request on to the fixture (its SSE streams
// included). Tokens come from a real authorization server (authorization-server.ts), started with it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { listenOnLoopback, readBody } from '../local-host.ts';
import type { FixtureOptions } from '../options.ts';
import type { FixtureInspector } from '../state.ts';
import type { TasksExtensionFixtureOptions } from '../tasks-extension/options.ts';
import type { TasksExtensionInspector } from '../tasks-extension/state.ts';
import { startHttpTasksExtensionFixture } from '../tasks-extension/transports.ts';
import { startHttpFixture } from '../transports.ts';
import {
  type AuthorizationServer,
  type IssuedGrant,
  type RegisteredClient,
  startAuthorizationServer,
} from './authorization-server.ts';

/** Options of {@link startProtectedFixture}. */
export interface ProtectedFixtureOptions {
  /** Which fixture to protect: the 2025-11-25 one (SEP-1686 tasks) or the 2026-07-28 one (tasks extension). Default 2025-11-25. */
  readonly generation?: '2025-11-25' | '2026-07-28';
  /** Options of the fixture behind it. */
  readonly fixture?: FixtureOptions & TasksExtensionFixtureOptions;
  /** How long an access token lives, in seconds (default 3600; a few seconds to test renewals). */
  readonly accessTokenTtlSeconds?: number;
  /** How long a refresh token lives, in seconds (default 86 400). */
  readonly refreshTokenTtlSeconds?: number;
  /** The scopes a token may carry (default `['mcp:tools']`); the first is required for every request. */
  readonly scopes?: readonly string[];
  /** Tools whose calls need another scope as well, by name (a 403 insufficient_scope without it). */
  readonly toolScopes?: Readonly<Record<string, string>>;
  /** `'auto'` (default) approves every sign-in at once; `'page'` shows a sign-in page with an Approve button. */
  readonly approval?: 'auto' | 'page';
  /** Clients registered beforehand (client credentials, or interactive ones); others register dynamically. */
  readonly clients?: readonly RegisteredClient[];
}

/** One request the resource server received, and what it answered. */
export interface ProtectedRequest {
  /** The HTTP method. */
  readonly method: string;
  /** The JSON-RPC method of a POST, when it had one. */
  readonly rpcMethod: string | undefined;
  /** 401, 403, or the status the fixture answered with. */
  readonly status: number;
  /** Whether the request carried a bearer token (its value is not kept). */
  readonly hadToken: boolean;
  /** When it arrived (ms since the epoch). */
  readonly at: number;
}

/** A protected fixture: the MCP endpoint, its authorization server, and controls for tests. */
export interface ProtectedFixture extends AsyncDisposable {
  /** The MCP endpoint, `http://127.0.0.1:<port>/mcp`. */
  readonly url: URL;
  /** The authorization server's issuer, `http://127.0.0.1:<other port>`. */
  readonly issuer: string;
  /** The fixture behind it (what it received). */
  readonly inspector: FixtureInspector | TasksExtensionInspector;
  /** Every request the resource server received, oldest first. */
  requests(): readonly ProtectedRequest[];
  /** Every token the authorization server issued, by grant type, oldest first. */
  grants(): readonly IssuedGrant[];
  /** From now on, refresh tokens are refused (`invalid_grant`): the user revoked the access. */
  revokeRefreshTokens(): Promise<void>;
  /** From now on, client credentials are refused (`unauthorized_client`). */
  refuseClientCredentials(): void;
  /**
   * An access token for the MCP endpoint obtained with the client credentials of `client` (one of
   * the `clients` option), as a test that sends its own Authorization header needs one.
   */
  clientCredentialsToken(
    client: { readonly client_id: string; readonly client_secret?: string },
    scope?: string,
  ): Promise<string>;
  /** Stops the resource server, the authorization server and the fixture. */
  close(): Promise<void>;
}

/** Starts a fixture server behind bearer authorization, with its authorization server. */
export async function startProtectedFixture(options: ProtectedFixtureOptions = {}): Promise<ProtectedFixture> {
  const generation = options.generation ?? '2025-11-25';
  const inner =
    generation === '2026-07-28'
      ? await startHttpTasksExtensionFixture(options.fixture)
      : await startHttpFixture(options.fixture);
  const scopes = options.scopes ?? ['mcp:tools'];
  const requiredScope = scopes[0] as string;
  const requests: ProtectedRequest[] = [];
  let authorizationServer: AuthorizationServer | undefined;
  let resourceUrl = '';
  let metadataUrl = '';
  const loopback = await listenOnLoopback((request, response) => {
    serve(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' }).end(String(error));
      else response.destroy();
    });
  });
  resourceUrl = loopback.url.href;
  metadataUrl = new URL('/.well-known/oauth-protected-resource/mcp', loopback.url).href;
  try {
    authorizationServer = await startAuthorizationServer({
      resource: resourceUrl,
      scopes,
      accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 3600,
      refreshTokenTtlSeconds: options.refreshTokenTtlSeconds ?? 86_400,
      approval: options.approval ?? 'auto',
      clients: options.clients ?? [],
    });
  } catch (error) {
    await loopback.stop();
    await inner.close();
    throw error;
  }
  const server = authorizationServer;

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', resourceUrl).pathname;
    if (
      request.method === 'GET' &&
      (path === '/.well-known/oauth-protected-resource/mcp' || path === '/.well-known/oauth-protected-resource')
    ) {
      response.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' }).end(
        JSON.stringify({
          resource: resourceUrl,
          authorization_servers: [server.issuer],
          scopes_supported: scopes,
          bearer_methods_supported: ['header'],
        }),
      );
      return;
    }
    if (path !== '/mcp') {
      response.writeHead(404).end();
      return;
    }
    const body = request.method === 'POST' ? await readBody(request) : undefined;
    const rpcMethod = methodOf(body);
    const record = (status: number, hadToken: boolean) => {
      requests.push({ method: request.method ?? 'GET', rpcMethod, status, hadToken, at: Date.now() });
    };
    const header = request.headers.authorization;
    const token = typeof header === 'string' && /^Bearer /i.test(header) ? header.slice(7).trim() : undefined;
    const verified = token === undefined ? undefined : await server.verify(token);
    if (verified === undefined || !verified.scopes.includes(requiredScope)) {
      record(401, token !== undefined);
      const error = token === undefined ? '' : 'error="invalid_token", ';
      response
        .writeHead(401, {
          'www-authenticate': `Bearer ${error}resource_metadata="${metadataUrl}", scope="${requiredScope}"`,
          'content-type': 'application/json',
        })
        .end(JSON.stringify({ error: token === undefined ? 'unauthorized' : 'invalid_token' }));
      return;
    }
    const toolScope = toolScopeOf(body, options.toolScopes);
    if (toolScope !== undefined && !verified.scopes.includes(toolScope)) {
      record(403, true);
      response
        .writeHead(403, {
          'www-authenticate': `Bearer error="insufficient_scope", scope="${requiredScope} ${toolScope}", resource_metadata="${metadataUrl}"`,
          'content-type': 'application/json',
        })
        .end(JSON.stringify({ error: 'insufficient_scope' }));
      return;
    }
    const forwarded = await forward(request, response, body, inner.url);
    record(forwarded.status, true);
    await reply(forwarded, response);
  }

  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      await loopback.stop();
      await server.close();
      await inner.close();
    })();
    return closed;
  };
  return {
    url: loopback.url,
    issuer: server.issuer,
    inspector: inner.inspector,
    requests: () => [...requests],
    grants: () => server.grants(),
    revokeRefreshTokens: () => server.revokeRefreshTokens(),
    refuseClientCredentials: () => server.refuseClientCredentials(),
    clientCredentialsToken: async (client, scope = requiredScope) => {
      const answer = await fetch(new URL('/token', server.issuer), {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${btoa(`${client.client_id}:${client.client_secret ?? ''}`)}`,
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope, resource: resourceUrl }),
      });
      const body = (await answer.json()) as { access_token?: unknown; error?: unknown };
      if (typeof body.access_token !== 'string') throw new Error(`the token endpoint refused: ${String(body.error)}`);
      return body.access_token;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** The headers that stay between the resource server and the client. */
const HOP_BY_HOP = new Set([
  'host',
  'authorization',
  'connection',
  'content-length',
  'transfer-encoding',
  'keep-alive',
]);

/**
 * The request as the fixture behind receives it: same method, headers (no token) and body. It is
 * aborted when the client's response closes (one listener per response: a keep-alive socket serves
 * many requests, and a listener on it per request would pile up).
 */
async function forward(
  request: IncomingMessage,
  response: ServerResponse,
  body: string | undefined,
  target: URL,
): Promise<Response> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (HOP_BY_HOP.has(name) || value === undefined) continue;
    headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const aborted = new AbortController();
  response.once('close', () => aborted.abort());
  return fetch(target, {
    method: request.method ?? 'GET',
    headers,
    signal: aborted.signal,
    ...(body === undefined ? {} : { body }),
  });
}

/** Copies the fixture's answer (an SSE stream included, as it comes) to the client. */
async function reply(answer: Response, response: ServerResponse): Promise<void> {
  const headers: Record<string, string> = {};
  answer.headers.forEach((value, name) => {
    if (!HOP_BY_HOP.has(name)) headers[name] = value;
  });
  response.writeHead(answer.status, headers);
  if (answer.body === null) {
    response.end();
    return;
  }
  const body = Readable.fromWeb(answer.body as import('node:stream/web').ReadableStream<Uint8Array>);
  response.on('close', () => body.destroy());
  body.on('error', () => response.destroy());
  body.pipe(response);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parse(body: string | undefined): unknown {
  if (body === undefined) return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function methodOf(body: string | undefined): string | undefined {
  const message = parse(body);
  return isPlainObject(message) && typeof message.method === 'string' ? message.method : undefined;
}

/** The scope a tools/call needs beyond the base one, from `toolScopes`. */
function toolScopeOf(
  body: string | undefined,
  toolScopes: Readonly<Record<string, string>> | undefined,
): string | undefined {
  if (toolScopes === undefined) return undefined;
  const message = parse(body);
  if (!isPlainObject(message) || message.method !== 'tools/call' || !isPlainObject(message.params)) return undefined;
  const name = message.params.name;
  return typeof name === 'string' ? toolScopes[name] : undefined;
}
