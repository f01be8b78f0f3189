import { Client, ClientCredentialsProvider, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';
import { startProtectedFixture } from './index.ts';

const machine = { client_id: 'reports-bot', client_secret: 'bot-secret-value', grant_types: ['client_credentials'] };

describe.each(['2025-11-25', '2026-07-28'] as const)('the protected %s fixture', (generation) => {
  it('answers without a token with 401 and its metadata, and serves a client that obtained one', async () => {
    await using fixture = await startProtectedFixture({ generation, clients: [machine] });
    const bare = await fetch(fixture.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(bare.status).toBe(401);
    const challenge = bare.headers.get('www-authenticate') ?? '';
    expect(challenge).toContain('resource_metadata="');
    expect(challenge).toContain('scope="mcp:tools"');
    const metadata = (await (
      await fetch(new URL('/.well-known/oauth-protected-resource/mcp', fixture.url))
    ).json()) as {
      resource: string;
      authorization_servers: string[];
    };
    expect(metadata).toMatchObject({ resource: fixture.url.href, authorization_servers: [fixture.issuer] });
    const discovery = (await (
      await fetch(new URL('/.well-known/openid-configuration', fixture.issuer))
    ).json()) as Record<string, unknown>;
    expect(discovery).toMatchObject({
      issuer: fixture.issuer,
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
    });
    expect(typeof discovery.registration_endpoint).toBe('string');

    const client = new Client({ name: 'fixture-test', version: '1' }, { versionNegotiation: { mode: 'auto' } });
    const authProvider = new ClientCredentialsProvider({
      ...{ clientId: machine.client_id, clientSecret: machine.client_secret },
      expectedIssuer: fixture.issuer,
    });
    await client.connect(new StreamableHTTPClientTransport(fixture.url, { authProvider }));
    const { tools } = await client.listTools();
    expect(tools.some((tool) => tool.name === 'echo')).toBe(true);
    await client.close();
    expect(fixture.grants().map((grant) => grant.grantType)).toEqual(['client_credentials']);
    expect(fixture.requests()[0]).toMatchObject({ status: 401, hadToken: false });
    expect(fixture.requests().filter((request) => request.status === 200).length).toBeGreaterThan(0);
  });
});

describe('the protected fixture', () => {
  it('refuses an expired token with invalid_token, and a tool call short of a scope with 403 insufficient_scope', async () => {
    await using fixture = await startProtectedFixture({
      accessTokenTtlSeconds: 1,
      scopes: ['mcp:tools', 'mcp:admin'],
      toolScopes: { echo: 'mcp:admin' },
      clients: [machine],
    });
    const token = await fixture.clientCredentialsToken(machine);
    const call = (body: unknown) =>
      fetch(fixture.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          authorization: `Bearer ${token}`,
        },
        body: JSON.stringify(body),
      });
    const forbidden = await call({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'echo', arguments: { text: 'x' } },
    });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('www-authenticate')).toContain(
      'error="insufficient_scope", scope="mcp:tools mcp:admin"',
    );
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const expired = await call({ jsonrpc: '2.0', id: 2, method: 'ping' });
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toContain('error="invalid_token"');
    fixture.refuseClientCredentials();
    await expect(fixture.clientCredentialsToken(machine)).rejects.toThrow(
      'the token endpoint refused: unauthorized_client',
    );
  });
});
