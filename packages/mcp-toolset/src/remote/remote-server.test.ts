// A URL source with the HTTP options a deployment needs, against real servers on 127.0.0.1: the
// headers (fixed or per request), requestInit, the caller's own fetch, and through all of them the
// toolset's repair of malformed responses and its Mcp-Param-* headers.
import { ProtocolError, UserError } from '@toolwright/core';
import { startHttpFixture, startHttpTasksExtensionFixture } from '@toolwright/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { MCPToolset } from '../mcp-toolset.ts';
import type { RemoteServer } from '../remote-server.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function open(source: RemoteServer): Promise<MCPToolset> {
  const toolset = new MCPToolset(source, { id: 'remote', timeouts: { requestMs: 30_000 } });
  await toolset.open();
  cleanups.push(async () => {
    if (toolset.isOpen) await toolset.close();
  });
  return toolset;
}

/**
 * A fetch that stands for a server whose `echo` designates `text` as the `Mcp-Param-Text` header
 * (SEP-2243): it adds the annotation to the tools/list answers it passes on.
 */
const annotatingFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  const isList = typeof init?.body === 'string' && JSON.parse(init.body).method === 'tools/list';
  if (!isList || !response.headers.get('content-type')?.includes('application/json')) return response;
  const message = (await response.json()) as {
    result?: { tools?: { name: string; inputSchema: { properties?: Record<string, object> } }[] };
  };
  for (const tool of message.result?.tools ?? [])
    if (tool.name === 'echo')
      tool.inputSchema.properties = {
        ...tool.inputSchema.properties,
        text: { type: 'string', 'x-mcp-header': 'Text' },
      };
  return Response.json(message, { status: response.status, headers: response.headers });
};

/** A fetch that records the headers (and JSON-RPC method) of every request it sends, then sends it with `next`. */
function recordingFetch(next: typeof fetch = fetch) {
  const seen: { url: string; method: string | undefined; headers: Headers }[] = [];
  const wrapped: typeof fetch = (input, init) => {
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as { method?: string }) : undefined;
    seen.push({
      url: String(input instanceof Request ? input.url : input),
      method: body?.method,
      headers: new Headers(init?.headers),
    });
    return next(input, init);
  };
  return { fetch: wrapped, seen };
}

describe('a remote server with HTTP options', () => {
  it('sends fixed headers, per-request headers and requestInit headers on every request, through the caller’s fetch', async () => {
    const fixture = await startHttpTasksExtensionFixture();
    cleanups.push(() => fixture.close());
    const recorder = recordingFetch();
    let rotation = 0;
    const toolset = await open({
      url: fixture.url,
      fetch: recorder.fetch,
      headers: () => ({ 'X-Api-Key': `key-${++rotation}`, 'X-Team': 'from-headers' }),
      requestInit: { headers: { 'X-Team': 'from-request-init', 'X-Trace': 'trace-1' } },
    });
    expect(await toolset.directCallTool('echo', { text: 'hi' })).toBe('hi');
    const call = recorder.seen.filter((request) => request.method === 'tools/call').at(-1);
    expect(call?.headers.get('x-team')).toBe('from-headers');
    expect(call?.headers.get('x-trace')).toBe('trace-1');
    expect(call?.headers.get('x-api-key')).toMatch(/^key-\d+$/);
    // The function was called for each request: the keys rotate.
    const keys = new Set(recorder.seen.map((request) => request.headers.get('x-api-key')));
    expect(keys.size).toBeGreaterThan(1);
    expect(recorder.seen.every((request) => request.url.startsWith(fixture.url.origin))).toBe(true);
  });

  it.each([
    ['headers', { headers: { 'X-Api-Key': 'k' } }],
    ['a headers function', { headers: async () => ({ 'X-Api-Key': 'k' }) }],
    ['requestInit', { requestInit: { headers: { 'X-Api-Key': 'k' } } }],
    ['a fetch of its own', { fetch: recordingFetch().fetch }],
  ])(
    'repairs a malformed response at once with %s',
    async (_name, options) => {
      const fixture = await startHttpFixture({ misbehaving: true });
      cleanups.push(() => fixture.close());
      const toolset = await open({ url: fixture.url, ...options });
      const error = await toolset.directCallTool('malformed_result', { shape: 'string' }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(ProtocolError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('tools/call');
      expect(await toolset.directCallTool('echo', { text: 'still fine' })).toBe('still fine');
    },
    15_000,
  );

  it.each([
    ['headers', { headers: { 'X-Api-Key': 'k' } }],
    ['a headers function', { headers: () => ({ 'X-Api-Key': 'k' }) }],
    ['requestInit', { requestInit: { headers: { 'X-Api-Key': 'k' } } }],
  ])('sends the Mcp-Param-* headers of a tools/call with %s and the caller’s fetch', async (_name, options) => {
    const fixture = await startHttpTasksExtensionFixture();
    cleanups.push(() => fixture.close());
    const recorder = recordingFetch(annotatingFetch);
    const toolset = await open({ url: fixture.url, ...options, fetch: recorder.fetch });
    expect(await toolset.directCallTool('echo', { text: 'us-west1' })).toBe('us-west1');
    const calls = (await fixture.inspector.httpRequests()).filter((request) => request.mcpMethod === 'tools/call');
    expect(calls.at(-1)?.paramHeaders).toEqual({ 'mcp-param-text': 'us-west1' });
    expect(
      recorder.seen
        .filter((request) => request.method === 'tools/call')
        .at(-1)
        ?.headers.get('x-api-key'),
    ).toBe('k');
  });

  it('names every wrong option, and shows no header value', async () => {
    const wrong = {
      url: 'ftp://x/mcp',
      headers: { Authorization: 7 },
      fetch: 'no',
      colour: 'blue',
    } as unknown as RemoteServer;
    const error = await new MCPToolset(wrong).open().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(UserError.isInstance(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain("'colour' is not an option of a remote server");
    expect(message).toContain('url must be http: or https:, not ftp:');
    expect(message).toContain('headers must be an object of name → string value');
    expect(message).toContain('fetch must be a function');
    const secret = {
      url: 'http://127.0.0.1:9/mcp',
      headers: { Authorization: ['Bearer s3cret-value'] },
    } as unknown as RemoteServer;
    const hidden = await new MCPToolset(secret).open().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect((hidden as Error).message).not.toContain('s3cret-value');
  });
});
