// The anchor beside auth-client.ts: the same auth/* scenarios played by the raw SDK v2 client with
// an OAuth provider of its own, written the way the SDK documents it: on an UnauthorizedError the
// application takes the authorization response, calls transport.finishAuth with it and tries
// again (a new connection when it was the connect). The ready providers of the SDK serve the
// machine-to-machine and enterprise scenarios. Its figures stand beside the toolset's in
// run-auth-scenarios.mjs: the toolset must pass at least what this passes.
//
//   MCP_CONFORMANCE_SCENARIO=auth/<name> node --conditions=@toolwright/source conformance/auth-anchor.ts <url>
import {
  Client,
  ClientCredentialsProvider,
  DpopSession,
  type OAuthClientInformationContext,
  type OAuthClientMetadata,
  type OAuthClientProvider,
  type OAuthDiscoveryState,
  PrivateKeyJwtProvider,
  type StoredOAuthClientInformation,
  type StoredOAuthTokens,
  StreamableHTTPClientTransport,
  UnauthorizedError,
} from '@modelcontextprotocol/client';
import { approveInBrowser, CLIENT_METADATA_URL, enterpriseProvider, required, scenarioOf } from './auth-context.ts';

const REDIRECT_URL = 'http://localhost:3000/callback';

/** An interactive provider kept in memory, its registrations and tokens keyed by issuer (SEP-2352). */
class AnchorProvider implements OAuthClientProvider {
  readonly #clients = new Map<string, StoredOAuthClientInformation>();
  readonly #preRegistered: StoredOAuthClientInformation | undefined;
  #tokens: StoredOAuthTokens | undefined;
  #verifier: string | undefined;
  #discovery: OAuthDiscoveryState | undefined;
  #dpop: Promise<DpopSession> | undefined;
  /** The authorization response of the latest redirect, until the application finishes it. */
  callback: URL | undefined;
  readonly clientMetadataUrl = CLIENT_METADATA_URL;

  constructor(options: { preRegistered?: StoredOAuthClientInformation; dpop?: boolean } = {}) {
    this.#preRegistered = options.preRegistered;
    if (options.dpop) this.dpop = () => (this.#dpop ??= DpopSession.create());
  }

  dpop?: () => Promise<DpopSession>;

  get redirectUrl(): string {
    return REDIRECT_URL;
  }

  get clientMetadata(): OAuthClientMetadata {
    return { client_name: 'anchor-conformance-client', redirect_uris: [REDIRECT_URL], application_type: 'native' };
  }

  clientInformation(ctx?: OAuthClientInformationContext): StoredOAuthClientInformation | undefined {
    const issuer = ctx?.issuer ?? this.#discovery?.authorizationServerMetadata?.issuer;
    const registered = issuer === undefined ? undefined : this.#clients.get(issuer);
    return registered ?? this.#preRegistered;
  }

  saveClientInformation(information: StoredOAuthClientInformation, ctx?: OAuthClientInformationContext): void {
    const issuer = ctx?.issuer ?? information.issuer;
    if (issuer !== undefined) this.#clients.set(issuer, information);
  }

  tokens(ctx?: OAuthClientInformationContext): StoredOAuthTokens | undefined {
    if (ctx === undefined || this.#tokens?.issuer === undefined) return this.#tokens;
    return this.#tokens.issuer === ctx.issuer ? this.#tokens : undefined;
  }

  saveTokens(tokens: StoredOAuthTokens): void {
    this.#tokens = tokens;
    // The discovery is kept for the callback leg only; the next run of the flow discovers afresh.
    this.#discovery = undefined;
  }

  async redirectToAuthorization(authorizationUrl: URL): Promise<void> {
    this.callback = await approveInBrowser(authorizationUrl);
  }

  saveCodeVerifier(verifier: string): void {
    this.#verifier = verifier;
  }

  codeVerifier(): string {
    if (this.#verifier === undefined) throw new Error('no code verifier was saved');
    return this.#verifier;
  }

  saveDiscoveryState(state: OAuthDiscoveryState): void {
    this.#discovery = state;
  }

  discoveryState(): OAuthDiscoveryState | undefined {
    return this.#discovery;
  }

  invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): void {
    if (scope === 'all' || scope === 'tokens') this.#tokens = undefined;
    if (scope === 'all' || scope === 'verifier') this.#verifier = undefined;
    if (scope === 'all' || scope === 'discovery') this.#discovery = undefined;
  }
}

/** A workload's JWT exchanged with the JWT bearer grant (the SDK has no ready provider for it). */
class JwtBearerProvider implements OAuthClientProvider {
  #tokens: StoredOAuthTokens | undefined;
  readonly clientId: string;
  readonly assertion: string;
  constructor(clientId: string, assertion: string) {
    this.clientId = clientId;
    this.assertion = assertion;
  }
  get redirectUrl(): undefined {
    return undefined;
  }
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'anchor-wif',
      redirect_uris: [],
      grant_types: ['urn:ietf:params:oauth:grant-type:jwt-bearer'],
    };
  }
  clientInformation(): StoredOAuthClientInformation {
    return { client_id: this.clientId };
  }
  tokens(): StoredOAuthTokens | undefined {
    return this.#tokens;
  }
  saveTokens(tokens: StoredOAuthTokens): void {
    this.#tokens = tokens;
  }
  redirectToAuthorization(): void {}
  saveCodeVerifier(): void {}
  codeVerifier(): string {
    return '';
  }
  prepareTokenRequest(scope?: string): URLSearchParams {
    const params = new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: this.assertion,
    });
    if (scope) params.set('scope', scope);
    return params;
  }
}

const { name, context, url } = scenarioOf();

function providerFor(): OAuthClientProvider {
  switch (name) {
    case 'auth/client-credentials-basic':
      return new ClientCredentialsProvider({
        clientId: required(context, 'client_id'),
        clientSecret: required(context, 'client_secret'),
      });
    case 'auth/client-credentials-jwt':
      return new PrivateKeyJwtProvider({
        clientId: required(context, 'client_id'),
        privateKey: required(context, 'private_key_pem'),
        algorithm: context.signing_algorithm ?? 'ES256',
      });
    case 'auth/wif-jwt-bearer':
      return new JwtBearerProvider(required(context, 'client_id'), required(context, 'valid_jwt'));
    case 'auth/enterprise-managed-authorization':
      return enterpriseProvider(context);
    default:
      return new AnchorProvider({
        dpop: name === 'auth/dpop' || name === 'auth/dpop-nonce',
        ...(name === 'auth/pre-registration'
          ? {
              preRegistered: {
                client_id: required(context, 'client_id'),
                client_secret: required(context, 'client_secret'),
              },
            }
          : {}),
      });
  }
}

const provider = providerFor();

/** Runs `act`; after an UnauthorizedError with an authorization response waiting, finishes it and runs `act` again (twice at most). */
async function authorized<T>(act: () => Promise<T>, transport: () => StreamableHTTPClientTransport): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await act();
    } catch (error) {
      const callback = provider instanceof AnchorProvider ? provider.callback : undefined;
      if (!(error instanceof UnauthorizedError) || callback === undefined || attempt >= 2) throw error;
      (provider as AnchorProvider).callback = undefined;
      await transport().finishAuth(callback.searchParams);
    }
  }
}

console.log(
  `anchor: scenario ${name} at protocol ${process.env.MCP_CONFORMANCE_PROTOCOL_VERSION ?? '(unset)'} on ${url}`,
);
const newClient = () =>
  new Client({ name: 'anchor-conformance-auth-client', version: '0.1.0' }, { versionNegotiation: { mode: 'auto' } });
let transport = new StreamableHTTPClientTransport(new URL(url), { authProvider: provider });
let client = newClient();
try {
  // A failed connect leaves its client and transport spent: each attempt gets new ones.
  await authorized(
    async () => {
      transport = new StreamableHTTPClientTransport(new URL(url), { authProvider: provider });
      client = newClient();
      await client.connect(transport);
    },
    () => transport,
  );
  const { tools } = await authorized(
    () => client.listTools(),
    () => transport,
  );
  for (const tool of tools) {
    const result = await authorized(
      () => client.callTool({ name: tool.name, arguments: {} }),
      () => transport,
    );
    console.log(`${tool.name} -> ${JSON.stringify(result)}`);
  }
  await client.close();
} catch (error) {
  console.error(`anchor: scenario ${name} failed:`, error);
  process.exit(1);
}
process.exit(0);
