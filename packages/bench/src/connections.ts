import { Client, StreamableHTTPClientTransport, type Transport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
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

/** The transports a run measures: the one it was given, or every one. */
export function transportsOf({
  transport,
}: {
  readonly transport?: TransportName | undefined;
}): readonly TransportName[] {
  return transport === undefined ? TRANSPORTS : [transport];
}

/** A raw SDK v2 client and a Toolwright toolset, each on its own fixture server of the same kind. */
export interface Pair extends AsyncDisposable {
  readonly client: Client;
  readonly toolset: MCPToolset;
  /** The inspector of the raw client's server. */
  readonly sdkInspector: FixtureInspector;
  /** The inspector of the toolset's server. */
  readonly toolwrightInspector: FixtureInspector;
}

/** Closes a list of closers, last opened first. */
export type Closers = (() => Promise<void>)[];

/** A fixture server over `transport`, as the raw SDK client and the toolset each take it; its closer goes on `closers`. */
export async function fixtureSource(transport: TransportName, options: FixtureOptions, closers: Closers) {
  if (transport === 'in-memory') {
    const fixture = await startInMemoryFixture(options);
    closers.push(() => fixture.close());
    return {
      sdk: fixture.clientTransport as Transport,
      toolwright: fixture.clientTransport,
      inspector: fixture.inspector,
    };
  }
  if (transport === 'http') {
    const fixture = await startHttpFixture(options);
    closers.push(() => fixture.close());
    return {
      sdk: new StreamableHTTPClientTransport(fixture.url) as Transport,
      toolwright: fixture.url,
      inspector: fixture.inspector,
    };
  }
  const fixture = stdioFixture(options);
  closers.push(() => fixture.close());
  const server = { command: fixture.command, args: fixture.args, stderr: 'ignore' as const };
  return { sdk: new StdioClientTransport(server) as Transport, toolwright: server, inspector: fixture.inspector };
}

/** Closes what `closers` holds, last opened first. */
export function disposer(closers: Closers) {
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
  const closers: Closers = [];
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

/**
 * A raw SDK v2 client over `transport` on a fresh fixture server with `options` (its closers go on
 * `closers`): the baseline every scenario measures Toolwright against.
 */
export async function connectClient(
  transport: TransportName,
  options: FixtureOptions,
  closers: Closers,
): Promise<{ readonly client: Client; readonly inspector: FixtureInspector }> {
  const source = await fixtureSource(transport, options, closers);
  const client = new Client({ name: 'bench-raw-sdk', version: '1.0.0' });
  await client.connect(source.sdk);
  closers.push(() => client.close());
  return { client, inspector: source.inspector };
}

/** Connects a raw SDK v2 client and an MCPToolset over `transport`, each to a fresh fixture server with `options`. */
export async function connectPair(
  transport: TransportName,
  options: FixtureOptions,
  toolsetOptions: MCPToolsetOptions = {},
): Promise<Pair> {
  const closers: Closers = [];
  const dispose = disposer(closers);
  try {
    const raw = await connectClient(transport, options, closers);
    const forToolset = await fixtureSource(transport, options, closers);
    const toolset = new MCPToolset(forToolset.toolwright, { id: `bench-${transport}`, ...toolsetOptions });
    closers.push(() => toolset.close());
    await toolset.open();
    return {
      client: raw.client,
      toolset,
      sdkInspector: raw.inspector,
      toolwrightInspector: forToolset.inspector,
      [Symbol.asyncDispose]: dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}
