// Mcp-Param-* headers (SEP-2243) as a real 2026-07-28 server receives them over Streamable HTTP: the
// fixture of @toolwright/testing on 127.0.0.1, with x-mcp-header annotations added to `echo` in its
// tools/list answers, and its inspector reporting the headers of every request.
import { Client, type JSONRPCMessage } from '@modelcontextprotocol/client';
import { ToolError } from '@toolwright/core';
import type { TasksExtensionHttpRequest, TasksExtensionInspector } from '@toolwright/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { MCPToolset } from '../mcp-toolset.ts';
import type { MCPServerSource, MCPToolsetOptions } from '../options.ts';
import { withAnnotatedEchoOverHttp, withEnforcedEchoHeader } from '../test-support/test-2026-servers.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** echo's own `text`, plus parameters of every kind a header may carry, one nested, one not annotated. */
const ANNOTATED = {
  text: { type: 'string', 'x-mcp-header': 'Text' },
  region: { type: 'string', 'x-mcp-header': 'Region' },
  priority: { type: 'integer', 'x-mcp-header': 'Priority' },
  verbose: { type: 'boolean', 'x-mcp-header': 'Verbose' },
  target: { type: 'object', properties: { zone: { type: 'string', 'x-mcp-header': 'Zone' } } },
  query: { type: 'string' },
};

async function server() {
  const running = await withAnnotatedEchoOverHttp(ANNOTATED);
  cleanups.push(() => running.close());
  return running;
}

async function open(source: MCPServerSource, options: MCPToolsetOptions = {}): Promise<MCPToolset> {
  const toolset = new MCPToolset(source, { id: 'param-headers', ...options });
  await toolset.open();
  cleanups.push(async () => {
    if (toolset.isOpen) await toolset.close();
  });
  return toolset;
}

/** The last request of `method` the server received. */
async function lastReceived(inspector: TasksExtensionInspector, method: string): Promise<TasksExtensionHttpRequest> {
  const received = (await inspector.httpRequests()).filter((request) => request.method === method);
  const last = received.at(-1);
  if (!last) throw new Error(`the server received no ${method}`);
  return last;
}

describe('Mcp-Param-* headers over Streamable HTTP on 2026-07-28', () => {
  it('carry every designated argument of a tools/call, encoded, and nothing else', async () => {
    const { transport, inspector } = await server();
    const toolset = await open(transport());
    expect(toolset.protocolVersion).toBe('2026-07-28');
    const result = await toolset.directCallTool('echo', {
      text: 'Hello, 世界',
      region: 'us-west1',
      priority: 42,
      verbose: false,
      target: { zone: ' zone 1' },
      query: 'SELECT * FROM users',
    });
    expect(result).toBe('Hello, 世界');
    const call = await lastReceived(inspector, 'tools/call');
    expect(call).toMatchObject({ mcpMethod: 'tools/call', mcpName: 'echo', protocolVersion: '2026-07-28' });
    expect(call.paramHeaders).toEqual({
      'mcp-param-text': '=?base64?SGVsbG8sIOS4lueVjA==?=',
      'mcp-param-region': 'us-west1',
      'mcp-param-priority': '42',
      'mcp-param-verbose': 'false',
      'mcp-param-zone': '=?base64?IHpvbmUgMQ==?=',
    });
    // Only tools/call carries them.
    expect((await lastReceived(inspector, 'tools/list')).paramHeaders).toEqual({});
  });

  it('leave out a null or absent argument', async () => {
    const { transport, inspector } = await server();
    const toolset = await open(transport());
    expect(await toolset.directCallTool('echo', { text: 'plain', verbose: null })).toBe('plain');
    expect((await lastReceived(inspector, 'tools/call')).paramHeaders).toEqual({ 'mcp-param-text': 'plain' });
  });

  it('are not sent on 2025-11-25, which has no x-mcp-header, even when a tool carries one', async () => {
    const { transport, inspector } = await server();
    const toolset = await open(transport(), { protocolVersion: '2025-11-25' });
    expect(toolset.protocolVersion).toBe('2025-11-25');
    // The server designates the parameters on this version too; the toolset does not mirror them.
    const echo = (await toolset.getTools()).find((tool) => tool.name === 'echo');
    expect(echo?.inputSchema).toMatchObject({ properties: { region: { 'x-mcp-header': 'Region' } } });
    expect(await toolset.directCallTool('echo', { text: 'legacy', region: 'us-west1' })).toBe('legacy');
    expect((await lastReceived(inspector, 'tools/call')).paramHeaders).toEqual({});
  });

  it('reach a message sent on the transport directly, which gets Mcp-Method and Mcp-Name (from the SDK) only with the 2026 envelope', async () => {
    const { transport: makeTransport, inspector } = await server();
    const transport = makeTransport();
    const toolset = await open(transport);
    await toolset.getTools();
    const send = (id: string, params: Record<string, unknown>, headers?: Record<string, string>) =>
      transport
        .send({ jsonrpc: '2.0', id, method: 'tools/call', params } as JSONRPCMessage, headers && { headers })
        .catch((error: unknown) => error);
    await send('raw-with-envelope', {
      name: 'echo',
      arguments: { text: 'raw', region: 'eu' },
      _meta: {
        'io.modelcontextprotocol/protocolVersion': '2026-07-28',
        'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1.0.0' },
        'io.modelcontextprotocol/clientCapabilities': {},
      },
    });
    expect(await lastReceived(inspector, 'tools/call')).toMatchObject({
      mcpMethod: 'tools/call',
      mcpName: 'echo',
      paramHeaders: { 'mcp-param-text': 'raw', 'mcp-param-region': 'eu' },
    });
    await send('raw-without-envelope', { name: 'echo', arguments: { text: 'bare' } });
    const bare = await lastReceived(inspector, 'tools/call');
    expect(bare.mcpMethod).toBeUndefined();
    expect(bare.mcpName).toBeUndefined();
    expect(bare.protocolVersion).toBe('2026-07-28');
    // Nor can a sender set them itself: the SDK's transport drops them from the per-message headers.
    await send(
      'raw-own-headers',
      { name: 'echo', arguments: { text: 'own' } },
      { 'Mcp-Method': 'tools/call', 'Mcp-Name': 'echo' },
    );
    const own = await lastReceived(inspector, 'tools/call');
    expect(own.paramHeaders).toEqual({ 'mcp-param-text': 'own' });
    expect(own.mcpMethod).toBeUndefined();
    expect(own.mcpName).toBeUndefined();
    expect(bare.paramHeaders).toEqual({ 'mcp-param-text': 'bare' });
  });

  it('are sent through a connected Client the application hands over, whose transport is left as it was on close', async () => {
    const { transport: makeTransport, inspector } = await server();
    const transport = makeTransport();
    const client = new Client({ name: 'app', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
    await client.connect(transport);
    cleanups.push(() => client.close());
    const ownSend = transport.send;
    const toolset = await open(client);
    expect(toolset.protocolVersion).toBe('2026-07-28');
    expect(transport.send).not.toBe(ownSend);
    expect(await toolset.directCallTool('echo', { text: 'adopted', priority: -7 })).toBe('adopted');
    expect((await lastReceived(inspector, 'tools/call')).paramHeaders).toEqual({
      'mcp-param-text': 'adopted',
      'mcp-param-priority': '-7',
    });
    await toolset.close();
    expect(transport.send).toBe(ownSend);
  });

  it('after a HeaderMismatch, list the tools again and send the call once more with the headers they now designate', async () => {
    let designated = false;
    const running = await withEnforcedEchoHeader(() => designated);
    cleanups.push(() => running.close());
    const toolset = await open(running.transport());
    await toolset.getTools();
    // The tool now designates `text`, but the toolset's listing is from before.
    designated = true;
    expect(await toolset.directCallTool('echo', { text: 'retried' })).toBe('retried');
    expect(running.refused()).toBe(1);
    const received = await running.inspector.httpRequests();
    expect(received.filter((request) => request.method === 'tools/list')).toHaveLength(2);
    const calls = received.filter((request) => request.method === 'tools/call');
    expect(calls.map((call) => call.paramHeaders)).toEqual([{ 'mcp-param-text': 'retried' }]);
  });

  it('retry a refused call only once', async () => {
    const running = await withEnforcedEchoHeader(() => false);
    cleanups.push(() => running.close());
    const toolset = await open(running.transport(), { toolErrorBehavior: 'error' });
    const error = await toolset.directCallTool('echo', { text: 'never' }).catch((caught: unknown) => caught);
    expect(ToolError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/echo.*Header mismatch: Mcp-Param-Text is missing/);
    expect(running.refused()).toBe(2);
    expect((await running.inspector.httpRequests()).filter((request) => request.method === 'tools/call')).toEqual([]);
  });
});
