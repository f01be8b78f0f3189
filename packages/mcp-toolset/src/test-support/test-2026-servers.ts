// Test support (not exported): 2026-07-28 servers that differ from the fixture in one way.
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import {
  startHttpTasksExtensionFixture,
  startInMemoryTasksExtensionFixture,
  type TasksExtensionFixtureOptions,
} from '@toolwright/testing';

/**
 * The in-memory 2026 fixture behind a fetch that drops `resultType` from every tools/call result, as
 * the spec's examples do; `stripped()` counts the results it changed.
 */
export async function withoutResultType() {
  const fixture = await startInMemoryTasksExtensionFixture();
  let stripped = 0;
  const fetch = async (url: string | URL, init?: RequestInit): Promise<Response> => {
    const response = await fixture.fetch(url, init);
    const isCall = typeof init?.body === 'string' && JSON.parse(init.body).method === 'tools/call';
    if (!isCall || !(response.headers.get('content-type') ?? '').includes('application/json')) return response;
    const message = (await response.json()) as { result?: Record<string, unknown> };
    if (message.result !== undefined && message.result.resultType !== undefined) {
      delete message.result.resultType;
      stripped++;
    }
    return new Response(JSON.stringify(message), { status: response.status, headers: response.headers });
  };
  return {
    transport: () => new StreamableHTTPClientTransport(fixture.url, { fetch }),
    stripped: () => stripped,
    close: () => fixture.close(),
  };
}

type ListedTool = { name: string; inputSchema: { properties: Record<string, Record<string, unknown>> } };

/**
 * A fetch that hands every tools/list result's tools to `alter` before the client reads them, in a
 * JSON body or in the data of a server-sent event (2025-11-25 answers a POST with an event stream).
 */
function alteringToolsList(fetch: typeof globalThis.fetch, alter: (tools: ListedTool[]) => void) {
  const altered = (json: string) => {
    let message: { result?: { tools?: ListedTool[] } };
    try {
      message = JSON.parse(json);
    } catch {
      return json; // an event without JSON data (a priming event) passes as it came
    }
    alter(message.result?.tools ?? []);
    return JSON.stringify(message);
  };
  return async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const response = await fetch(url, init);
    const isList = typeof init?.body === 'string' && JSON.parse(init.body).method === 'tools/list';
    const type = response.headers.get('content-type') ?? '';
    if (!isList || !response.ok) return response;
    let body: string;
    if (type.includes('application/json')) body = altered(await response.text());
    else if (type.includes('text/event-stream'))
      body = (await response.text()).replace(/^data: (.*)$/gm, (_line, json: string) => `data: ${altered(json)}`);
    else return response;
    return new Response(body, { status: response.status, headers: response.headers });
  };
}

/** Adds `properties` to the inputSchema of the listed `echo` tool. */
function annotateEcho(properties: Record<string, Record<string, unknown>>) {
  return (tools: ListedTool[]) => {
    const echo = tools.find((tool) => tool.name === 'echo');
    if (echo) Object.assign(echo.inputSchema.properties, properties);
  };
}

/**
 * The in-memory 2026 fixture behind a fetch that gives `echo`'s `text` parameter the x-mcp-header
 * `header` in every tools/list result.
 */
export async function withEchoHeader(header: string) {
  const fixture = await startInMemoryTasksExtensionFixture();
  const fetch = alteringToolsList(
    (url, init) => fixture.fetch(url as string | URL, init),
    annotateEcho({ text: { type: 'string', 'x-mcp-header': header } }),
  );
  return {
    transport: () => new StreamableHTTPClientTransport(fixture.url, { fetch }),
    close: () => fixture.close(),
  };
}

/**
 * The 2026 fixture on Streamable HTTP (127.0.0.1) behind a fetch that adds `properties` (say, with
 * x-mcp-header annotations) to `echo`'s inputSchema in every tools/list result; the fixture's
 * inspector reports the headers each request arrived with.
 */
export async function withAnnotatedEchoOverHttp(properties: Record<string, Record<string, unknown>>) {
  const fixture = await startHttpTasksExtensionFixture();
  const fetch = alteringToolsList(globalThis.fetch, annotateEcho(properties));
  return {
    transport: () => new StreamableHTTPClientTransport(fixture.url, { fetch }),
    inspector: fixture.inspector,
    close: () => fixture.close(),
  };
}

/**
 * The 2026 fixture on Streamable HTTP (127.0.0.1) behind a fetch that stands for an intermediary
 * enforcing `Mcp-Param-Text` on every tools/call of `echo` (400 and HeaderMismatch, -32020, when it
 * is missing), while tools/list gives `text` that x-mcp-header only while `designate()` says so, as a
 * server whose tool changed without a list_changed would.
 * `refused()` counts the calls it refused.
 */
export async function withEnforcedEchoHeader(designate: () => boolean) {
  const fixture = await startHttpTasksExtensionFixture();
  let refused = 0;
  const enforcing = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const message = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    const isEchoCall = message?.method === 'tools/call' && message.params?.name === 'echo';
    if (isEchoCall && !new Headers(init?.headers).has('mcp-param-text')) {
      refused++;
      const error = { code: -32020, message: 'Header mismatch: Mcp-Param-Text is missing' };
      return Response.json({ jsonrpc: '2.0', id: message.id, error }, { status: 400 });
    }
    return globalThis.fetch(url, init);
  };
  const annotate = annotateEcho({ text: { type: 'string', 'x-mcp-header': 'Text' } });
  const fetch = alteringToolsList(enforcing, (tools) => {
    if (designate()) annotate(tools);
  });
  return {
    transport: () => new StreamableHTTPClientTransport(fixture.url, { fetch }),
    inspector: fixture.inspector,
    refused: () => refused,
    close: () => fixture.close(),
  };
}

/** The JSON-RPC request a fetch carries, when it carries one. */
function requestOf(init: RequestInit | undefined): { id?: unknown; method?: unknown; params?: unknown } | undefined {
  if (typeof init?.body !== 'string') return undefined;
  try {
    return JSON.parse(init.body) as { id?: unknown; method?: unknown };
  } catch {
    return undefined;
  }
}

/**
 * The in-memory 2026 fixture without task notifications: it answers subscriptions/listen with
 * "Method not found" (as a server without push support may), so tasks are learnt of by polling.
 */
export async function withoutListen(options: TasksExtensionFixtureOptions = {}) {
  const fixture = await startInMemoryTasksExtensionFixture(options);
  let refused = 0;
  const fetch = async (url: string | URL, init?: RequestInit): Promise<Response> => {
    const request = requestOf(init);
    if (request?.method !== 'subscriptions/listen') return fixture.fetch(url, init);
    refused++;
    return Response.json({ jsonrpc: '2.0', id: request.id, error: { code: -32601, message: 'Method not found' } });
  };
  return {
    transport: () => new StreamableHTTPClientTransport(fixture.url, { fetch }),
    listensRefused: () => refused,
    close: () => fixture.close(),
  };
}

/** The in-memory 2026 fixture answering every `method` request with a CreateTaskResult, which only a tools/call may be. */
export async function withTaskAnswer(method: string) {
  const fixture = await startInMemoryTasksExtensionFixture();
  const fetch = async (url: string | URL, init?: RequestInit): Promise<Response> => {
    const request = requestOf(init);
    if (request?.method !== method) return fixture.fetch(url, init);
    const now = new Date().toISOString();
    const task = { taskId: 'made-up', status: 'working', createdAt: now, lastUpdatedAt: now, ttlMs: 60_000 };
    return Response.json({ jsonrpc: '2.0', id: request.id, result: { resultType: 'task', ...task } });
  };
  return {
    transport: () => new StreamableHTTPClientTransport(fixture.url, { fetch }),
    close: () => fixture.close(),
  };
}

/** The in-memory 2026 fixture whose tools/call answers arrive `delayMs` late (the server has acted by then). */
export async function withSlowCalls(delayMs: number) {
  const fixture = await startInMemoryTasksExtensionFixture();
  const fetch = async (url: string | URL, init?: RequestInit): Promise<Response> => {
    const response = await fixture.fetch(url, init);
    if (requestOf(init)?.method === 'tools/call') await new Promise((resolve) => setTimeout(resolve, delayMs));
    return response;
  };
  return {
    transport: () => new StreamableHTTPClientTransport(fixture.url, { fetch }),
    inspector: fixture.inspector,
    close: () => fixture.close(),
  };
}

/**
 * The in-memory 2026 fixture as a server of the later modern revision `version`: a fetch between
 * client and server offers `version` in server/discover and speaks it on the wire (the
 * `MCP-Protocol-Version` header and the `_meta` version of each request and JSON answer), while the
 * fixture behind it speaks 2026-07-28. A client must list `version` in its `supportedProtocolVersions`
 * to negotiate it.
 */
export async function asLaterRevision(version: string) {
  const fixture = await startInMemoryTasksExtensionFixture();
  const swap = (text: string, from: string, to: string) => text.split(`"${from}"`).join(`"${to}"`);
  const fetch = async (url: string | URL, init?: RequestInit): Promise<Response> => {
    const headers = new Headers(init?.headers);
    if (headers.get('mcp-protocol-version') === version) headers.set('mcp-protocol-version', '2026-07-28');
    const body = typeof init?.body === 'string' ? swap(init.body, version, '2026-07-28') : init?.body;
    const response = await fixture.fetch(url, { ...init, headers, ...(body === undefined ? {} : { body }) });
    if (!(response.headers.get('content-type') ?? '').includes('application/json')) return response;
    const text = swap(await response.text(), '2026-07-28', version);
    return new Response(text, { status: response.status, headers: response.headers });
  };
  return {
    transport: () => new StreamableHTTPClientTransport(fixture.url, { fetch }),
    inspector: fixture.inspector,
    close: () => fixture.close(),
  };
}
