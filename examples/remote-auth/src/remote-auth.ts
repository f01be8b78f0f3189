// A remote MCP server behind OAuth, as an application meets one: the server (a fixture of
// @toolwright/testing behind a real authorization server, on 127.0.0.1) answers 401; the toolset's
// provider discovers the authorization server, registers the app, and hands the sign-in URL to the
// app, which shows it to the user; the browser comes back to a listener on 127.0.0.1; the tokens go
// to a file, so the next run does not ask again. Access tokens live a few seconds here, and a task
// longer than that runs to its result while the provider renews them.
import { MCPToolset } from '@toolwright/mcp-toolset';
import { AuthorizationCodeProvider, FileTokenStore } from '@toolwright/mcp-toolset/auth';
import { startProtectedFixture } from '@toolwright/testing/protected';

/** How a run goes. */
export interface RemoteAuthOptions {
  /** Shows the sign-in URL to the user (prints it; a test drives a browser with it). */
  readonly onAuthorizationUrl: (url: URL) => void | Promise<void>;
  /** Where the tokens are kept between runs. */
  readonly tokenFile: string;
  /** How long the task runs, in milliseconds (longer than a token lives). */
  readonly taskMs: number;
  /** Where the example reports what happens. */
  readonly log?: (line: string) => void;
}

/** What a run did: the task's result, how often the user had to sign in, and the grants the authorization server made. */
export interface RemoteAuthOutcome {
  readonly result: unknown;
  readonly signIns: number;
  readonly grants: readonly string[];
}

/** Runs the example once against a fresh protected server. */
export async function runRemoteAuth(options: RemoteAuthOptions): Promise<RemoteAuthOutcome> {
  const log = options.log ?? console.log;
  await using server = await startProtectedFixture({
    generation: '2026-07-28',
    approval: 'page',
    accessTokenTtlSeconds: 3,
  });
  log(`MCP server ${server.url} (authorization server ${server.issuer}); access tokens live 3 s`);
  let signIns = 0;
  const authProvider = new AuthorizationCodeProvider({
    clientName: 'Toolwright remote-auth example',
    onAuthorizationUrl: async (url) => {
      signIns++;
      log('Sign in to continue; open this URL in your browser and approve:');
      log(`  ${url}`);
      await options.onAuthorizationUrl(url);
    },
    store: new FileTokenStore(options.tokenFile),
    key: server.url.href,
  });
  await using toolset = new MCPToolset({ url: server.url, authProvider }, { id: 'protected-fixture' });
  await toolset.open();
  log(`Signed in; ${(await toolset.getTools()).length} tools. Starting a ${options.taskMs / 1000} s task…`);
  const handle = await toolset.startTask('slow_task', { delayMs: options.taskMs, value: 'outlived its tokens' });
  const result = await handle.result();
  const grants = server.grants().map((grant) => grant.grantType);
  log(`Result: ${String(result)} (tokens issued: ${grants.join(', ')})`);
  return { result, signIns, grants };
}
