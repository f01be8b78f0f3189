// The secret scan: the authorization flows run for real against the protected fixture (an
// interactive sign-in with refreshes during a long task, a machine client, and both failing
// mid-task), every secret of the exchange is caught on the wire (tokens, refresh tokens, client
// secrets, authorization codes, PKCE verifiers), and every place the application sees is searched
// for them: task references, error messages (with their causes), run events, the server's log
// messages, and everything written to the console.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRunContext, type ToolEvent } from '@toolwright/core';
import { startProtectedFixture } from '@toolwright/testing/protected';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { MCPToolset } from '../mcp-toolset.ts';
import { TestBrowser } from '../test-support/test-browser.ts';
import { AuthorizationCodeProvider } from './authorization-code.ts';
import { ClientCredentialsProvider } from './client-credentials.ts';
import { FileTokenStore } from './token-store.ts';

const folder = mkdtempSync(join(tmpdir(), 'toolwright-secrets-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const BOT = { client_id: 'reports-bot', client_secret: 'bot-secret-9f8e7d6c5b4a', grant_types: ['client_credentials'] };

/** Every secret that crossed the wire to an authorization server, caught by the caller's fetch. */
class SecretCatcher {
  readonly secrets = new Set<string>([BOT.client_secret]);
  readonly fetch: typeof fetch = async (input, init) => {
    if (typeof init?.body === 'string' || init?.body instanceof URLSearchParams) {
      const params = new URLSearchParams(init.body.toString());
      for (const name of ['code', 'code_verifier', 'refresh_token', 'client_secret', 'assertion', 'client_assertion'])
        this.#add(params.get(name));
    }
    const authorization = new Headers(init?.headers).get('authorization');
    if (authorization?.startsWith('Basic '))
      for (const part of atob(authorization.slice(6)).split(':')) this.#add(decodeURIComponent(part));
    if (authorization?.startsWith('Bearer ')) this.#add(authorization.slice(7));
    const response = await fetch(input, init);
    if (response.headers.get('content-type')?.includes('application/json')) {
      const body = (await response
        .clone()
        .json()
        .catch(() => undefined)) as Record<string, unknown> | undefined;
      for (const name of ['access_token', 'refresh_token', 'client_secret', 'id_token', 'registration_access_token'])
        this.#add(typeof body?.[name] === 'string' ? (body[name] as string) : undefined);
    }
    return response;
  };

  #add(value: string | null | undefined): void {
    if (value && value.length >= 8) this.secrets.add(value);
  }
}

/** The text of an error and of every cause under it. */
function errorText(error: unknown): string {
  const parts: string[] = [];
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 10; depth++) {
    parts.push(current instanceof Error ? `${current.name}: ${current.message}` : String(current));
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join('\n');
}

describe('the secret scan', () => {
  it('finds no token, secret, code or verifier in references, errors, events, logs or console output', async () => {
    const console_ = ['log', 'info', 'warn', 'error', 'debug'] as const;
    const printed: string[] = [];
    const spies = console_.map((method) =>
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        printed.push(
          args
            .map((arg) => (arg instanceof Error ? errorText(arg) : typeof arg === 'string' ? arg : JSON.stringify(arg)))
            .join(' '),
        );
      }),
    );
    const catcher = new SecretCatcher();
    const seen: string[] = [];
    const events: ToolEvent[] = [];
    try {
      for (const generation of ['2025-11-25', '2026-07-28'] as const) {
        await using fixture = await startProtectedFixture({ generation, accessTokenTtlSeconds: 2, clients: [BOT] });
        const browser = new TestBrowser();
        let away = false;
        const interactive = new MCPToolset(
          {
            url: fixture.url,
            fetch: catcher.fetch,
            authProvider: new AuthorizationCodeProvider({
              onAuthorizationUrl: async (url) => {
                if (away) throw new Error('the user is away');
                await browser.open(url);
              },
              store: new FileTokenStore(join(folder, `${generation}.json`)),
            }),
          },
          { id: `interactive-${generation}`, onLog: (message) => seen.push(JSON.stringify(message)) },
        );
        await interactive.open();
        const ctx = createRunContext();
        ctx.events.on('*', (event) => events.push(event));
        const done = await interactive.startTask('slow_task', { delayMs: 3_000, value: 'x' }, { ctx });
        seen.push(JSON.stringify(done.toJSON()));
        seen.push(String(await done.result()));
        const failing = await interactive.startTask('slow_task', { delayMs: 20_000 }, { ctx });
        seen.push(JSON.stringify(failing.toJSON()));
        away = true;
        await fixture.revokeRefreshTokens();
        const error = await failing.result().then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expect(error).toBeDefined();
        seen.push(errorText(error), JSON.stringify((error as { reference?: unknown }).reference));
        await interactive.close();

        const machine = new MCPToolset(
          {
            url: fixture.url,
            fetch: catcher.fetch,
            authProvider: new ClientCredentialsProvider({ clientId: BOT.client_id, clientSecret: BOT.client_secret }),
          },
          { id: `machine-${generation}` },
        );
        await machine.open();
        const task = await machine.startTask('slow_task', { delayMs: 20_000 }, { ctx });
        fixture.refuseClientCredentials();
        const refused = await task.result().then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expect(refused).toBeDefined();
        seen.push(errorText(refused), JSON.stringify(task.toJSON()));
        await machine.close();
        for (const code of browser.codes) catcher.secrets.add(code);
      }
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    seen.push(...events.map((event) => JSON.stringify(event)), ...printed);
    // The scan caught what it is meant to catch: each kind of secret went over the wire.
    expect(catcher.secrets.size).toBeGreaterThan(10);
    const haystack = seen.join('\n');
    const leaked = [...catcher.secrets].filter((secret) => haystack.includes(secret));
    expect(leaked).toEqual([]);
  }, 120_000);
});
