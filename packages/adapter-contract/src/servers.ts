import { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { MCPToolset } from '@toolwright/mcp-toolset';
import {
  type FixtureInspector,
  startInMemoryFixture,
  startInMemoryTasksExtensionFixture,
  stdioFixture,
  type TasksExtensionInspector,
} from '@toolwright/testing';

/** The MCP protocol generation a contract server speaks. */
export type Generation = '2025-11-25' | '2026-07-28';

/** How the contract reaches a fixture server. */
export type ContractTransport = 'in-memory' | 'stdio';

/** A task the fixture holds, as both generations' inspectors report it. */
export interface ServerTask {
  readonly taskId: string;
  readonly tool: string;
  readonly status: string;
}

/** A fixture server of one generation with an opened MCP toolset on it, and what the server saw. */
export interface ContractServer {
  readonly generation: Generation;
  readonly transport: ContractTransport;
  /** The toolset on the server, opened. */
  readonly toolset: MCPToolset;
  /** How many tasks/get requests the server received (polls). */
  polls(): Promise<number>;
  /** The task ids for which tasks/cancel arrived, in order. */
  cancels(): Promise<string[]>;
  /** The tasks the server holds. */
  tasks(): Promise<ServerTask[]>;
  /** Closes the toolset, then the server. */
  close(): Promise<void>;
}

/** The poll interval the contract's servers suggest: a client that polled would take this long. */
export const POLL_INTERVAL_MS = 5_000;

/** What differs between the generations' inspectors, read the same way. */
interface ServerView {
  readonly generation: Generation;
  readonly transport: ContractTransport;
  readonly toolset: MCPToolset;
  readonly polls: () => Promise<number>;
  readonly inspector: FixtureInspector | TasksExtensionInspector;
  readonly closeFixture: () => Promise<void>;
}

function contractServer({ inspector, closeFixture, ...view }: ServerView): ContractServer {
  return {
    ...view,
    cancels: () => inspector.cancelsReceived(),
    tasks: async () => (await inspector.tasks()).map(({ taskId, tool, status }) => ({ taskId, tool, status })),
    close: async () => {
      await view.toolset.close();
      await closeFixture();
    },
  };
}

/** The tasks/get requests a 2025-11-25 fixture received (its log counts them over stdio too). */
const polls2025 = (inspector: FixtureInspector) => async () => (await inspector.received('tasks/get')).length;

/**
 * Starts the fixture server of `generation` (suggesting {@link POLL_INTERVAL_MS}) and opens an MCP
 * toolset on it. Over stdio only the 2025-11-25 fixture is offered: its inspector counts requests
 * from the child's log, which the 2026 fixture's does not.
 */
export async function startContractServer(
  generation: Generation,
  transport: ContractTransport = 'in-memory',
): Promise<ContractServer> {
  let server: ContractServer;
  if (generation === '2026-07-28') {
    if (transport !== 'in-memory') throw new Error('the contract runs the 2026-07-28 fixture in memory only');
    const fixture = await startInMemoryTasksExtensionFixture({ pollIntervalMs: POLL_INTERVAL_MS });
    const toolset = new MCPToolset(new StreamableHTTPClientTransport(fixture.url, { fetch: fixture.fetch }), {
      id: 'contract-2026',
    });
    server = contractServer({
      generation,
      transport,
      toolset,
      inspector: fixture.inspector,
      // In memory the 2026 fixture is reached through its fetch entry, which records every request.
      polls: async () =>
        (await fixture.inspector.httpRequests()).filter((request) => request.method === 'tasks/get').length,
      closeFixture: () => fixture.close(),
    });
  } else if (transport === 'stdio') {
    const fixture = stdioFixture({ pollInterval: POLL_INTERVAL_MS });
    const toolset = new MCPToolset(
      { command: fixture.command, args: fixture.args, stderr: 'ignore' },
      { id: 'contract-2025' },
    );
    server = contractServer({
      generation,
      transport,
      toolset,
      inspector: fixture.inspector,
      polls: polls2025(fixture.inspector),
      closeFixture: () => fixture.close(),
    });
  } else {
    const fixture = await startInMemoryFixture({ pollInterval: POLL_INTERVAL_MS });
    const toolset = new MCPToolset(fixture.clientTransport, { id: 'contract-2025' });
    server = contractServer({
      generation,
      transport,
      toolset,
      inspector: fixture.inspector,
      polls: polls2025(fixture.inspector),
      closeFixture: () => fixture.close(),
    });
  }
  try {
    await server.toolset.open();
  } catch (error) {
    await server.close();
    throw error;
  }
  return server;
}
