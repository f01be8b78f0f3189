// What both ready providers share: an OAuthClientProvider of the SDK v2 whose client registrations
// and tokens live in a TokenStore under one key, bound to the authorization server (by its issuer)
// that issued them, renewed before they expire. The SDK's own flow runs the rest: on a 401 it
// discovers the protected resource and its authorization server, registers the client (Client ID
// Metadata Document or dynamic registration) when the provider has none, and asks the token
// endpoint, with the grant the provider prepares (prepareTokenRequest).
import {
  type AuthorizationServerMetadata,
  DpopSession,
  discoverAuthorizationServerMetadata,
  type FetchLike,
  type OAuthClientInformationContext,
  type OAuthClientMetadata,
  type OAuthClientProvider,
  type OAuthDiscoveryState,
  type StoredOAuthClientInformation,
  type StoredOAuthTokens,
} from '@modelcontextprotocol/client';
import { AuthorizationError, type JsonObject, UserError } from '@toolwright/core';
import { isPlainObject } from '@toolwright/core/internal';
import { MemoryTokenStore, type TokenStore } from './token-store.ts';

/** Options every ready provider takes. */
export interface StoredProviderOptions {
  /** Where registrations and tokens are kept (default: a new {@link MemoryTokenStore}). */
  readonly store?: TokenStore;
  /** The key of this server's entry in the store (default `'default'`); give each server its own. */
  readonly key?: string;
  /**
   * Renew a token this long before it expires (default: a third of its lifetime, at most a
   * minute, and a second more, since expiry times are in whole seconds). A request never leaves
   * with a token about to expire, so a long task is not interrupted by a 401.
   */
  readonly refreshAheadMs?: number;
  /** The fetch for the renewals the provider starts itself (default: the global `fetch`). */
  readonly fetch?: FetchLike;
  /** Ask for sender-constrained (DPoP, RFC 9449) tokens (default false). */
  readonly dpop?: boolean;
}

/** The renewal a provider can make without the user: a refresh token, or a fresh grant of its own. */
export type Renewal =
  | { readonly kind: 'refresh'; readonly refreshToken: string }
  | { readonly kind: 'grant'; readonly scope: string | undefined };

/** The tokens the store keeps: stamped with their issuer; `expiresAt` in epoch milliseconds. */
export type KeptTokens = StoredOAuthTokens & { issuer: string; expiresAt?: number; lifetimeMs?: number };

/** What the store keeps for one server (a JSON object). */
interface Entry {
  redirectUri?: string;
  /** The authorization server last used, without secrets: for renewals in a process that has not discovered it yet. */
  authorizationServer?: { url: string; resource?: string };
  /** Client registrations by issuer (SEP-2352: never reused at another authorization server). */
  clients?: Record<string, StoredOAuthClientInformation>;
  /** The current tokens. */
  tokens?: KeptTokens;
}

/** How long a renewal handed to the SDK holds back others when its answer never comes (the request failed). */
const RENEWAL_WAIT_MS = 15_000;

/** The longest a renewal ahead of expiry is started before it (a minute). */
const MAX_REFRESH_AHEAD_MS = 60_000;

/**
 * Base of the ready providers: the store, the issuer binding of registrations and tokens, the
 * discovery the SDK made, and renewal ahead of expiry. Subclasses say how the client is registered
 * and which grant obtains a token.
 */
export abstract class StoredProvider implements OAuthClientProvider {
  /** Where registrations and tokens are kept (the `store` option, else a new {@link MemoryTokenStore}). */
  protected readonly store: TokenStore;
  /** This server's entry in the store (the `key` option, default `'default'`). */
  protected readonly key: string;
  /** The `fetch` used for the provider's own requests; undefined for the global one. */
  protected readonly fetchFn: FetchLike | undefined;
  readonly #refreshAheadMs: number | undefined;
  #entry: Entry | undefined;
  #loading: Promise<Entry> | undefined;
  /** The renewal under way (started ahead of expiry, or a refresh grant handed to the SDK): one at a time. */
  #renewing: Promise<void> | undefined;
  readonly #saved = new Set<() => void>();
  #dpop: Promise<DpopSession> | undefined;
  /** The authorization server the SDK discovered in this process (its latest run of the flow). */
  protected discovery:
    | {
        /** The authorization server's URL. */
        url: string;
        /** Its metadata (RFC 8414); undefined when the SDK found none. */
        metadata: AuthorizationServerMetadata | undefined;
      }
    | undefined;
  /** The resource indicator (RFC 8707) the SDK chose for the server. */
  protected resource: string | undefined;
  /** The refresh token the latest prepared grant uses, so a response without one keeps it. */
  #refreshing: string | undefined;
  /** The scope the latest prepared grant asked for: a token response without `scope` was granted it (RFC 6749). */
  #asked: string | undefined;

  constructor(options: StoredProviderOptions, name: string) {
    if (
      options.refreshAheadMs !== undefined &&
      !(Number.isFinite(options.refreshAheadMs) && options.refreshAheadMs >= 0)
    )
      throw new UserError(`${name}: refreshAheadMs must be a number of milliseconds, 0 or more.`);
    if (options.key !== undefined && (typeof options.key !== 'string' || options.key.length === 0))
      throw new UserError(`${name}: key must be a non-empty string.`);
    this.store = options.store ?? new MemoryTokenStore();
    this.key = options.key ?? 'default';
    this.fetchFn = options.fetch;
    this.#refreshAheadMs = options.refreshAheadMs;
    if (options.dpop === true) this.dpop = () => (this.#dpop ??= DpopSession.create());
  }

  /** Enables DPoP when the `dpop` option is set (the SDK then signs every request). */
  dpop?: () => Promise<DpopSession>;

  abstract get redirectUrl(): string | URL | undefined;
  abstract get clientMetadata(): OAuthClientMetadata;
  abstract clientInformation(ctx?: OAuthClientInformationContext): Promise<StoredOAuthClientInformation | undefined>;
  abstract prepareTokenRequest(scope?: string): Promise<URLSearchParams | undefined>;

  /** The server's entry of the store (read once, then kept in memory and written through). */
  protected async entry(): Promise<Entry> {
    if (this.#entry) return this.#entry;
    this.#loading ??= this.store.load(this.key).then((value) => {
      this.#entry ??= readEntry(value);
      return this.#entry;
    });
    return this.#loading;
  }

  /** Changes the entry and saves it. */
  protected async update(change: (entry: Entry) => void): Promise<void> {
    const entry = await this.entry();
    change(entry);
    await this.store.save(this.key, entry as unknown as JsonObject);
  }

  /**
   * The tokens of `ctx.issuer` (for the SDK's flow), or with no `ctx` the current tokens for a
   * request to the server, renewed first when they expire within the refresh-ahead margin.
   */
  async tokens(ctx?: OAuthClientInformationContext): Promise<StoredOAuthTokens | undefined> {
    if (ctx === undefined) await this.#renewIfDue();
    const tokens = (await this.entry()).tokens;
    if (tokens === undefined || (ctx !== undefined && tokens.issuer !== ctx.issuer)) return undefined;
    const { expiresAt, lifetimeMs: _lifetime, ...rest } = tokens;
    return expiresAt === undefined
      ? rest
      : { ...rest, expires_in: Math.max(0, Math.floor((expiresAt - Date.now()) / 1000)) };
  }

  async saveTokens(tokens: StoredOAuthTokens, ctx?: OAuthClientInformationContext): Promise<void> {
    const issuer = tokens.issuer ?? ctx?.issuer ?? this.discovery?.metadata?.issuer ?? this.discovery?.url ?? '';
    const lifetimeMs = typeof tokens.expires_in === 'number' ? tokens.expires_in * 1000 : undefined;
    for (const notify of [...this.#saved]) notify();
    const refreshToken = tokens.refresh_token ?? this.#refreshing;
    const asked = this.#asked;
    this.#refreshing = undefined;
    this.#asked = undefined;
    await this.update((entry) => {
      const scope = tokens.scope ?? asked ?? (entry.tokens?.issuer === issuer ? entry.tokens.scope : undefined);
      entry.tokens = {
        ...tokens,
        ...(scope === undefined ? {} : { scope }),
        ...(refreshToken === undefined ? {} : { refresh_token: refreshToken }),
        issuer,
        ...(lifetimeMs === undefined ? {} : { expiresAt: Date.now() + lifetimeMs, lifetimeMs }),
      };
    });
  }

  /** Records the authorization server the SDK discovered; the flow itself always discovers afresh. */
  async saveDiscoveryState(state: OAuthDiscoveryState): Promise<void> {
    this.discovery = { url: state.authorizationServerUrl, metadata: state.authorizationServerMetadata };
    await this.update((entry) => {
      entry.authorizationServer = {
        url: state.authorizationServerUrl,
        ...(entry.authorizationServer?.resource === undefined ? {} : { resource: entry.authorizationServer.resource }),
      };
    });
  }

  /**
   * Always undefined: every run of the flow discovers the authorization server again, so a server
   * that moved to another one (its protected resource metadata changed) is followed at once.
   */
  discoveryState(): undefined {
    return undefined;
  }

  async saveResourceUrl(resource: string): Promise<void> {
    this.resource = resource;
    await this.update((entry) => {
      if (entry.authorizationServer) entry.authorizationServer.resource = resource;
    });
  }

  /** Forgets what the server says is no longer valid. */
  async invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): Promise<void> {
    if (scope === 'verifier' || scope === 'discovery') return;
    const issuer = this.discovery?.metadata?.issuer ?? this.discovery?.url;
    await this.update((entry) => {
      if (scope === 'all' || scope === 'tokens') delete entry.tokens;
      if ((scope === 'all' || scope === 'client') && issuer !== undefined && entry.clients)
        delete entry.clients[issuer];
    });
  }

  /** Client registrations of this entry, by issuer. */
  protected async clients(): Promise<Record<string, StoredOAuthClientInformation>> {
    return { ...((await this.entry()).clients ?? {}) };
  }

  /** Records a registration (dynamic, or a Client ID Metadata Document URL) for `issuer`. */
  protected async saveClient(issuer: string, information: StoredOAuthClientInformation): Promise<void> {
    await this.update((entry) => {
      entry.clients = { ...entry.clients, [issuer]: information };
    });
  }

  /** The current tokens if they came from `issuer`. */
  protected async tokensOf(issuer: string): Promise<KeptTokens | undefined> {
    const tokens = (await this.entry()).tokens;
    return tokens?.issuer === issuer ? tokens : undefined;
  }

  /**
   * Marks a refresh grant handed to the SDK: a token response without a refresh token keeps this
   * one, and until the response is saved (or a while has passed, should the request fail) no other
   * renewal starts, so a rotating refresh token is never sent twice (a server that sees one reused
   * revokes the whole grant).
   */
  protected refreshing(refreshToken: string): void {
    this.#refreshing = refreshToken;
    const renewal = this.nextSave(RENEWAL_WAIT_MS).finally(() => {
      if (this.#renewing === renewal) this.#renewing = undefined;
    });
    this.#renewing = renewal;
  }

  /** Waits for the renewal under way, if any. */
  protected async renewalDone(): Promise<void> {
    await this.#renewing;
  }

  /** Resolves at the next saveTokens, or after `ms`. */
  protected nextSave(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#saved.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#saved.add(done);
    });
  }

  /** Marks the scope a prepared grant asks for, so that a token response without `scope` records it. */
  protected asking(scope: string | undefined): void {
    this.#asked = scope;
  }

  /** How the current tokens can be renewed without the user, or undefined when they cannot. */
  protected abstract renewal(tokens: KeptTokens): Renewal | undefined;

  /** Obtains new tokens through `renewal` at `authorizationServer` (the SDK's token request). */
  protected abstract renew(
    renewal: Renewal,
    authorizationServer: {
      url: string;
      metadata: AuthorizationServerMetadata | undefined;
      resource: string | undefined;
    },
  ): Promise<void>;

  /** Renews the current tokens when they expire within the margin; one renewal at a time. */
  async #renewIfDue(): Promise<void> {
    if (this.#renewing) return this.#renewing;
    const entry = await this.entry();
    const tokens = entry.tokens;
    if (tokens?.expiresAt === undefined) return;
    const lifetime = tokens.lifetimeMs ?? 0;
    // A token's expiry is in whole seconds, so it may end up to a second before its expires_in says.
    const ahead =
      this.#refreshAheadMs ?? Math.min(Math.min(MAX_REFRESH_AHEAD_MS, lifetime / 3) + 1_000, lifetime * 0.6);
    if (tokens.expiresAt - Date.now() > ahead) return;
    const renewal = this.renewal(tokens);
    const url = this.discovery?.url ?? entry.authorizationServer?.url;
    if (renewal === undefined || url === undefined) return;
    this.#renewing = (async () => {
      try {
        const metadata =
          this.discovery?.url === url
            ? this.discovery.metadata
            : await discoverAuthorizationServerMetadata(url, { ...(this.fetchFn ? { fetchFn: this.fetchFn } : {}) });
        if (metadata?.issuer !== undefined && metadata.issuer !== tokens.issuer) return;
        await this.renew(renewal, { url, metadata, resource: this.resource ?? entry.authorizationServer?.resource });
      } catch {
        // The token still works until it expires; once it does, the server's 401 runs the whole
        // flow, which renews it or fails with the reason.
      } finally {
        this.#renewing = undefined;
      }
    })();
    return this.#renewing;
  }

  // Never called: the ready providers prepare their grants themselves (prepareTokenRequest), so the
  // SDK never redirects on its own (redirectUrl is undefined to it).
  redirectToAuthorization(): void {
    throw new Error('This provider prepares its own grants; redirectToAuthorization is not used.');
  }
  saveCodeVerifier(): void {}
  codeVerifier(): string {
    throw new Error('This provider prepares its own grants; codeVerifier is not used.');
  }
}

/** A stored entry read back, keeping only fields of the right shape. */
function readEntry(value: JsonObject | undefined): Entry {
  if (!isPlainObject(value)) return {};
  const entry: Entry = {};
  if (typeof value.redirectUri === 'string') entry.redirectUri = value.redirectUri;
  const server = value.authorizationServer;
  if (isPlainObject(server) && typeof server.url === 'string')
    entry.authorizationServer = {
      url: server.url,
      ...(typeof server.resource === 'string' ? { resource: server.resource } : {}),
    };
  if (isPlainObject(value.clients))
    entry.clients = value.clients as unknown as Record<string, StoredOAuthClientInformation>;
  const tokens = value.tokens;
  if (isPlainObject(tokens) && typeof tokens.access_token === 'string' && typeof tokens.issuer === 'string')
    entry.tokens = tokens as unknown as KeptTokens;
  return entry;
}

/** The error a provider throws when it cannot authorize: it names the server and says what to do. */
export function authorizationFailed(server: string, message: string, cause?: unknown): AuthorizationError {
  return new AuthorizationError(`Authorization for the MCP server ${server} failed: ${message}`, {
    server,
    ...(cause === undefined ? {} : { cause }),
  });
}
