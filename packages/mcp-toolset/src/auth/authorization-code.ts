import { randomBytes } from 'node:crypto';
import {
  type AuthorizationServerMetadata,
  computeScopeUnion,
  isStrictScopeSuperset,
  type OAuthClientInformationContext,
  type OAuthClientMetadata,
  refreshAuthorization,
  registerClient,
  type StoredOAuthClientInformation,
  type StoredOAuthTokens,
  startAuthorization,
  validateAuthorizationResponseIssuer,
} from '@modelcontextprotocol/client';
import { UserError } from '@toolwright/core';
import { freeLoopbackPort, listenForRedirect } from './loopback-redirect.ts';
import {
  authorizationFailed,
  type KeptTokens,
  type Renewal,
  StoredProvider,
  type StoredProviderOptions,
} from './stored-provider.ts';

/** Options of {@link AuthorizationCodeProvider}. */
export interface AuthorizationCodeOptions extends StoredProviderOptions {
  /**
   * Shows the user where to sign in: print the URL, open a browser with it. Called when a token
   * cannot be had otherwise; the provider then waits for the browser to come back to its loopback
   * listener. Without it the provider cannot ask anyone, and a sign-in it would need is an
   * AuthorizationError that says so (right for a process that runs unattended).
   */
  readonly onAuthorizationUrl?: (url: URL) => void | Promise<void>;
  /** The client's name, shown by the authorization server (default `toolwright`). */
  readonly clientName?: string;
  /** A page about the client, for the consent screen. */
  readonly clientUri?: string;
  /**
   * An https URL where the client's metadata document is published (a Client ID Metadata Document):
   * used as the client id by authorization servers that support them, instead of registering. Its
   * `redirect_uris` must allow `http://127.0.0.1/<redirectPath>` (any port, RFC 8252).
   */
  readonly clientMetadataUrl?: string;
  /** A client registered beforehand (no registration then): its id… */
  readonly clientId?: string;
  /** …and its secret, if it has one. */
  readonly clientSecret?: string;
  /** The issuer the pre-registered client belongs to; another authorization server is refused. */
  readonly expectedIssuer?: string;
  /** The scope to ask for when the server names none (space-separated). */
  readonly scope?: string;
  /** The loopback port of the redirect (default: a free one, chosen once and kept in the store). */
  readonly redirectPort?: number;
  /** The path of the redirect (default `/callback`). */
  readonly redirectPath?: string;
  /** How long the user has to sign in (default 300 000 ms). */
  readonly authorizationTimeoutMs?: number;
}

/** How long a second caller waits for a sign-in already under way to save its tokens. */
const CONCURRENT_LOGIN_WAIT_MS = 15_000;

/**
 * An interactive client for CLIs and desktop apps: the authorization code grant with PKCE (S256),
 * the authorization URL handed to `onAuthorizationUrl` (print it, open a browser), and a one-shot
 * listener on 127.0.0.1 for the redirect. The client is registered as the authorization server's
 * metadata allows: a Client ID Metadata Document (`clientMetadataUrl`), else dynamic registration,
 * or a client registered beforehand (`clientId`). The response's `state` and issuer (RFC 9207) are
 * checked before the code is used. Tokens are refreshed before they expire and on a 401; a 403
 * `insufficient_scope` signs in once more for the union of the scopes, then fails typed. Keep the
 * tokens across runs with a {@link FileTokenStore}.
 *
 * ```ts
 * const authProvider = new AuthorizationCodeProvider({
 *   onAuthorizationUrl: (url) => console.log(`Sign in: ${url}`),
 *   store: new FileTokenStore(`${homedir()}/.config/my-cli/tokens.json`),
 *   key: 'github',
 * });
 * ```
 */
export class AuthorizationCodeProvider extends StoredProvider {
  readonly #options: AuthorizationCodeOptions;
  readonly #path: string;
  readonly #timeoutMs: number;
  #redirectUri: string | undefined;
  /** The URL of the client's metadata document, when one is published (`clientMetadataUrl`). */
  readonly clientMetadataUrl?: string;
  /** The sign-in under way, if any: its token request's parameters. */
  #login: Promise<URLSearchParams> | undefined;

  /** Checks the options (a {@link UserError} lists every problem); opens no port and contacts nothing: the redirect listener starts on the first sign-in. */
  constructor(options: AuthorizationCodeOptions = {}) {
    super(options, 'AuthorizationCodeProvider');
    const problems: string[] = [];
    if (options.onAuthorizationUrl !== undefined && typeof options.onAuthorizationUrl !== 'function')
      problems.push('onAuthorizationUrl must be a function');
    if (options.clientSecret !== undefined && options.clientId === undefined)
      problems.push('clientSecret needs the clientId it belongs to');
    if (options.clientMetadataUrl !== undefined && !isHttpsUrlWithPath(options.clientMetadataUrl))
      problems.push('clientMetadataUrl must be an https URL with a path (where the metadata document is published)');
    if (
      options.redirectPort !== undefined &&
      !(Number.isInteger(options.redirectPort) && options.redirectPort > 0 && options.redirectPort < 65_536)
    )
      problems.push('redirectPort must be a port number (1-65535)');
    if (options.redirectPath !== undefined && !options.redirectPath.startsWith('/'))
      problems.push("redirectPath must start with '/'");
    const timeout = options.authorizationTimeoutMs;
    if (timeout !== undefined && !(Number.isFinite(timeout) && timeout > 0))
      problems.push('authorizationTimeoutMs must be a positive number of milliseconds');
    if (problems.length > 0) throw new UserError(`AuthorizationCodeProvider: ${problems.join('; ')}.`);
    this.#options = options;
    if (options.clientMetadataUrl !== undefined) this.clientMetadataUrl = options.clientMetadataUrl;
    this.#path = options.redirectPath ?? '/callback';
    this.#timeoutMs = timeout ?? 300_000;
    if (options.redirectPort !== undefined) this.#redirectUri = `http://127.0.0.1:${options.redirectPort}${this.#path}`;
  }

  /** How long a sign-in may take; a toolset adds it to its connect timeout. */
  get authorizationTimeoutMs(): number {
    return this.#timeoutMs;
  }

  /**
   * Undefined to the SDK: the provider runs the browser round trip itself when the SDK asks it for
   * a grant, so the SDK's flow (and the request that needed a token) simply continues with the token.
   */
  get redirectUrl(): undefined {
    return undefined;
  }

  /** The metadata this client registers with: name, loopback redirect URI, grants; throws when no `redirectPort` was given and no `tokens()` call has chosen one yet. */
  get clientMetadata(): OAuthClientMetadata {
    const redirectUri = this.#redirectUri;
    if (redirectUri === undefined)
      throw new Error(
        'AuthorizationCodeProvider: the redirect port is chosen on the first tokens() call; call it first.',
      );
    return {
      client_name: this.#options.clientName ?? 'toolwright',
      ...(this.#options.clientUri === undefined ? {} : { client_uri: this.#options.clientUri }),
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: this.#options.clientSecret === undefined ? 'none' : 'client_secret_basic',
      application_type: 'native',
      ...(this.#options.scope === undefined ? {} : { scope: this.#options.scope }),
    };
  }

  override async tokens(ctx?: OAuthClientInformationContext): Promise<StoredOAuthTokens | undefined> {
    // The redirect URI goes into the registration, which the SDK reads synchronously: fix it now.
    await this.#chooseRedirectUri();
    return super.tokens(ctx);
  }

  /**
   * The client registered with the authorization server of `ctx.issuer`: the one registered
   * beforehand (bound to `expectedIssuer`, or to the first issuer it is used with; another is an
   * AuthorizationError), else the one the SDK registered there, else none (the SDK registers one).
   */
  async clientInformation(ctx?: OAuthClientInformationContext): Promise<StoredOAuthClientInformation | undefined> {
    const { clientId, clientSecret, expectedIssuer } = this.#options;
    const clients = await this.clients();
    if (clientId === undefined) {
      const issuer = ctx?.issuer ?? this.discovery?.metadata?.issuer ?? this.discovery?.url;
      return issuer === undefined ? undefined : clients[issuer];
    }
    const bound = expectedIssuer ?? Object.keys(clients)[0];
    if (ctx !== undefined && bound !== undefined && ctx.issuer !== bound)
      throw authorizationFailed(
        this.#server(),
        `its pre-registered client belongs to the authorization server ${bound}, but the server now names ${ctx.issuer}. The client's credentials are not sent there; register a client with ${ctx.issuer} and configure it (clientId, expectedIssuer).`,
      );
    const information = { client_id: clientId, ...(clientSecret === undefined ? {} : { client_secret: clientSecret }) };
    if (bound === undefined && ctx !== undefined) {
      await this.saveClient(ctx.issuer, { client_id: clientId, issuer: ctx.issuer });
      return { ...information, issuer: ctx.issuer };
    }
    return bound === undefined ? information : { ...information, issuer: bound };
  }

  /** Keeps a registration the SDK made (dynamic registration, or the metadata document URL as client id). */
  async saveClientInformation(
    information: StoredOAuthClientInformation,
    ctx?: OAuthClientInformationContext,
  ): Promise<void> {
    if (this.#options.clientId !== undefined) return;
    const issuer = ctx?.issuer ?? information.issuer;
    if (issuer !== undefined) await this.saveClient(issuer, information);
  }

  /**
   * The grant of the next token request: a refresh when the refresh token's scope covers `scope`,
   * else a sign-in through the browser for `scope` joined with the scope already granted.
   */
  async prepareTokenRequest(scope?: string): Promise<URLSearchParams> {
    const discovery = this.discovery;
    if (discovery === undefined) throw new Error('AuthorizationCodeProvider: no authorization server was discovered.');
    const issuer = discovery.metadata?.issuer ?? discovery.url;
    // A renewal under way may rotate the refresh token: decide with what it brings.
    await this.renewalDone();
    const refresh = await this.#refreshFor(issuer, scope);
    if (refresh) return refresh;
    if (this.#login) {
      // Another request is signing in already: wait for its tokens, then refresh with them.
      const saved = this.nextSave(CONCURRENT_LOGIN_WAIT_MS);
      await this.#login.then(
        () => saved,
        () => undefined,
      );
      const after = await this.#refreshFor(issuer, scope);
      if (after) return after;
    }
    const granted = (await this.tokensOf(issuer))?.scope;
    const asked = computeScopeUnion(granted, scope);
    const login = this.#signIn(discovery.url, discovery.metadata, asked);
    this.#login = login;
    try {
      const params = await login;
      this.asking(asked);
      return params;
    } finally {
      if (this.#login === login) this.#login = undefined;
    }
  }

  protected renewal(tokens: KeptTokens): Renewal | undefined {
    return tokens.refresh_token === undefined ? undefined : { kind: 'refresh', refreshToken: tokens.refresh_token };
  }

  protected async renew(
    renewal: Renewal,
    server: { url: string; metadata: AuthorizationServerMetadata | undefined; resource: string | undefined },
  ): Promise<void> {
    if (renewal.kind !== 'refresh') return;
    const issuer = server.metadata?.issuer ?? server.url;
    const clientInformation = await this.clientInformation({ issuer });
    if (clientInformation === undefined) return;
    const tokens = await refreshAuthorization(server.url, {
      clientInformation,
      refreshToken: renewal.refreshToken,
      ...(server.metadata === undefined ? {} : { metadata: server.metadata }),
      ...(server.resource === undefined ? {} : { resource: server.resource }),
      ...(this.fetchFn === undefined ? {} : { fetchFn: this.fetchFn }),
      ...(this.dpop === undefined ? {} : { dpop: await this.dpop() }),
    });
    await this.saveTokens({ ...tokens, issuer }, { issuer });
  }

  /** A refresh grant when the tokens of `issuer` have a refresh token whose scope covers `scope`. */
  async #refreshFor(issuer: string, scope: string | undefined): Promise<URLSearchParams | undefined> {
    const tokens = await this.tokensOf(issuer);
    // offline_access asks for a refresh token (the SDK adds it where the server offers it): one in hand covers it.
    const wanted = scope
      ?.split(' ')
      .filter((item) => item !== 'offline_access')
      .join(' ');
    if (
      tokens?.refresh_token === undefined ||
      isStrictScopeSuperset(computeScopeUnion(tokens.scope, wanted), tokens.scope)
    )
      return undefined;
    this.refreshing(tokens.refresh_token);
    return new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
  }

  /** The browser round trip: the authorization URL to the user, the response back on the loopback listener. */
  async #signIn(
    authorizationServerUrl: string,
    metadata: AuthorizationServerMetadata | undefined,
    scope: string | undefined,
    reregistered = false,
  ): Promise<URLSearchParams> {
    const server = this.#server();
    const show = this.#options.onAuthorizationUrl;
    if (show === undefined)
      throw authorizationFailed(
        server,
        'a user has to sign in, and this provider has no onAuthorizationUrl to show them where. Sign in from an interactive run (the tokens are kept in its store), or give the provider onAuthorizationUrl.',
      );
    if (metadata !== undefined && !metadata.code_challenge_methods_supported?.includes('S256'))
      throw authorizationFailed(
        server,
        `its authorization server ${metadata.issuer} does not advertise PKCE with S256 (code_challenge_methods_supported), which MCP requires; the client refuses to sign in there. Ask the server's operator to enable PKCE.`,
      );
    const issuer = metadata?.issuer ?? authorizationServerUrl;
    const clientInformation = await this.clientInformation({ issuer });
    if (clientInformation === undefined)
      throw authorizationFailed(
        server,
        `no client is registered with ${issuer}; the authorization server offers no way to register one.`,
      );
    const redirectUri = await this.#chooseRedirectUri();
    const state = randomBytes(24).toString('base64url');
    const listener = await listenForRedirect({
      port: Number(new URL(redirectUri).port),
      path: this.#path,
      state,
      timeoutMs: this.#timeoutMs,
    }).catch((error: unknown) => {
      throw authorizationFailed(server, `${(error as Error).message}.`, error);
    });
    try {
      const { authorizationUrl, codeVerifier } = await startAuthorization(authorizationServerUrl, {
        clientInformation,
        redirectUrl: redirectUri,
        state,
        ...(metadata === undefined ? {} : { metadata }),
        ...(scope === undefined ? {} : { scope }),
        ...(this.resource === undefined ? {} : { resource: this.resource }),
      });
      try {
        await show(authorizationUrl);
      } catch (error) {
        throw authorizationFailed(server, `onAuthorizationUrl failed: ${(error as Error).message}.`, error);
      }
      let response: URLSearchParams;
      try {
        response = await listener.response;
      } catch (error) {
        throw authorizationFailed(
          server,
          `the user did not finish signing in: ${(error as Error).message}. Try again (authorizationTimeoutMs sets how long to wait).`,
        );
      }
      try {
        validateAuthorizationResponseIssuer({
          iss: response.get('iss') ?? undefined,
          expectedIssuer: metadata?.issuer,
          issParameterSupported: metadata?.authorization_response_iss_parameter_supported === true,
        });
      } catch {
        // RFC 9207: a response from another issuer (a mix-up attack) is neither used nor shown.
        throw authorizationFailed(
          server,
          "the authorization response does not name the authorization server that was asked (its 'iss' is missing or different), so it was discarded unread. Sign in again; if it keeps happening, the sign-in page is not the server's own.",
        );
      }
      const refused = response.get('error');
      if (
        refused === 'invalid_scope' &&
        !reregistered &&
        (await this.#reregister(authorizationServerUrl, metadata, issuer, scope))
      ) {
        // The registration limited the client to the scopes of its first sign-in: registered anew, it asks again.
        listener.close();
        return this.#signIn(authorizationServerUrl, metadata, scope, true);
      }
      if (refused !== null) {
        const description = response.get('error_description');
        throw authorizationFailed(
          server,
          `the authorization server refused: ${refused.slice(0, 60)}${description ? ` (${description.slice(0, 200)})` : ''}. Sign in again and grant the access asked for.`,
        );
      }
      const code = response.get('code');
      if (code === null)
        throw authorizationFailed(server, 'the authorization response carries no code. Sign in again.');
      return new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        code_verifier: codeVerifier,
        redirect_uri: redirectUri,
      });
    } finally {
      listener.close();
    }
  }

  /**
   * Registers a dynamically registered client again, for `scope`, when the authorization server
   * refused a scope the first registration did not name (the SDK registers for the scope of the
   * first sign-in). Whether it did; a client registered beforehand or by a metadata document is not.
   */
  async #reregister(
    authorizationServerUrl: string,
    metadata: AuthorizationServerMetadata | undefined,
    issuer: string,
    scope: string | undefined,
  ): Promise<boolean> {
    const current = (await this.clients())[issuer];
    if (this.#options.clientId !== undefined || current === undefined || current.client_id === this.clientMetadataUrl)
      return false;
    if (metadata?.registration_endpoint === undefined) return false;
    const information = await registerClient(authorizationServerUrl, {
      metadata,
      clientMetadata: this.clientMetadata,
      ...(scope === undefined ? {} : { scope }),
      ...(this.fetchFn === undefined ? {} : { fetchFn: this.fetchFn }),
    });
    await this.saveClient(issuer, { ...information, issuer });
    return true;
  }

  /** The redirect URI: the option's port, else the one kept in the store, else a free port (then kept). */
  async #chooseRedirectUri(): Promise<string> {
    if (this.#redirectUri !== undefined) return this.#redirectUri;
    const stored = (await this.entry()).redirectUri;
    if (stored !== undefined && new URL(stored).pathname === this.#path) {
      this.#redirectUri = stored;
      return stored;
    }
    const uri = `http://127.0.0.1:${await freeLoopbackPort()}${this.#path}`;
    this.#redirectUri ??= uri;
    const chosen = this.#redirectUri;
    await this.update((entry) => {
      entry.redirectUri = chosen;
    });
    return chosen;
  }

  /** How errors name the server: its resource URL once known, else the store key. */
  #server(): string {
    return this.resource ?? this.key;
  }
}

function isHttpsUrlWithPath(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.pathname !== '/';
  } catch {
    return false;
  }
}
