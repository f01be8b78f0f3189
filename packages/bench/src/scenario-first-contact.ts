import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { createRunContext } from '@toolwright/core';
import { MCPToolset } from '@toolwright/mcp-toolset';
import {
  type FixtureStart,
  startHttpFixture,
  startHttpTasksExtensionFixture,
  stdioFixture,
  TOOLS,
  tasksExtensionStdioFixture,
  tasksExtensionTools,
} from '@toolwright/testing';
import { type TransportName, transportsOf } from './connections.ts';
import { type CaseResult, pairedCase } from './report.ts';
import { type Contestant, type Round, type RunnerSettings, runAlternating } from './runner.ts';

const scenario = '10. first contact (a fresh server each trial)';

/** The protocol generations a server of this scenario speaks. */
export type Generation = '2025-11-25' | '2026-07-28';
const GENERATIONS: readonly Generation[] = ['2025-11-25', '2026-07-28'];

/** The 2025 server of the issue: 66 tools in 10 pages (the fixture's own tools, and generated ones up to 66). */
const TOOLS_2025 = 66;
const PAGED_2025 = { generatedTools: TOOLS_2025 - TOOLS.length, pageSize: 7 } as const;
/** How many tools each generation's server lists (the 2026 fixture: its own tools, no misbehaving ones). */
const TOOL_COUNT: Readonly<Record<Generation, number>> = {
  '2025-11-25': TOOLS_2025,
  '2026-07-28': tasksExtensionTools(false).length,
};

/** A fresh server for one trial: what each side connects to, and what it logged. */
export interface TrialServer {
  /** A source for MCPToolset. */
  readonly toolwright: string | URL | { command: string; args: string[]; stderr: 'ignore' };
  /** A new transport for the raw SDK client (stdio: it starts the server). */
  readonly transport: () => StdioClientTransport | StreamableHTTPClientTransport;
  /** The processes started for it (stdio only: an HTTP server runs in this process). */
  readonly starts: () => Promise<readonly FixtureStart[]>;
  close(): Promise<void>;
}

/** A server for one trial, started afresh (over stdio: the command the client starts). */
export async function freshServer(transport: TransportName, generation: Generation): Promise<TrialServer> {
  if (transport === 'http') {
    const fixture =
      generation === '2025-11-25' ? await startHttpFixture(PAGED_2025) : await startHttpTasksExtensionFixture();
    return {
      toolwright: fixture.url,
      transport: () => new StreamableHTTPClientTransport(fixture.url),
      starts: async () => [],
      close: () => fixture.close(),
    };
  }
  const fixture = generation === '2025-11-25' ? stdioFixture(PAGED_2025) : tasksExtensionStdioFixture();
  const server = { command: fixture.command, args: fixture.args, stderr: 'ignore' as const };
  return {
    toolwright: server,
    transport: () => new StdioClientTransport(server),
    starts: () => fixture.starts(),
    close: () => fixture.close(),
  };
}

/** One trial's milestones, from constructing the client: connected, every tool definition held, the first call's result held. */
export interface Trial {
  readonly connectedMs: number;
  readonly toolsMs: number;
  readonly resultMs: number;
  readonly cpuMs: number;
}

/** Times one first contact: `connect` builds and connects the client, `list` lists every tool, `call` calls echo. */
async function timeContact<Tools>(
  generation: Generation,
  steps: {
    readonly connect: () => Promise<void>;
    readonly list: () => Promise<Tools[]>;
    readonly call: (tools: Tools[]) => Promise<unknown>;
  },
): Promise<Trial> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await steps.connect();
  const connected = performance.now();
  const tools = await steps.list();
  const listed = performance.now();
  const result = await steps.call(tools);
  const answered = performance.now();
  const cpu = process.cpuUsage(cpuBefore);
  if (tools.length !== TOOL_COUNT[generation])
    throw new Error(`a ${generation} server listed ${tools.length} tools, not ${TOOL_COUNT[generation]}`);
  if (!JSON.stringify(result).includes('first contact'))
    throw new Error(`echo answered ${JSON.stringify(result).slice(0, 200)}`);
  return {
    connectedMs: connected - started,
    toolsMs: listed - started,
    resultMs: answered - started,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

/** Toolwright: construct the toolset (default options: the version is negotiated), open, getTools, callTool. */
export function toolwrightContact(server: TrialServer, generation: Generation): Promise<Trial> {
  let toolset: MCPToolset | undefined;
  return timeContact(generation, {
    connect: async () => {
      toolset = new MCPToolset(server.toolwright, { id: 'first-contact' });
      await toolset.open();
    },
    list: async () => [...(await (toolset as MCPToolset).getTools())],
    call: async (tools) => {
      const echo = tools.find((tool) => tool.name === 'echo');
      if (!echo) throw new Error('the server lists no echo tool');
      return (toolset as MCPToolset).callTool('echo', { text: 'first contact' }, createRunContext(), echo);
    },
  }).finally(() => toolset?.close());
}

/**
 * The raw SDK v2 client as its documentation shows it, configured as cheaply as it can reach the
 * server (it is told the generation, which the toolset has to find out): the default connect (the
 * 2025 handshake) for a 2025 server; automatic negotiation for a 2026 one, which the default cannot
 * reach. Then listTools (every page) and callTool.
 */
export function rawContact(server: TrialServer, generation: Generation): Promise<Trial> {
  let client: Client | undefined;
  return timeContact(generation, {
    connect: async () => {
      client = new Client(
        { name: 'bench-raw-sdk', version: '1.0.0' },
        generation === '2026-07-28' ? { versionNegotiation: { mode: 'auto' } } : {},
      );
      await client.connect(server.transport());
    },
    list: async () => (await (client as Client).listTools()).tools,
    call: () => (client as Client).callTool({ name: 'echo', arguments: { text: 'first contact' } }),
  }).finally(() => client?.close());
}

/** A contestant whose round is `calls` first contacts, each with a fresh server; it reports the sums of the milestones. */
function contestant(
  name: string,
  transport: TransportName,
  generation: Generation,
  contact: (server: TrialServer, generation: Generation) => Promise<Trial>,
): Contestant {
  return {
    name,
    async run(calls) {
      let toolsMs = 0;
      let resultMs = 0;
      let cpuMs = 0;
      let starts = 0;
      for (let index = 0; index < calls; index++) {
        const server = await freshServer(transport, generation);
        try {
          const trial = await contact(server, generation);
          toolsMs += trial.toolsMs;
          resultMs += trial.resultMs;
          cpuMs += trial.cpuMs;
          starts += (await server.starts()).length;
        } finally {
          await server.close();
        }
      }
      return { toolsMs, resultMs, cpuMs, starts };
    },
  };
}

const metric = (name: string) => (round: Round) => round.metrics[name] ?? Number.NaN;

/**
 * Scenario 10: from constructing the client to holding every tool definition, and to the first
 * plain call's result, each trial against a server started afresh (over stdio the client starts
 * it), Toolwright with its defaults against the raw SDK v2 client; over stdio and Streamable HTTP,
 * for both generations.
 */
export async function firstContact(settings: RunnerSettings): Promise<CaseResult[]> {
  const cases: CaseResult[] = [];
  for (const transport of transportsOf(settings)) {
    if (transport === 'in-memory') continue;
    for (const generation of GENERATIONS) {
      const { rounds } = await runAlternating(
        [
          contestant('toolwright', transport, generation, toolwrightContact),
          contestant('sdk', transport, generation, rawContact),
        ],
        settings,
        // A smoke test needs one trial of each: over stdio a trial starts a process or two.
        settings.quick ? { callsPerRound: 1, rounds: 1 } : {},
      );
      const [toolwright = [], sdk = []] = rounds;
      const label = `${transport}, ${generation} (${TOOL_COUNT[generation]} tools${generation === '2025-11-25' ? ` in ${Math.ceil(TOOLS_2025 / PAGED_2025.pageSize)} pages` : ''})`;
      const perTrial = (side: readonly Round[]) =>
        side.reduce((sum, round) => sum + (round.metrics.starts ?? 0), 0) /
        side.reduce((sum, round) => sum + round.calls, 0);
      const starts =
        transport === 'stdio'
          ? `server processes started per trial: ${perTrial(toolwright)} vs ${perTrial(sdk)}`
          : undefined;
      const cpuOf = transport === 'stdio' ? 'client process only' : 'client and in-process server';
      const noted = (...notes: (string | undefined)[]) => {
        const note = notes.filter((part) => part !== undefined).join('; ');
        return note === '' ? {} : { note };
      };
      const common = { scenario, target: 1.05, perCallUnit: 'ms' as const };
      const baseline = generation === '2025-11-25' ? 'SDK v2, default connect' : "SDK v2, mode 'auto'";
      cases.push(
        pairedCase(
          {
            ...common,
            ...noted(starts),
            case: `${label}: every tool definition, wall`,
            baselineName: `${baseline}, listTools`,
          },
          toolwright,
          sdk,
          metric('toolsMs'),
          settings,
        ),
        pairedCase(
          {
            ...common,
            ...noted(starts),
            case: `${label}: first call's result, wall`,
            baselineName: `${baseline}, then callTool`,
          },
          toolwright,
          sdk,
          metric('resultMs'),
          settings,
        ),
        pairedCase(
          {
            ...common,
            ...noted(starts, cpuOf),
            case: `${label}: first call's result, process CPU`,
            baselineName: `${baseline}, then callTool`,
          },
          toolwright,
          sdk,
          metric('cpuMs'),
          settings,
        ),
      );
    }
  }
  return cases;
}
