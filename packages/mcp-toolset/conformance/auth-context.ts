// What both clients of the suite's auth/* scenarios share (auth-client.ts, through the toolset, and
// auth-anchor.ts, the raw SDK): the scenario data the suite hands over, the "browser" that follows
// the mock authorization server's redirect, and the ID-JAG exchange of the enterprise scenario.
import {
  type CrossAppAccessContext,
  CrossAppAccessProvider,
  requestJwtAuthorizationGrant,
} from '@modelcontextprotocol/client';

/** The scenario data the suite passes in MCP_CONFORMANCE_CONTEXT (credentials of pre-registered clients). */
export interface AuthContext {
  readonly client_id?: string;
  readonly client_secret?: string;
  readonly private_key_pem?: string;
  readonly signing_algorithm?: string;
  readonly idp_client_id?: string;
  readonly idp_id_token?: string;
  readonly idp_token_endpoint?: string;
  readonly valid_jwt?: string;
}

/** The URL of the client's metadata document, for the Client ID Metadata Document scenarios (the suite's mock fetches nothing). */
export const CLIENT_METADATA_URL = 'https://conformance-test.local/client-metadata.json';

/** The scenario's name, its data, and the server URL the suite appends to the command. */
export function scenarioOf(): { name: string; context: AuthContext; url: string } {
  const name = process.env.MCP_CONFORMANCE_SCENARIO ?? '';
  const url = process.argv.at(-1) ?? '';
  if (!name.startsWith('auth/') || !url.startsWith('http')) {
    console.error(
      'usage: MCP_CONFORMANCE_SCENARIO=auth/<scenario> node --conditions=@toolwright/source <client> <server-url>',
    );
    process.exit(2);
  }
  const raw = process.env.MCP_CONFORMANCE_CONTEXT;
  return { name, context: raw ? (JSON.parse(raw) as AuthContext) : {}, url };
}

/** The value of a context field the scenario must provide. */
export function required(context: AuthContext, field: keyof AuthContext): string {
  const value = context[field];
  if (typeof value !== 'string') throw new Error(`MCP_CONFORMANCE_CONTEXT has no ${field}`);
  return value;
}

/**
 * What a user's browser does with an authorization URL against the suite's mock: the mock approves
 * at once and redirects; the redirect is followed to wherever it points (a loopback listener), and
 * its URL is returned.
 */
export async function approveInBrowser(authorizationUrl: URL): Promise<URL> {
  const answer = await fetch(authorizationUrl, { redirect: 'manual' });
  const location = answer.headers.get('location');
  if (!location) throw new Error(`the authorization server answered ${answer.status} without a redirect`);
  const redirect = new URL(location, authorizationUrl);
  if (redirect.hostname === '127.0.0.1') await fetch(redirect).then((response) => response.text());
  return redirect;
}

/** The enterprise scenario's ID-JAG: the IdP's token exchange of the user's ID token (RFC 8693). */
function idJagAssertion(context: AuthContext): (ctx: CrossAppAccessContext) => Promise<string> {
  return async (ctx) =>
    (
      await requestJwtAuthorizationGrant({
        tokenEndpoint: required(context, 'idp_token_endpoint'),
        audience: ctx.authorizationServerUrl,
        resource: ctx.resourceUrl,
        idToken: required(context, 'idp_id_token'),
        clientId: required(context, 'idp_client_id'),
        ...(ctx.scope === undefined ? {} : { scope: ctx.scope }),
        fetchFn: ctx.fetchFn,
      })
    ).jwtAuthGrant;
}

/**
 * The enterprise scenario's provider, the same on both sides (the toolset has no ready one for
 * enterprise-managed authorization; it takes the SDK's through its authProvider option).
 */
export function enterpriseProvider(context: AuthContext): CrossAppAccessProvider {
  return new CrossAppAccessProvider({
    assertion: idJagAssertion(context),
    clientId: required(context, 'client_id'),
    clientSecret: required(context, 'client_secret'),
  });
}
