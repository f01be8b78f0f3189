// How the toolset agrees on a protocol version with its server: on the one connection it serves
// (one process per stdio server, the transport an app handed over), within timeouts.connectMs, for
// both generations over every transport; and a first listing on a 2026-07-28 server that sends
// only the requests it needs and waits on nothing but their answers.
import { createHook } from 'node:async_hooks';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { ConnectionLostError, ProtocolError } from '@toolwright/core';
import {
  type FixtureMessage,
  type FixtureOptions,
  type FixtureStart,
  startHttpFixture,
  startHttpTasksExtensionFixture,
  startInMemoryFixture,
  startInMemoryTasksExtensionFixture,
  stdioFixture,
  tasksExtensionStdioFixture,
} from '@toolwright/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { MCPToolset } from './mcp-toolset.ts';
import type { MCPServerSource, MCPToolsetOptions, StdioServer } from './options.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Generation = '2025-11-25' | '2026-07-28';

/** A fixture server of one generation over stdio: its command line, the toolset's source for it, and what its processes logged. */
interface StdioServerUnderTest {
  readonly command: string;
  readonly args: readonly string[];
  readonly source: StdioServer;
  starts(): Promise<FixtureStart[]>;
  received(): Promise<FixtureMessage[]>;
}

function stdioServer(generation: Generation, options: FixtureOptions = {}): StdioServerUnderTest {
  const fixture = generation === '2025-11-25' ? stdioFixture(options) : tasksExtensionStdioFixture();
  cleanups.push(() => fixture.close());
  return {
    command: fixture.command,
    args: fixture.args,
    source: stdioSource(fixture),
    starts: () => fixture.starts(),
    received: () => fixture.inspector.received(),
  };
}

/** The toolset's source for a stdio fixture's command line (its stderr ignored), with more of the source's options. */
function stdioSource(
  fixture: { command: string; args: readonly string[] },
  more: Partial<StdioServer> = {},
): StdioServer {
  return { command: fixture.command, args: fixture.args, stderr: 'ignore', ...more };
}

/** Opens a toolset on `source` (closed after the test). */
async function open(source: MCPServerSource, options: MCPToolsetOptions = {}): Promise<MCPToolset> {
  const toolset = new MCPToolset(source, { id: 'negotiation', ...options });
  cleanups.push(async () => {
    if (toolset.isOpen) await toolset.close();
  });
  await toolset.open();
  return toolset;
}

/** What a first listing sends after the handshake, by generation (the 2025 fixture lists every tool on one page). */
const HANDSHAKE: Readonly<Record<Generation, readonly string[]>> = {
  '2025-11-25': ['server/discover', 'initialize', 'notifications/initialized'],
  '2026-07-28': ['server/discover'],
};

describe('version negotiation over stdio: one process per server', () => {
  it.each([
    ['2025-11-25', 'auto'],
    ['2026-07-28', 'auto'],
    ['2026-07-28', '2026-07-28'],
  ] as const)(
    'a %s server with protocolVersion %s starts once, and negotiates on that process',
    async (generation, protocolVersion) => {
      const server = stdioServer(generation);
      const toolset = await open(server.source, { protocolVersion });
      expect(toolset.protocolVersion).toBe(generation);
      expect((await toolset.getTools()).map((tool) => tool.name)).toContain('echo');
      expect(await server.starts()).toHaveLength(1);
      // The probe went to the process that serves the session, before anything else.
      expect((await server.received()).map((message) => message.method)).toEqual([
        ...HANDSHAKE[generation],
        'tools/list',
      ]);
    },
  );

  it('pinned to 2025-11-25, starts once and sends the 2025 handshake only', async () => {
    const server = stdioServer('2025-11-25');
    const toolset = await open(server.source, { protocolVersion: '2025-11-25' });
    await toolset.getTools();
    expect(await server.starts()).toHaveLength(1);
    expect((await server.received()).map((message) => message.method)).toEqual([
      'initialize',
      'notifications/initialized',
      'tools/list',
    ]);
  });

  it.each(['2025-11-25', '2026-07-28'] as const)(
    'negotiates on a StdioClientTransport the app hands over (a %s server): no process of its own',
    async (generation) => {
      const server = stdioServer(generation);
      const transport = new StdioClientTransport({ command: server.command, args: [...server.args], stderr: 'ignore' });
      const toolset = await open(transport);
      expect(toolset.protocolVersion).toBe(generation);
      await toolset.getTools();
      expect((await server.starts()).map((start) => start.pid)).toEqual([transport.pid]);
      expect((await server.received())[0]?.method).toBe('server/discover');
    },
  );

  it('falls back to the 2025 handshake when a server never answers the probe, within timeouts.connectMs', async () => {
    const server = stdioServer('2025-11-25', { unansweredMethods: ['server/discover'] });
    const toolset = await open(server.source, { timeouts: { connectMs: 4_000 } });
    expect(toolset.protocolVersion).toBe('2025-11-25');
    await toolset.getTools();
    expect(await server.starts()).toHaveLength(1);
    expect((await server.received()).map((message) => message.method)).toEqual([
      'server/discover',
      'initialize',
      'notifications/initialized',
      'tools/list',
    ]);
  });

  it('starts a server that exits on the probe once more for the 2025 handshake, and remembers it for that command line', async () => {
    const server = stdioServer('2025-11-25', { exitBeforeInitialize: true });
    const source = server.source;
    const first = await open(source);
    expect(first.protocolVersion).toBe('2025-11-25');
    expect((await first.getTools()).map((tool) => tool.name)).toContain('echo');
    expect(await server.starts()).toHaveLength(2);
    await first.close();
    // The same configuration again: the server is known to speak 2025 only, so no probe, one process.
    const second = await open(source);
    expect(second.protocolVersion).toBe('2025-11-25');
    const starts = await server.starts();
    expect(starts).toHaveLength(3);
    const third = starts[2] as FixtureStart;
    // The server logs a message when it handles it: the notification sent last may still be on its way.
    await expect
      .poll(async () =>
        (await server.received()).filter((message) => message.at >= third.at).map((message) => message.method),
      )
      .toEqual(['initialize', 'notifications/initialized']);
  });

  it('says what to do when a handed-over stdio transport exits on the probe (it cannot be started again)', async () => {
    const server = stdioServer('2025-11-25', { exitBeforeInitialize: true });
    const transport = new StdioClientTransport({ command: server.command, args: [...server.args], stderr: 'ignore' });
    const toolset = new MCPToolset(transport, { id: 'exits' });
    const error = await toolset.open().catch((caught: unknown) => caught);
    expect(ConnectionLostError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/server\/discover/);
    expect((error as Error).message).toMatch(/protocolVersion: '2025-11-25'/);
    expect(await server.starts()).toHaveLength(1);
  });
});

describe('the stdio process negotiated on is prepared as a pinned one is', () => {
  // The toolset's stdio transport keeps maxMessageBytes per line without dropping the connection
  // (and queues its writes, in the same preparation): with 'auto' the probe goes to that process,
  // and a server started once more after it ended on the probe gets the same preparation.
  const LIMIT = 200_000;
  const OVER = 300_000;

  /** A line over the limit fails its request with a ProtocolError naming the limit and the option; the connection stays. */
  async function expectLimitKept(toolset: MCPToolset, over: Promise<unknown>): Promise<void> {
    const error = await over.catch((caught: unknown) => caught);
    expect(ProtocolError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('maxMessageBytes');
    expect((error as Error).message).toContain(String(LIMIT));
    expect(await toolset.directCallTool('echo', { text: 'still here' })).toBe('still here');
  }

  it.each([
    ['a 2025-11-25 server', false, 1],
    ['a 2025-11-25 server that ends on the probe, started once more', true, 2],
  ] as const)(
    '%s',
    async (_name, exitBeforeInitialize, processes) => {
      await using fixture = stdioFixture({ misbehaving: true, exitBeforeInitialize });
      const toolset = await open(stdioSource(fixture, { maxMessageBytes: LIMIT }));
      expect(toolset.protocolVersion).toBe('2025-11-25');
      expect(await fixture.starts()).toHaveLength(processes);
      await expectLimitKept(toolset, toolset.directCallTool('large_result', { bytes: OVER }));
    },
    30_000,
  );

  it('a 2026-07-28 server', async () => {
    await using fixture = tasksExtensionStdioFixture({ misbehaving: true, pollIntervalMs: 50 });
    const toolset = await open(stdioSource(fixture, { maxMessageBytes: LIMIT }));
    expect(toolset.protocolVersion).toBe('2026-07-28');
    expect(await fixture.starts()).toHaveLength(1);
    const handle = await toolset.startTask('huge_status_task', { bytes: OVER, durationMs: 10_000 });
    await expectLimitKept(toolset, handle.result());
  }, 30_000);
});

describe('a child that never speaks MCP', () => {
  const CONNECT_MS = 3_000;
  /** Slack for starting and ending the child on a busy machine; the old automatic negotiation took twice connectMs. */
  const SLACK_MS = 2_500;

  it.each(['auto', '2025-11-25', '2026-07-28'] as const)(
    'fails with a ConnectionLostError within connectMs plus slack, started once (protocolVersion %s)',
    async (protocolVersion) => {
      const folder = mkdtempSync(join(tmpdir(), 'toolwright-silent-'));
      cleanups.push(async () => rmSync(folder, { recursive: true, force: true }));
      const pids = join(folder, 'pids');
      // Reads its input, writes nothing, and ends when its input ends, as a program that is no MCP server might.
      const script = "require('node:fs').appendFileSync(process.argv[1], process.pid + '\\n'); process.stdin.resume();";
      const toolset = new MCPToolset(
        { command: process.execPath, args: ['-e', script, pids], stderr: 'ignore' },
        { id: 'silent', protocolVersion, timeouts: { connectMs: CONNECT_MS } },
      );
      const started = performance.now();
      const error = await toolset.open().catch((caught: unknown) => caught);
      const elapsed = performance.now() - started;
      expect(ConnectionLostError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(/timeouts\.connectMs/);
      // A bound, not a speed measurement: what is promised is connectMs, whatever the version.
      expect(elapsed).toBeLessThan(CONNECT_MS + SLACK_MS);
      expect(readFileSync(pids, 'utf8').trim().split('\n')).toHaveLength(1);
    },
    20_000,
  );

  it.each(['auto', '2025-11-25', '2026-07-28'] as const)(
    'nor an HTTP server that never answers: within connectMs plus slack (protocolVersion %s)',
    async (protocolVersion) => {
      const fixture = await startHttpFixture();
      cleanups.push(() => fixture.close());
      fixture.hang();
      const toolset = new MCPToolset(fixture.url, {
        id: 'silent',
        protocolVersion,
        timeouts: { connectMs: CONNECT_MS },
      });
      const started = performance.now();
      const error = await toolset.open().catch((caught: unknown) => caught);
      expect(ConnectionLostError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(/timeouts\.connectMs/);
      expect(performance.now() - started).toBeLessThan(CONNECT_MS + SLACK_MS);
    },
    20_000,
  );
});

describe('both generations negotiated over every transport', () => {
  const sources: Record<Generation, Record<string, () => Promise<MCPServerSource>>> = {
    '2025-11-25': {
      'in-memory': async () => {
        const fixture = await startInMemoryFixture();
        cleanups.push(() => fixture.close());
        return fixture.clientTransport;
      },
      stdio: async () => {
        return stdioServer('2025-11-25').source;
      },
      http: async () => {
        const fixture = await startHttpFixture();
        cleanups.push(() => fixture.close());
        return fixture.url;
      },
    },
    '2026-07-28': {
      'in-memory': async () => {
        const fixture = await startInMemoryTasksExtensionFixture();
        cleanups.push(() => fixture.close());
        return new StreamableHTTPClientTransport(fixture.url, { fetch: fixture.fetch });
      },
      stdio: async () => {
        return stdioServer('2026-07-28').source;
      },
      http: async () => {
        const fixture = await startHttpTasksExtensionFixture();
        cleanups.push(() => fixture.close());
        return fixture.url;
      },
    },
  };
  const cases = (Object.keys(sources) as Generation[]).flatMap((generation) =>
    Object.keys(sources[generation]).map((transport) => [generation, transport] as const),
  );

  it.each(cases)('a %s server over %s', async (generation, transport) => {
    const source = await (sources[generation][transport] as () => Promise<MCPServerSource>)();
    const toolset = await open(source);
    expect(toolset.protocolVersion).toBe(generation);
    expect(await toolset.directCallTool('echo', { text: 'hi' })).toBeDefined();
  });
});

/**
 * Counts the timer callbacks that run while `work` runs, of timers armed since this began: a
 * listing that waited on a timer, rather than on its answers, shows here. Over stdio this process
 * holds the client alone (an in-process HTTP server arms timers of its own, such as its date cache).
 */
function timerCallbacks() {
  const timers = new Set<number>();
  let counting = false;
  let fired = 0;
  const hook = createHook({
    init(id, type) {
      if (type === 'Timeout') timers.add(id);
    },
    before(id) {
      if (counting && timers.has(id)) fired++;
    },
    destroy(id) {
      timers.delete(id);
    },
  }).enable();
  return {
    async during<T>(work: () => Promise<T>): Promise<{ result: T; fired: number }> {
      counting = true;
      try {
        return { result: await work(), fired };
      } finally {
        counting = false;
      }
    },
    stop: () => {
      hook.disable();
    },
  };
}

describe('the first listing on a 2026-07-28 server', () => {
  const servers: Record<string, () => Promise<{ source: MCPServerSource; received(): Promise<FixtureMessage[]> }>> = {
    'in-memory': async () => {
      const fixture = await startInMemoryTasksExtensionFixture();
      cleanups.push(() => fixture.close());
      return {
        source: new StreamableHTTPClientTransport(fixture.url, { fetch: fixture.fetch }),
        received: () => fixture.inspector.received(),
      };
    },
    stdio: async () => {
      const server = stdioServer('2026-07-28');
      return {
        source: server.source,
        received: async () => {
          // Every request reached one process: the one the handshake was made with.
          expect(await server.starts()).toHaveLength(1);
          return server.received();
        },
      };
    },
    http: async () => {
      const fixture = await startHttpTasksExtensionFixture();
      cleanups.push(() => fixture.close());
      return { source: fixture.url, received: () => fixture.inspector.received() };
    },
  };

  it.each(Object.keys(servers))('over %s sends only the probe, then tools/list alone', async (transport) => {
    const server = await (servers[transport] as () => ReturnType<(typeof servers)[string]>)();
    const toolset = await open(server.source);
    const afterOpen = (await server.received()).length;
    expect((await toolset.getTools()).map((tool) => tool.name)).toContain('echo');
    const received = (await server.received()).map((message) => message.method);
    expect(received.slice(afterOpen)).toEqual(['tools/list']);
    expect(received).toEqual(['server/discover', 'tools/list']);
  });

  it('over stdio waits on no timer: the listing is its answer away', async () => {
    const server = await (servers.stdio as () => ReturnType<(typeof servers)[string]>)();
    const timers = timerCallbacks();
    cleanups.push(async () => timers.stop());
    const toolset = await open(server.source);
    const { result: tools, fired } = await timers.during(() => toolset.getTools());
    expect(tools.map((tool) => tool.name)).toContain('echo');
    expect(fired).toBe(0);
    expect((await server.received()).map((message) => message.method)).toEqual(['server/discover', 'tools/list']);
  });
});
