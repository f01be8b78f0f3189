// The client command of the suite's auth/* scenarios, built on the toolset's public API: an
// MCPToolset for the server's URL with a ready provider of @toolwright/mcp-toolset/auth (the
// enterprise scenario, for which the package has none, takes the SDK's CrossAppAccessProvider
// through the same option), opened, its tools listed and each called, closed. Nothing here speaks
// OAuth itself, so every check the suite makes is a check of the toolset and its providers.
//
//   MCP_CONFORMANCE_SCENARIO=auth/<name> node --conditions=@toolwright/source conformance/auth-client.ts <url>
import type { OAuthClientProvider } from '@modelcontextprotocol/client';
import { createRunContext } from '@toolwright/core';
import { MCPToolset } from '@toolwright/mcp-toolset';
import { AuthorizationCodeProvider, ClientCredentialsProvider } from '@toolwright/mcp-toolset/auth';
import { approveInBrowser, CLIENT_METADATA_URL, enterpriseProvider, required, scenarioOf } from './auth-context.ts';
import { sampleArguments } from './sample-arguments.ts';

const { name, context, url } = scenarioOf();

/** The provider a real application would pick for the scenario's kind of client. */
function providerFor(): OAuthClientProvider {
  switch (name) {
    case 'auth/client-credentials-basic':
      return new ClientCredentialsProvider({
        clientId: required(context, 'client_id'),
        clientSecret: required(context, 'client_secret'),
      });
    case 'auth/client-credentials-jwt':
      return new ClientCredentialsProvider({
        clientId: required(context, 'client_id'),
        privateKey: required(context, 'private_key_pem'),
        algorithm: context.signing_algorithm ?? 'ES256',
      });
    case 'auth/wif-jwt-bearer':
      return new ClientCredentialsProvider({
        clientId: required(context, 'client_id'),
        assertion: required(context, 'valid_jwt'),
      });
    case 'auth/enterprise-managed-authorization':
      return enterpriseProvider(context);
    default:
      return new AuthorizationCodeProvider({
        onAuthorizationUrl: async (authorizationUrl) => {
          await approveInBrowser(authorizationUrl);
        },
        clientMetadataUrl: CLIENT_METADATA_URL,
        dpop: name === 'auth/dpop' || name === 'auth/dpop-nonce',
        ...(name === 'auth/pre-registration'
          ? { clientId: required(context, 'client_id'), clientSecret: required(context, 'client_secret') }
          : {}),
      });
  }
}

console.log(`scenario ${name} at protocol ${process.env.MCP_CONFORMANCE_PROTOCOL_VERSION ?? '(unset)'} on ${url}`);
const toolset = new MCPToolset(
  { url, authProvider: providerFor() },
  {
    id: `conformance-${name}`,
    clientInfo: { name: 'toolwright-conformance-auth-client', version: '0.1.0' },
    timeouts: { connectMs: 20_000, requestMs: 20_000 },
  },
);
let exitCode = 0;
let opened = false;
try {
  await toolset.open();
  opened = true;
  for (const tool of await toolset.getTools()) {
    const result = await toolset.callTool(tool.name, sampleArguments(tool), createRunContext(), tool);
    console.log(`${tool.name} -> ${JSON.stringify(result)}`);
  }
} catch (error) {
  console.error(`scenario ${name} failed:`, error);
  exitCode = 1;
} finally {
  if (opened) await toolset.close();
}
process.exit(exitCode);
