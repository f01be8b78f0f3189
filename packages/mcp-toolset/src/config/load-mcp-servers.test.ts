// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} in plain strings is the config syntax under test.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthorizationError, ConnectionLostError, createRunContext, UserError } from '@toolwright/core';
import { startHttpFixture, startHttpTasksExtensionFixture, stdioFixture } from '@toolwright/testing';
import { startProtectedFixture } from '@toolwright/testing/protected';
import { afterAll, describe, expect, it } from 'vitest';
import { ClientCredentialsProvider } from '../auth/client-credentials.ts';
import { loadMcpServers, toolNamePrefix } from './load-mcp-servers.ts';

const folder = mkdtempSync(join(tmpdir(), 'toolwright-load-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A port on 127.0.0.1 where nothing listens: a server that is down. */
async function closedPortUrl(): Promise<string> {
  const fixture = await startHttpFixture();
  const url = fixture.url.href;
  await fixture.close();
  return url;
}

describe('loadMcpServers', () => {
  it('opens every server of a file (stdio, 2025 and 2026 over HTTP) as one toolset, each prefixed with its name', async () => {
    await using stdio = stdioFixture();
    await using legacy = await startHttpFixture();
    await using modern = await startHttpTasksExtensionFixture();
    const path = join(folder, 'mcp.json');
    writeFileSync(
      path,
      JSON.stringify({
        mcpServers: {
          local: { command: stdio.command, args: stdio.args },
          legacy: { url: legacy.url.href },
          'modern tasks': { type: 'http', url: `\${FIXTURE_URL}` },
        },
      }),
    );
    await using servers = await loadMcpServers(path, { env: { FIXTURE_URL: modern.url.href } });
    expect([...servers.servers.keys()]).toEqual(['local', 'legacy', 'modern tasks']);
    expect(servers.servers.get('legacy')?.id).toBe('legacy');
    await servers.open();
    const tools = await servers.getTools(createRunContext());
    const names = tools.map((tool) => tool.name);
    expect(names).toContain('local_echo');
    expect(names).toContain('legacy_slow_task');
    expect(names.some((name) => name.startsWith('modern_tasks_'))).toBe(true);
    const echo = tools.find((tool) => tool.name === 'local_echo');
    if (!echo) throw new Error('no local_echo');
    expect(await servers.callTool('local_echo', { text: 'hi' }, createRunContext(), echo)).toBe('hi');
    const slow = tools.find((tool) => tool.name === 'legacy_slow_task');
    if (!slow) throw new Error('no legacy_slow_task');
    expect(await servers.callTool('legacy_slow_task', { delayMs: 10, value: 'v' }, createRunContext(), slow)).toBe(
      'done: v',
    );
    expect(legacy.sessionCount()).toBe(1);
    await servers.close();
    expect(legacy.sessionCount()).toBe(0);
  }, 60_000);

  it('opens all or nothing: a server that fails closes those that opened and is named in the error', async () => {
    await using legacy = await startHttpFixture();
    const down = await closedPortUrl();
    const servers = await loadMcpServers(
      {
        mcpServers: {
          good: { url: legacy.url.href },
          down: { url: down },
          missing: { command: join(folder, 'no-such-binary') },
        },
      },
      { toolsetOptions: { timeouts: { connectMs: 5_000 } }, stderr: 'ignore' },
    );
    const error = await servers.open().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(ConnectionLostError.isInstance(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toMatch(
      /^2 MCP servers of the given config object could not be opened, so none is: 'down': .*; 'missing': /,
    );
    expect(message).toContain('The 1 server that did open was closed again.');
    expect(legacy.sessionCount()).toBe(0);
    expect(servers.servers.get('good')?.isOpen).toBe(false);
  });

  it('takes per-server toolset options, and can leave the tool names unprefixed', async () => {
    await using legacy = await startHttpFixture();
    const seen: string[] = [];
    await using servers = await loadMcpServers(
      { mcpServers: { one: { url: legacy.url.href } } },
      {
        prefix: false,
        toolsetOptions: (name) => {
          seen.push(name);
          return { id: 'ignored', preferTasks: false };
        },
      },
    );
    expect(seen).toEqual(['one']);
    expect(servers.servers.get('one')?.id).toBe('one');
    await servers.open();
    const tools = await servers.getTools(createRunContext());
    expect(tools.find((tool) => tool.name === 'optional_task')?.metadata.task).toBe(false);
  });

  it("sends a remote server's headers, expanded from the environment, and takes its auth provider", async () => {
    const bot = { client_id: 'config-bot', client_secret: 'config-bot-secret', grant_types: ['client_credentials'] };
    await using fixture = await startProtectedFixture({ clients: [bot] });
    const token = await fixture.clientCredentialsToken(bot);
    const config = {
      mcpServers: { gated: { url: fixture.url.href, headers: { Authorization: 'Bearer ${API_TOKEN}' } } },
    };
    await using withHeader = await loadMcpServers(config, { env: { API_TOKEN: token } });
    await withHeader.open();
    expect((await withHeader.getTools(createRunContext())).some((tool) => tool.name === 'gated_echo')).toBe(true);
    await withHeader.close();

    const refused = await loadMcpServers(config, { env: { API_TOKEN: 'not-a-token' } });
    const error = await refused.open().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(AuthorizationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain("'gated'");
    expect((error as Error).message).not.toContain('not-a-token');

    const seen: string[] = [];
    await using withProvider = await loadMcpServers(
      { mcpServers: { gated: { type: 'http', url: fixture.url.href } } },
      {
        authProvider: (name, url) => {
          seen.push(`${name} ${url.href}`);
          return new ClientCredentialsProvider({ clientId: bot.client_id, clientSecret: bot.client_secret });
        },
      },
    );
    await withProvider.open();
    expect(seen).toEqual([`gated ${fixture.url.href}`]);
    expect((await withProvider.getTools(createRunContext())).length).toBeGreaterThan(0);
  }, 30_000);

  it('refuses two servers whose names give the same tool prefix', async () => {
    await expect(
      loadMcpServers({ mcpServers: { 'my server': { command: 'a' }, my_server: { command: 'b' } } }),
    ).rejects.toThrow(UserError);
    expect(toolNamePrefix('my server/v2')).toBe('my_server_v2');
  });
});
