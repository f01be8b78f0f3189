// The ready providers against the protected fixture of @toolwright/testing (both task generations
// behind bearer authorization, with a real authorization server started by the test) over HTTP:
// a task outlives its tokens, a renewal that fails mid-task ends typed, a reference resumes in
// another process through the file token store, scopes step up once.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AuthorizationError, type JsonObject, TaskError } from '@toolwright/core';
import {
  type ProtectedFixture,
  type ProtectedFixtureOptions,
  startProtectedFixture,
} from '@toolwright/testing/protected';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { MCPToolset } from '../mcp-toolset.ts';
import type { RemoteServer } from '../remote-server.ts';
import { TestBrowser } from '../test-support/test-browser.ts';
import { AuthorizationCodeProvider } from './authorization-code.ts';
import { ClientCredentialsProvider } from './client-credentials.ts';
import { FileTokenStore, MemoryTokenStore } from './token-store.ts';

const folder = mkdtempSync(join(tmpdir(), 'toolwright-protected-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const BOT = { client_id: 'reports-bot', client_secret: 'bot-secret-value', grant_types: ['client_credentials'] };

async function protectedServer(options: ProtectedFixtureOptions): Promise<ProtectedFixture> {
  const fixture = await startProtectedFixture({ clients: [BOT], ...options });
  cleanups.push(() => fixture.close());
  return fixture;
}

async function open(source: RemoteServer, id = 'protected'): Promise<MCPToolset> {
  const toolset = new MCPToolset(source, { id, taskPolling: { defaultIntervalMs: 200 } });
  await toolset.open();
  cleanups.push(async () => {
    if (toolset.isOpen) await toolset.close();
  });
  return toolset;
}

const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe.each(['2025-11-25', '2026-07-28'] as const)('a task on a protected %s server over HTTP', (generation) => {
  it('outlives its access tokens: the handle keeps watching while the interactive provider refreshes them', async () => {
    const fixture = await protectedServer({ generation, accessTokenTtlSeconds: 3 });
    const browser = new TestBrowser();
    const toolset = await open({
      url: fixture.url,
      authProvider: new AuthorizationCodeProvider({ onAuthorizationUrl: browser.open }),
    });
    const handle = await toolset.startTask('slow_task', { delayMs: 5_000, value: 'outlived' });
    expect(await handle.result()).toBe('done: outlived');
    expect(browser.signIns).toBe(1);
    const grants = fixture.grants().map((grant) => grant.grantType);
    expect(grants[0]).toBe('authorization_code');
    expect(grants.filter((grant) => grant === 'refresh_token').length).toBeGreaterThanOrEqual(1);
  }, 30_000);

  it('refreshes on a 401 with its refresh token, without asking the user again', async () => {
    const fixture = await protectedServer({ generation });
    const browser = new TestBrowser();
    const store = new MemoryTokenStore();
    const first = await open({
      url: fixture.url,
      authProvider: new AuthorizationCodeProvider({ onAuthorizationUrl: browser.open, store }),
    });
    await first.close();
    // The server no longer knows the access token (it was revoked), though it has not expired.
    const entry = (await store.load('default')) as { tokens: { access_token: string } };
    entry.tokens.access_token = 'revoked-access-token';
    await store.save('default', entry as unknown as JsonObject);
    const second = await open({
      url: fixture.url,
      authProvider: new AuthorizationCodeProvider({ onAuthorizationUrl: browser.open, store }),
    });
    expect(await second.directCallTool('echo', { text: 'after a 401' })).toBe('after a 401');
    expect(fixture.requests().some((request) => request.status === 401 && request.hadToken)).toBe(true);
    expect(fixture.grants().map((grant) => grant.grantType)).toEqual(['authorization_code', 'refresh_token']);
    expect(browser.signIns).toBe(1);
  }, 30_000);

  it('outlives its access tokens with client credentials renewed before they expire', async () => {
    const fixture = await protectedServer({ generation, accessTokenTtlSeconds: 3 });
    const authProvider = new ClientCredentialsProvider({
      clientId: BOT.client_id,
      clientSecret: BOT.client_secret,
      expectedIssuer: fixture.issuer,
    });
    const toolset = await open({ url: fixture.url, authProvider });
    const handle = await toolset.startTask('slow_task', { delayMs: 5_000, value: 'machine' });
    expect(await handle.result()).toBe('done: machine');
    expect(fixture.grants().filter((grant) => grant.grantType === 'client_credentials').length).toBeGreaterThanOrEqual(
      2,
    );
  }, 30_000);

  it('ends typed, with the task reference, when a refresh fails mid-task and no user can sign in again', async () => {
    const fixture = await protectedServer({ generation, accessTokenTtlSeconds: 3 });
    const browser = new TestBrowser();
    let away = false;
    const authProvider = new AuthorizationCodeProvider({
      onAuthorizationUrl: async (url) => {
        if (away) throw new Error('the user is away from the keyboard');
        await browser.open(url);
      },
    });
    const toolset = await open({ url: fixture.url, authProvider }, 'reports');
    const handle = await toolset.startTask('slow_task', { delayMs: 20_000 });
    away = true;
    await fixture.revokeRefreshTokens();
    const error = await outcome(handle.result());
    expect(AuthorizationError.isInstance(error), String(error)).toBe(true);
    expect(TaskError.isInstance(error)).toBe(true);
    const failure = error as AuthorizationError;
    expect(failure.server).toBe('reports');
    expect(failure.taskId).toBe(handle.taskId);
    expect(failure.reference).toEqual(handle.toJSON());
    expect(failure.message).toContain('reports');
    expect(failure.message).toMatch(/resume task .* with toolset\.resumeTask\(reference\)/);
  }, 30_000);

  it('ends typed when the authorization server stops honouring client credentials mid-task', async () => {
    const fixture = await protectedServer({ generation, accessTokenTtlSeconds: 3 });
    const authProvider = new ClientCredentialsProvider({ clientId: BOT.client_id, clientSecret: BOT.client_secret });
    const toolset = await open({ url: fixture.url, authProvider }, 'bot');
    const handle = await toolset.startTask('slow_task', { delayMs: 20_000 });
    fixture.refuseClientCredentials();
    const error = await outcome(handle.result());
    expect(AuthorizationError.isInstance(error), String(error)).toBe(true);
    expect((error as AuthorizationError).server).toBe('bot');
    expect((error as AuthorizationError).taskId).toBe(handle.taskId);
    expect((error as Error).message).toMatch(/refused the client itself \(unauthorized_client/);
  }, 30_000);

  it('resumes a task from its reference in another process, which authorizes again through the file token store', async () => {
    const fixture = await protectedServer({ generation, accessTokenTtlSeconds: 3 });
    const store = join(folder, `${generation}-tokens.json`);
    const browser = new TestBrowser();
    const toolset = await open({
      url: fixture.url,
      authProvider: new AuthorizationCodeProvider({
        onAuthorizationUrl: browser.open,
        store: new FileTokenStore(store),
        key: 'fixture',
      }),
    });
    const handle = await toolset.startTask('slow_task', { delayMs: 4_000, value: 'elsewhere' });
    const reference = JSON.stringify(handle.toJSON());
    await toolset.close();
    // Let the access token expire: the other process must renew it with the stored refresh token.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const before = fixture.grants().length;
    const output = await resumeInChild(fixture.url.href, store, reference);
    expect(output.trim().split('\n').at(-1)).toBe('result: done: elsewhere');
    const later = fixture
      .grants()
      .slice(before)
      .map((grant) => grant.grantType);
    expect(later).toContain('refresh_token');
    expect(later).not.toContain('authorization_code');
    expect(browser.signIns).toBe(1);
  }, 40_000);
});

describe('scopes on a protected server', () => {
  it('signs in once more for a scope a tool needs (403 insufficient_scope), for the union of the scopes', async () => {
    const fixture = await protectedServer({ scopes: ['mcp:tools', 'mcp:admin'], toolScopes: { echo: 'mcp:admin' } });
    const browser = new TestBrowser();
    const toolset = await open({
      url: fixture.url,
      authProvider: new AuthorizationCodeProvider({ onAuthorizationUrl: browser.open }),
    });
    expect(await toolset.directCallTool('echo', { text: 'admin only' })).toBe('admin only');
    // One sign-in for the first scope, one more for the union (the registration is renewed for it
    // when the authorization server limits the client to the scopes it first registered with).
    expect(fixture.grants().filter((grant) => grant.grantType === 'authorization_code')).toHaveLength(2);
    expect(fixture.requests().filter((request) => request.status === 403)).toHaveLength(1);
  }, 30_000);

  it('fails typed after one step-up when the scope cannot be had', async () => {
    const fixture = await protectedServer({ scopes: ['mcp:tools'], toolScopes: { echo: 'mcp:never' } });
    const authProvider = new ClientCredentialsProvider({ clientId: BOT.client_id, clientSecret: BOT.client_secret });
    const toolset = await open({ url: fixture.url, authProvider }, 'scoped');
    const error = await outcome(toolset.directCallTool('echo', { text: 'x' }));
    expect(AuthorizationError.isInstance(error), String(error)).toBe(true);
    expect((error as AuthorizationError).server).toBe('scoped');
    expect(fixture.requests().filter((request) => request.status === 403).length).toBeLessThanOrEqual(2);
  }, 30_000);

  it('sends the headers option to the MCP endpoint only, never to the authorization server', async () => {
    const fixture = await protectedServer({});
    const seen: { url: string; key: string | null }[] = [];
    const authProvider = new ClientCredentialsProvider({ clientId: BOT.client_id, clientSecret: BOT.client_secret });
    const toolset = await open({
      url: fixture.url,
      authProvider,
      headers: { 'X-Api-Key': 'gateway-key' },
      fetch: (input, init) => {
        seen.push({
          url: String(input instanceof Request ? input.url : input),
          key: new Headers(init?.headers).get('x-api-key'),
        });
        return fetch(input, init);
      },
    });
    await toolset.getTools();
    const toIssuer = seen.filter((request) => request.url.startsWith(fixture.issuer));
    const toEndpoint = seen.filter((request) => request.url === fixture.url.href);
    expect(toIssuer.length).toBeGreaterThan(0);
    expect(toIssuer.every((request) => request.key === null)).toBe(true);
    expect(toEndpoint.every((request) => request.key === 'gateway-key')).toBe(true);
  }, 30_000);
});

/** Resumes the task of `reference` in a new Node process with a provider that cannot ask a user; resolves with its output. */
function resumeInChild(url: string, store: string, reference: string): Promise<string> {
  const code = `
    import { MCPToolset } from '@toolwright/mcp-toolset';
    import { AuthorizationCodeProvider, FileTokenStore } from '@toolwright/mcp-toolset/auth';
    const authProvider = new AuthorizationCodeProvider({ store: new FileTokenStore(${JSON.stringify(store)}), key: 'fixture' });
    const toolset = new MCPToolset({ url: ${JSON.stringify(url)}, authProvider }, { id: 'protected' });
    await toolset.open();
    const handle = await toolset.resumeTask(${reference});
    console.log('result: ' + (await handle.result()));
    await toolset.close();
  `;
  const packageDir = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@toolwright/source', '--input-type=module', '-e', code], {
      cwd: packageDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      if (status === 0) resolve(output);
      else reject(new Error(`the resuming process exited with ${status}:\n${output}`));
    });
  });
}
