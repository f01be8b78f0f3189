// A real OAuth 2.1 authorization server for the protected fixture: oidc-provider (a maintained,
// certified implementation) on 127.0.0.1, configured as the MCP authorization spec asks: PKCE
// required, resource indicators (RFC 8707) binding each token to the MCP server, dynamic client
// registration, Client ID Metadata Documents, the client_credentials grant, rotating refresh
// tokens, the `iss` parameter in authorization responses (RFC 9207), and access tokens that live
// as briefly as a test wants. Its sign-in is a page with an Approve button, or approves at once.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenOnLoopback, readBody } from '../local-host.ts';

/** A client registered beforehand (a machine-to-machine client, or an interactive one). */
export interface RegisteredClient {
  /** The client's id. */
  readonly client_id: string;
  /** The client's secret; absent for a public client (then `token_endpoint_auth_method` defaults to `none`). */
  readonly client_secret?: string;
  /** The grants it may use, e.g. `client_credentials` or `authorization_code` and `refresh_token`. */
  readonly grant_types: readonly string[];
  /** Where an authorization code may be sent (default none). */
  readonly redirect_uris?: readonly string[];
  /** How it authenticates at the token endpoint (default `client_secret_basic` with a secret, else `none`). */
  readonly token_endpoint_auth_method?: string;
}

/** How the authorization server behaves. */
export interface AuthorizationServerOptions {
  /** The protected MCP server's URL: the one resource it issues tokens for. */
  readonly resource: string;
  /** The scopes a token for the resource may carry. */
  readonly scopes: readonly string[];
  /** How long an access token lives, in seconds. */
  readonly accessTokenTtlSeconds: number;
  /** How long a refresh token lives, in seconds. */
  readonly refreshTokenTtlSeconds: number;
  /** `'auto'` approves every sign-in at once; `'page'` shows a page whose Approve button does. */
  readonly approval: 'auto' | 'page';
  readonly clients: readonly RegisteredClient[];
}

/** A grant the token endpoint answered: its type and when. */
export interface IssuedGrant {
  /** The `grant_type` of the token request, e.g. `client_credentials` or `refresh_token`. */
  readonly grantType: string;
  /** The client the tokens were issued to. */
  readonly clientId: string;
  /** When it was answered (ms since the epoch). */
  readonly at: number;
}

/** The running authorization server. */
export interface AuthorizationServer {
  /** Its issuer identifier, `http://127.0.0.1:<port>`. */
  readonly issuer: string;
  /** Every successful token response, oldest first. */
  grants(): readonly IssuedGrant[];
  /** Whether `token` is an access token for the resource, unexpired and unrevoked; its scopes when it is. */
  verify(token: string): Promise<{ readonly scopes: readonly string[]; readonly clientId: string } | undefined>;
  /** Refresh tokens stop working from now on (every one issued so far is revoked, and no new one is honoured). */
  revokeRefreshTokens(): Promise<void>;
  /** Client credentials stop working from now on (the token endpoint refuses the grant). */
  refuseClientCredentials(): void;
  close(): Promise<void>;
}

interface Destroyable {
  destroy(): Promise<void>;
}

/** Starts the authorization server (oidc-provider, an optional peer dependency of this package). */
export async function startAuthorizationServer(options: AuthorizationServerOptions): Promise<AuthorizationServer> {
  const { default: Provider, errors } = await importProvider();
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'ES256', kid: 'fixture' };
  let handler: ((request: IncomingMessage, response: ServerResponse) => void) | undefined;
  const loopback = await listenOnLoopback((request, response) => {
    handler?.(request, response);
  });
  const issuer = loopback.url.origin;
  const grants: IssuedGrant[] = [];
  const refreshTokens = new Set<Destroyable>();
  let refreshRevoked = false;
  let clientCredentialsRefused = false;
  const resourceScope = options.scopes.join(' ');
  const provider = new Provider(issuer, {
    clients: options.clients.map((client) => ({
      response_types: client.grant_types.includes('authorization_code') ? ['code'] : [],
      redirect_uris: [],
      token_endpoint_auth_method: client.client_secret === undefined ? 'none' : 'client_secret_basic',
      ...client,
      grant_types: [...client.grant_types],
    })),
    jwks: { keys: [jwk] },
    adapter: MemoryAdapter,
    clientDefaults: {
      grant_types: ['authorization_code'],
      id_token_signed_response_alg: 'ES256',
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    scopes: ['openid', 'offline_access', ...options.scopes],
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: true },
      revocation: { enabled: true },
      clientCredentials: { enabled: true },
      clientIdMetadataDocument: { enabled: true, ack: 'draft-02' },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => options.resource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, indicator: string) => {
          if (indicator !== options.resource)
            throw new errors.InvalidTarget(`this server issues tokens for ${options.resource} only`);
          return {
            scope: resourceScope,
            audience: options.resource,
            accessTokenTTL: options.accessTokenTtlSeconds,
            accessTokenFormat: 'opaque',
          };
        },
      },
    },
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) =>
      client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    ttl: {
      AccessToken: options.accessTokenTtlSeconds,
      ClientCredentials: options.accessTokenTtlSeconds,
      RefreshToken: options.refreshTokenTtlSeconds,
      AuthorizationCode: 60,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
    },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    findAccount: async (_ctx: unknown, accountId: string) => ({ accountId, claims: async () => ({ sub: accountId }) }),
    clientBasedCORS: () => true,
  });
  // Plain http on 127.0.0.1 is what a test has; oidc-provider would otherwise insist on https.
  provider.proxy = true;
  provider.on('grant.success', (ctx: { oidc: { params?: { grant_type?: string }; client?: { clientId: string } } }) => {
    grants.push({
      grantType: String(ctx.oidc.params?.grant_type ?? 'unknown'),
      clientId: ctx.oidc.client?.clientId ?? '',
      at: Date.now(),
    });
  });
  provider.on('refresh_token.saved', (token: Destroyable) => {
    refreshTokens.add(token);
  });
  provider.use(
    async (
      ctx: { path: string; method: string; req: IncomingMessage; status: number; body: unknown; type: string },
      next: () => Promise<void>,
    ) => {
      if (ctx.method === 'POST' && ctx.path === '/token' && (refreshRevoked || clientCredentialsRefused)) {
        const body = await readBody(ctx.req);
        const grantType = new URLSearchParams(body).get('grant_type');
        if (
          (refreshRevoked && grantType === 'refresh_token') ||
          (clientCredentialsRefused && grantType === 'client_credentials')
        ) {
          ctx.status = 400;
          ctx.type = 'application/json';
          ctx.body = {
            error: grantType === 'refresh_token' ? 'invalid_grant' : 'unauthorized_client',
            error_description: 'access was revoked',
          };
          return;
        }
        // oidc-provider reads the body again: hand it the bytes already read.
        (ctx.req as IncomingMessage & { body?: unknown }).body = Object.fromEntries(new URLSearchParams(body));
      }
      await next();
    },
  );
  const callback = provider.callback();
  handler = (request, response) => {
    const url = new URL(request.url ?? '/', issuer);
    const interaction = /^\/interaction\/([^/]+)(\/approve)?$/.exec(url.pathname);
    if (interaction === null) {
      callback(request, response);
      return;
    }
    interact(request, response, interaction[2] !== undefined).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    });
  };

  /** The sign-in: on the page (Approve posts back), or at once. Both log in the user `ada` and grant what was asked. */
  async function interact(request: IncomingMessage, response: ServerResponse, approved: boolean): Promise<void> {
    const details = await provider.interactionDetails(request, response);
    if (options.approval === 'page' && !approved && details.prompt.name === 'login') {
      const client = String(details.params.client_id ?? '').replace(/[<>&"]/g, '');
      response
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(
          `<!doctype html><meta charset="utf-8"><title>Sign in</title><h1>Sign in to the fixture</h1><p>${client} asks for access to ${options.resource}.</p><form method="post" action="/interaction/${details.uid}/approve"><button id="approve" type="submit">Approve</button></form>`,
        );
      return;
    }
    if (details.prompt.name === 'login') {
      await provider.interactionFinished(
        request,
        response,
        { login: { accountId: 'ada' } },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({
          accountId: details.session?.accountId ?? 'ada',
          clientId: String(details.params.client_id),
        });
    const missing = details.prompt.details as {
      missingOIDCScope?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
      grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();
    await provider.interactionFinished(request, response, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  return {
    issuer,
    grants: () => [...grants],
    async verify(token) {
      const found = (await provider.AccessToken.find(token)) ?? (await provider.ClientCredentials.find(token));
      if (!found || found.isExpired) return undefined;
      const audience = found.aud;
      if (audience !== options.resource && !(Array.isArray(audience) && audience.includes(options.resource)))
        return undefined;
      return {
        scopes: String(found.scope ?? '')
          .split(' ')
          .filter(Boolean),
        clientId: String(found.clientId),
      };
    },
    async revokeRefreshTokens() {
      refreshRevoked = true;
      await Promise.all([...refreshTokens].map((token) => token.destroy().catch(() => undefined)));
    },
    refuseClientCredentials() {
      clientCredentialsRefused = true;
    },
    close: () => loopback.stop(),
  };
}

/**
 * The storage of the authorization server, in memory (oidc-provider's adapter contract). Its own
 * default does the same but warns on every start; this one is quiet and ends with the fixture.
 */
class MemoryAdapter {
  static readonly #stores = new Map<string, Map<string, { payload: Record<string, unknown>; expiresAt: number }>>();
  readonly #store: Map<string, { payload: Record<string, unknown>; expiresAt: number }>;

  constructor(name: string) {
    let store = MemoryAdapter.#stores.get(name);
    if (store === undefined) {
      store = new Map();
      MemoryAdapter.#stores.set(name, store);
    }
    this.#store = store;
  }

  async upsert(id: string, payload: Record<string, unknown>, expiresIn: number): Promise<void> {
    this.#store.set(id, { payload, expiresAt: Date.now() + expiresIn * 1000 });
  }

  async find(id: string): Promise<Record<string, unknown> | undefined> {
    const entry = this.#store.get(id);
    if (entry === undefined || entry.expiresAt <= Date.now()) {
      this.#store.delete(id);
      return undefined;
    }
    return entry.payload;
  }

  async findByUid(uid: string): Promise<Record<string, unknown> | undefined> {
    for (const [id, entry] of this.#store) if (entry.payload.uid === uid) return this.find(id);
    return undefined;
  }

  async findByUserCode(userCode: string): Promise<Record<string, unknown> | undefined> {
    for (const [id, entry] of this.#store) if (entry.payload.userCode === userCode) return this.find(id);
    return undefined;
  }

  async consume(id: string): Promise<void> {
    const entry = this.#store.get(id);
    if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id: string): Promise<void> {
    this.#store.delete(id);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    for (const [id, entry] of this.#store) if (entry.payload.grantId === grantId) this.#store.delete(id);
  }
}

// biome-ignore lint/suspicious/noExplicitAny: oidc-provider's own types are not installed with this optional peer.
type ProviderModule = { default: any; errors: any };

/** oidc-provider, with an error that says how to get it when it is missing. */
async function importProvider(): Promise<ProviderModule> {
  try {
    // A specifier in a variable: the optional peer is neither typed nor bundled here.
    const specifier = 'oidc-provider';
    return (await import(specifier)) as ProviderModule;
  } catch (error) {
    throw new Error(
      'The protected fixture needs the optional peer dependency oidc-provider (^9.13): npm install --save-dev oidc-provider',
      { cause: error },
    );
  }
}
