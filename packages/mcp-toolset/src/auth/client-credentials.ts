import {
  type AddClientAuthentication,
  type AuthorizationServerMetadata,
  createPrivateKeyJwtAuth,
  fetchToken,
  type OAuthClientInformationContext,
  type OAuthClientMetadata,
  refreshAuthorization,
  type StoredOAuthClientInformation,
} from '@modelcontextprotocol/client';
import { UserError } from '@toolwright/core';
import {
  authorizationFailed,
  type KeptTokens,
  type Renewal,
  StoredProvider,
  type StoredProviderOptions,
} from './stored-provider.ts';

/** The JWT bearer grant (RFC 7523), for an assertion from a workload identity. */
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** Options of {@link ClientCredentialsProvider}. */
export interface ClientCredentialsOptions extends StoredProviderOptions {
  /** The client's id at the authorization server (registered beforehand). */
  readonly clientId: string;
  /**
   * The client's secret: sent as HTTP Basic (`client_secret_basic`) or in the body
   * (`client_secret_post`), whichever the authorization server's metadata supports.
   */
  readonly clientSecret?: string;
  /** A private key (PEM, or a JWK object) to authenticate with signed assertions instead (`private_key_jwt`). */
  readonly privateKey?: string | Record<string, unknown>;
  /** The signing algorithm of `privateKey` (default `ES256`). */
  readonly algorithm?: string;
  /**
   * A JWT issued to this workload by another identity provider, exchanged for a token with the JWT
   * bearer grant (RFC 7523) instead of `client_credentials`; a function is called for each token
   * request, so a short-lived assertion can be fetched fresh.
   */
  readonly assertion?: string | (() => string | Promise<string>);
  /** The scope to ask for when the server names none (space-separated). */
  readonly scope?: string;
  /**
   * The issuer of the authorization server the credentials were registered with. The credentials
   * are sent to it alone: a server that names another authorization server gets an
   * AuthorizationError instead. Without it, they are bound to the first authorization server used.
   */
  readonly expectedIssuer?: string;
  /** The client's name, for the authorization server's records (default `toolwright`). */
  readonly clientName?: string;
}

/**
 * A machine-to-machine client: a client registered beforehand that obtains tokens with its own
 * credentials (the `client_credentials` grant of the OAuth client-credentials extension), signed
 * assertions (`private_key_jwt`), or a workload's JWT (the JWT bearer grant). No user is involved;
 * tokens are renewed before they expire and whenever the server answers 401, and a scope the
 * server challenges for (403 `insufficient_scope`) is asked for once more.
 *
 * ```ts
 * const authProvider = new ClientCredentialsProvider({ clientId: 'reports-bot', clientSecret: process.env.SECRET });
 * const toolset = new MCPToolset({ url: 'https://mcp.example.com/mcp', authProvider });
 * ```
 */
export class ClientCredentialsProvider extends StoredProvider {
  readonly #clientId: string;
  readonly #clientSecret: string | undefined;
  readonly #assertion: ClientCredentialsOptions['assertion'];
  readonly #scope: string | undefined;
  readonly #expectedIssuer: string | undefined;
  readonly #clientName: string;
  /** Signs the `private_key_jwt` assertion of each token request, when a private key is given. */
  readonly addClientAuthentication?: AddClientAuthentication;

  /** Checks the options (a {@link UserError} lists every problem) and prepares the `private_key_jwt` signer if a key is given; contacts nothing. */
  constructor(options: ClientCredentialsOptions) {
    super(options, 'ClientCredentialsProvider');
    const problems: string[] = [];
    if (typeof options.clientId !== 'string' || options.clientId.length === 0) problems.push('clientId is required');
    const ways = [options.clientSecret, options.privateKey, options.assertion].filter((way) => way !== undefined);
    if (ways.length > 1) problems.push('give one of clientSecret, privateKey and assertion, not several');
    if (options.clientSecret !== undefined && (typeof options.clientSecret !== 'string' || options.clientSecret === ''))
      problems.push('clientSecret must be a non-empty string');
    if (problems.length > 0) throw new UserError(`ClientCredentialsProvider: ${problems.join('; ')}.`);
    this.#clientId = options.clientId;
    this.#clientSecret = options.clientSecret;
    this.#assertion = options.assertion;
    this.#scope = options.scope;
    this.#expectedIssuer = options.expectedIssuer;
    this.#clientName = options.clientName ?? 'toolwright';
    if (options.privateKey !== undefined) {
      this.addClientAuthentication = createPrivateKeyJwtAuth({
        issuer: options.clientId,
        subject: options.clientId,
        privateKey: options.privateKey,
        alg: options.algorithm ?? 'ES256',
      });
    }
  }

  /** No user, so no redirect: the SDK asks the token endpoint directly. */
  get redirectUrl(): undefined {
    return undefined;
  }

  /** The metadata this client registers with: name, the grant (`client_credentials`, or the JWT bearer grant with an assertion), scope and token endpoint authentication method. */
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: this.#clientName,
      redirect_uris: [],
      grant_types: [this.#assertion === undefined ? 'client_credentials' : JWT_BEARER],
      ...(this.#scope === undefined ? {} : { scope: this.#scope }),
      token_endpoint_auth_method:
        this.addClientAuthentication !== undefined
          ? 'private_key_jwt'
          : this.#clientSecret !== undefined
            ? 'client_secret_basic'
            : 'none',
    };
  }

  /**
   * The registered client, stamped with the authorization server it belongs to: `expectedIssuer`, or
   * the first one it was used with. Any other is refused (the credentials never reach it).
   */
  async clientInformation(ctx?: OAuthClientInformationContext): Promise<StoredOAuthClientInformation> {
    const issuer = this.#expectedIssuer ?? Object.keys(await this.clients())[0];
    if (ctx !== undefined && issuer !== undefined && ctx.issuer !== issuer)
      throw authorizationFailed(
        this.resource ?? this.key,
        `its client credentials were registered with the authorization server ${issuer}, but the server now names ${ctx.issuer}. They are not sent there; register a client with ${ctx.issuer} and configure it (clientId, expectedIssuer).`,
      );
    const information: StoredOAuthClientInformation = {
      client_id: this.#clientId,
      ...(this.#clientSecret === undefined ? {} : { client_secret: this.#clientSecret }),
      ...(this.addClientAuthentication === undefined ? {} : { token_endpoint_auth_method: 'private_key_jwt' }),
    };
    if (issuer === undefined && ctx !== undefined) {
      // Bound to the first authorization server it is used with (the secret stays out of the store).
      await this.saveClient(ctx.issuer, { client_id: this.#clientId, issuer: ctx.issuer });
      return { ...information, issuer: ctx.issuer };
    }
    return issuer === undefined ? information : { ...information, issuer };
  }

  /** The grant of the next token request: `client_credentials` with the scope, or the JWT bearer grant. */
  async prepareTokenRequest(scope?: string): Promise<URLSearchParams> {
    const requested = scope ?? this.#scope;
    if (this.#assertion === undefined) {
      const params = new URLSearchParams({ grant_type: 'client_credentials' });
      if (requested) params.set('scope', requested);
      return params;
    }
    const assertion = typeof this.#assertion === 'function' ? await this.#assertion() : this.#assertion;
    const params = new URLSearchParams({ grant_type: JWT_BEARER, assertion });
    if (requested) params.set('scope', requested);
    return params;
  }

  /** Renews with a refresh token when the server gave one, else with a fresh grant. */
  protected renewal(tokens: KeptTokens): Renewal {
    return tokens.refresh_token === undefined
      ? { kind: 'grant', scope: tokens.scope }
      : { kind: 'refresh', refreshToken: tokens.refresh_token };
  }

  protected async renew(
    renewal: Renewal,
    server: { url: string; metadata: AuthorizationServerMetadata | undefined; resource: string | undefined },
  ): Promise<void> {
    const issuer = server.metadata?.issuer ?? server.url;
    const common = {
      ...(server.metadata === undefined ? {} : { metadata: server.metadata }),
      ...(server.resource === undefined ? {} : { resource: server.resource }),
      ...(this.fetchFn === undefined ? {} : { fetchFn: this.fetchFn }),
    };
    const tokens =
      renewal.kind === 'refresh'
        ? await refreshAuthorization(server.url, {
            ...common,
            clientInformation: await this.clientInformation({ issuer }),
            refreshToken: renewal.refreshToken,
            ...(this.addClientAuthentication === undefined
              ? {}
              : { addClientAuthentication: this.addClientAuthentication }),
            ...(this.dpop === undefined ? {} : { dpop: await this.dpop() }),
          })
        : await fetchToken(this, server.url, { ...common, ...(renewal.scope ? { scope: renewal.scope } : {}) });
    await this.saveTokens({ ...tokens, issuer }, { issuer });
  }
}
