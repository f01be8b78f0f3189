import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { MCPToolset, type MCPToolsetOptions } from '@toolwright/mcp-toolset';
import {
  type FixtureInspector,
  type FixtureOptions,
  startHttpFixture,
  startInMemoryFixture,
  stdioFixture,
} from '@toolwright/testing';

/** A transport the benchmarks run over. */
export type TransportName = 'in-memory' | 'stdio' | 'http';
export const TRANSPORTS: readonly TransportName[] = ['in-memory', 'stdio', 'http'];

/** A raw SDK client and a Toolwright toolset, each on its own fixture server of the same kind. */
export interface Pair extends AsyncDisposable {
  readonly client: Client;
  readonly toolset: MCPToolset;
  /** The inspector of the raw client's server. */
  readonly sdkInspector: FixtureInspector;
  /** The inspector of the toolset's server. */
  readonly toolwrightInspector: FixtureInspector;
}

/** A fixture server over `transport`, as the raw SDK client and the toolset each take it; its closer goes on `closers`. */
async function fixtureSource(transport: TransportName, options: FixtureOptions, closers: (() => Promise<void>)[]) {
  if (transport === 'in-memory') {
    const fixture = await startInMemoryFixture(options);
    closers.push(() => fixture.close());
    return { sdk: fixture.clientTransport, toolwright: fixture.clientTransport, inspector: fixture.inspector };
  }
  if (transport === 'http') {
    const fixture = await startHttpFixture(options);
    closers.push(() => fixture.close());
    return {
      sdk: new StreamableHTTPClientTransport(fixture.url),
      toolwright: fixture.url,
      inspector: fixture.inspector,
    };
  }
  const fixture = stdioFixture(options);
  closers.push(() => fixture.close());
  const server = { command: fixture.command, args: fixture.args, stderr: 'ignore' as const };
  return { sdk: new StdioClientTransport(server), toolwright: server, inspector: fixture.inspector };
}

/** Closes what `closers` holds, last opened first. */
function disposer(closers: (() => Promise<void>)[]) {
  return async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  };
}

/** An MCPToolset alone over `transport`, on a fresh fixture server with `options`: for cases with no raw-SDK side. */
export async function connectToolset(
  transport: TransportName,
  options: FixtureOptions,
  toolsetOptions: MCPToolsetOptions = {},
): Promise<{ readonly toolset: MCPToolset } & AsyncDisposable> {
  const closers: (() => Promise<void>)[] = [];
  const dispose = disposer(closers);
  try {
    const source = await fixtureSource(transport, options, closers);
    const toolset = new MCPToolset(source.toolwright, { id: `bench-${transport}`, ...toolsetOptions });
    closers.push(() => toolset.close());
    await toolset.open();
    return { toolset, [Symbol.asyncDispose]: dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** Connects a raw SDK client and an MCPToolset over `transport`, each to a fresh fixture server with `options`. */
export async function connectPair(
  transport: TransportName,
  options: FixtureOptions,
  toolsetOptions: MCPToolsetOptions = {},
): Promise<Pair> {
  const closers: (() => Promise<void>)[] = [];
  const forClient = await fixtureSource(transport, options, closers);
  const client = new Client({ name: 'bench-raw-sdk', version: '1.0.0' });
  await client.connect(forClient.sdk);
  closers.push(() => client.close());
  const forToolset = await fixtureSource(transport, options, closers);
  const toolset = new MCPToolset(forToolset.toolwright, { id: `bench-${transport}`, ...toolsetOptions });
  await toolset.open();
  closers.push(() => toolset.close());
  return {
    client,
    toolset,
    sdkInspector: forClient.inspector,
    toolwrightInspector: forToolset.inspector,
    [Symbol.asyncDispose]: disposer(closers),
  };
}
