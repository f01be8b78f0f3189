// @modelcontextprotocol/ext-tasks 0.2.2, the official tasks SDK, as a peer of Toolwright: its v1
// driver on the 2025-11-25 generation, its client on the 2026-07-28 tasks extension (which it
// follows by polling only: it never sends subscriptions/listen).
import { Client, StreamableHTTPClientTransport, type Transport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import {
  createTaskSessionFromClient,
  type RawClientDispatch,
  resultFromTaskOutcome,
  type TaskEnabledSession,
  type ToolDeclaration,
  toolDeclarationFromMcpTool,
} from '@modelcontextprotocol/ext-tasks/client';
import { ResponseTap } from '@toolwright/core/internal';
import type { MCPServerSource } from '@toolwright/mcp-toolset';
import {
  startHttpTasksExtensionFixture,
  startInMemoryTasksExtensionFixture,
  TASKS_EXTENSION,
  type TasksExtensionFixtureOptions,
  tasksExtensionStdioFixture,
} from '@toolwright/testing';
import type { Closers, TransportName } from './connections.ts';
import { firstText, type RawToolResult } from './raw-tasks.ts';

/** A tool call through ext-tasks, to its result: the task's id, its text, and the last task status seen. */
export interface PeerOutcome {
  readonly taskId: string;
  readonly text: string | undefined;
  /** The server's `lastUpdatedAt` of the terminal task, as ext-tasks last saw it. */
  readonly lastUpdatedAt: string | undefined;
}

/** A task session of ext-tasks on a connected client, closed with the closers. */
export interface Peer {
  call(name: string, args: Record<string, string>): Promise<PeerOutcome>;
}

function peerOn(session: TaskEnabledSession, declarations: ReadonlyMap<string, ToolDeclaration>): Peer {
  return {
    async call(name, args) {
      const declaration = declarations.get(name);
      const execution = await session.callTool(name, args, declaration === undefined ? {} : { declaration });
      if (execution.kind !== 'task') throw new Error(`ext-tasks ran ${name} inline, not as a task`);
      const { outcome } = await execution.settle();
      const result = resultFromTaskOutcome(outcome) as RawToolResult;
      return { taskId: execution.handle.taskId, text: firstText(result), lastUpdatedAt: outcome.task?.lastUpdatedAt };
    },
  };
}

/**
 * ext-tasks' v1 driver on a connected SDK v2 client of a 2025-11-25 server. The client's tools/list
 * gives each call its declaration, which is how ext-tasks learns that a tool takes a task.
 */
export async function extTasks2025(client: Client, closers: Closers): Promise<Peer> {
  const { tools } = await client.listTools();
  const session = createTaskSessionFromClient(client, { endpointId: 'bench-ext-tasks-2025' });
  closers.push(() => session.close());
  return peerOn(session, new Map(tools.map((tool) => [tool.name, toolDeclarationFromMcpTool(tool)])));
}

const PROTOCOL_2026 = '2026-07-28';
const CLIENT_INFO = { name: 'bench-ext-tasks', version: '1.0.0' };
const CAPABILITIES_2026 = { extensions: { [TASKS_EXTENSION]: {} } };

/**
 * The host's raw request path ext-tasks needs on a 2026 server (the SDK v2 client's decoder refuses
 * task results): the request goes out on the transport under a fresh id, and its answer is taken
 * out of the transport's messages before the client sees them.
 */
function rawDispatcher(transport: Transport): RawClientDispatch {
  const tap = new ResponseTap(transport, 'ext-tasks');
  return (request) => tap.request(request as { method: string; params?: unknown }) as ReturnType<RawClientDispatch>;
}

/** How a 2026 fixture server treats `subscriptions/listen` for task ids. */
export type Listen = 'pushes' | 'silent';

/** A 2026-07-28 fixture server, as a Toolwright toolset and an SDK v2 client each take it. */
export interface Fixture2026 {
  /** A fresh client transport to the server. */
  transport(): Transport;
  /** The source an MCPToolset takes. */
  readonly source: MCPServerSource;
}

/**
 * Starts a 2026 fixture over `transport`. `pushes`: the fixture's own subscriptions/listen, which
 * sends `notifications/tasks` for the task ids named; `silent` (in-memory only): the SDK v2
 * server's built-in subscriptions/listen answers instead, which ignores task ids and pushes nothing.
 */
export async function start2026(
  transport: TransportName,
  options: TasksExtensionFixtureOptions,
  listen: Listen,
  closers: Closers,
): Promise<Fixture2026> {
  if (transport === 'in-memory') {
    const fixture = await startInMemoryTasksExtensionFixture(options);
    closers.push(() => fixture.close());
    const fetch =
      listen === 'pushes'
        ? fixture.fetch
        : async (url: string | URL, init?: RequestInit) => {
            const request = new Request(url, init);
            const body = request.method === 'POST' ? await request.clone().text() : '';
            return body.includes('"subscriptions/listen"')
              ? fixture.server.handler.fetch(request)
              : fixture.fetch(url, init);
          };
    const transport = () => new StreamableHTTPClientTransport(fixture.url, { fetch });
    return { transport, source: transport() };
  }
  if (listen === 'silent') throw new Error('a 2026 server without task notifications is set up in memory only');
  if (transport === 'http') {
    const fixture = await startHttpTasksExtensionFixture(options);
    closers.push(() => fixture.close());
    return { transport: () => new StreamableHTTPClientTransport(fixture.url), source: fixture.url };
  }
  const fixture = tasksExtensionStdioFixture(options);
  closers.push(() => fixture.close());
  const server = { command: fixture.command, args: fixture.args, stderr: 'ignore' as const };
  return { transport: () => new StdioClientTransport(server), source: server };
}

/** ext-tasks' client on a 2026 fixture server, over an SDK v2 client pinned to 2026-07-28 that declares the extension. */
export async function extTasks2026(fixture: Fixture2026, closers: Closers): Promise<Peer> {
  const client = new Client(CLIENT_INFO, {
    capabilities: CAPABILITIES_2026,
    versionNegotiation: { mode: { pin: PROTOCOL_2026 } },
  });
  const transport = fixture.transport();
  await client.connect(transport);
  closers.push(() => client.close());
  const session = createTaskSessionFromClient(client, {
    endpointId: 'bench-ext-tasks-2026',
    rawDispatch: rawDispatcher(transport),
    v2RequestFraming: {
      protocolVersion: PROTOCOL_2026,
      clientInfo: CLIENT_INFO,
      clientCapabilities: CAPABILITIES_2026,
    },
  });
  closers.push(() => session.close());
  return peerOn(session, new Map());
}
