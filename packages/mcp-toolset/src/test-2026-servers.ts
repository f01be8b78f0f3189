// Test support (not exported): 2026-07-28 servers that differ from the fixture in one way.
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { startInMemoryTasksExtensionFixture } from '@toolwright/testing';

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
