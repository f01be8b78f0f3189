// Test support (not exported): 2026-07-28 servers that differ from the fixture in one way.
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { startInMemoryTasksExtensionFixture, type TasksExtensionFixtureOptions } from '@toolwright/testing';

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

/**
 * The in-memory 2026 fixture behind a fetch that gives `echo`'s `text` parameter the x-mcp-header
 * `header` in every tools/list result.
 */
export async function withEchoHeader(header: string) {
  const fixture = await startInMemoryTasksExtensionFixture();
  const fetch = async (url: string | URL, init?: RequestInit): Promise<Response> => {
    const response = await fixture.fetch(url, init);
    const isList = typeof init?.body === 'string' && JSON.parse(init.body).method === 'tools/list';
    if (!isList || !(response.headers.get('content-type') ?? '').includes('application/json')) return response;
    const message = (await response.json()) as {
      result?: { tools?: { name: string; inputSchema: { properties: Record<string, Record<string, unknown>> } }[] };
    };
    const echo = message.result?.tools?.find((tool) => tool.name === 'echo');
    if (echo?.inputSchema.properties.text) echo.inputSchema.properties.text['x-mcp-header'] = header;
    return new Response(JSON.stringify(message), { status: response.status, headers: response.headers });
  };
  return {
    transport: () => new StreamableHTTPClientTransport(fixture.url, { fetch }),
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
