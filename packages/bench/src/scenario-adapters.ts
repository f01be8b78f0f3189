import { createRunContext } from '@toolwright/core';
import { MCPToolset } from '@toolwright/mcp-toolset';
import { type FixtureOptions, startHttpTasksExtensionFixture } from '@toolwright/testing';
import {
  aiSdk,
  type Endpoint,
  type Framework,
  langChain,
  mastra,
  openAIAgents,
  toolNamed,
} from './adapter-frameworks.ts';
import {
  type Closers,
  connectToolset,
  disposer,
  fixtureSource,
  type TransportName,
  transportsOf,
} from './connections.ts';
import { type CaseResult, cpu, pairedCase, roundsCase, wall } from './report.ts';
import { type Contestant, type RunnerSettings, repeat, runAlternating } from './runner.ts';

const scenario = '8. framework adapters vs the framework’s own MCP client';

/** The suggested poll interval of the anchor's servers: a client that polled would show it. */
const POLL_INTERVAL_MS = 1_000;

/** Where the framework's client reaches a 2025-11-25 fixture over `transport` (stdio or HTTP), and its inspector. */
export async function endpointOf(transport: TransportName, options: FixtureOptions, closers: Closers) {
  const source = await fixtureSource(transport, options, closers);
  const target = source.toolwright;
  const endpoint: Endpoint | undefined =
    target instanceof URL
      ? { kind: 'http', url: target }
      : 'command' in target
        ? { kind: 'stdio', command: target.command, args: target.args }
        : undefined;
  if (endpoint === undefined) throw new Error(`the frameworks' MCP clients have no ${transport} transport`);
  return { endpoint, inspector: source.inspector };
}

/**
 * Scenario 8: one plain call (`echo`) through each Toolwright framework adapter against the same
 * call through the framework's own MCP client, each on its own fixture server of the same kind,
 * invoked the way the framework's agent loop invokes a tool (no model). Target ≤ 1.03×, wall and
 * CPU, over stdio and HTTP (the frameworks' clients have no in-memory transport). Then the anchor:
 * a `required` task tool, which the framework's own client cannot call (how it fails is recorded)
 * and the adapter can, on both generations.
 */
export async function adapters(settings: RunnerSettings): Promise<CaseResult[]> {
  return [
    ...(await frameworkCases(aiSdk, settings)),
    ...(await frameworkCases(mastra, settings)),
    ...(await frameworkCases(langChain, settings)),
    ...(await frameworkCases(openAIAgents, settings)),
  ];
}

/** The cases of one framework: plain calls and the 2025 anchor over each transport, the 2026 anchor over HTTP. */
async function frameworkCases<Tool>(framework: Framework<Tool>, settings: RunnerSettings): Promise<CaseResult[]> {
  const cases: CaseResult[] = [];
  for (const transport of transportsOf(settings).filter((each) => each !== 'in-memory')) {
    cases.push(...(await plainCalls(framework, transport, settings)));
    cases.push(await anchor2025(framework, transport, settings));
  }
  if (transportsOf(settings).includes('http')) cases.push(await anchor2026(framework, settings));
  return cases;
}

async function plainCalls<Tool>(
  framework: Framework<Tool>,
  transport: TransportName,
  settings: RunnerSettings,
): Promise<CaseResult[]> {
  const closers: Closers = [];
  try {
    await using connection = await connectToolset(transport, {});
    const ours = toolNamed(framework, await framework.adapterTools(connection.toolset, createRunContext()), 'echo');
    const { endpoint } = await endpointOf(transport, {}, closers);
    const theirs = toolNamed(framework, await framework.clientTools(endpoint, closers), 'echo');
    const args = { text: 'x' };
    const contestant = (name: string, tool: Tool): Contestant => ({
      name,
      run: (calls) => repeat(calls, () => framework.invoke(tool, args)),
    });
    const { rounds } = await runAlternating(
      [contestant('toolwright', ours), contestant('framework', theirs)],
      settings,
    );
    const [toolwright = [], baseline = []] = rounds;
    const label = `${framework.name}, ${transport}, sequential echo`;
    const common = { scenario, baselineName: framework.client, target: 1.03 };
    const cpuNote = transport === 'stdio' ? 'client process only' : 'client and in-process server';
    return [
      pairedCase({ ...common, case: `${label}, wall` }, toolwright, baseline, wall, settings),
      pairedCase({ ...common, case: `${label}, process CPU`, note: cpuNote }, toolwright, baseline, cpu, settings),
    ];
  } finally {
    await disposer(closers)();
  }
}

/** Rounds of `slow_task` calls through the adapter: time per call, from the call to its result. */
async function taskRounds<Tool>(framework: Framework<Tool>, tool: Tool, settings: RunnerSettings) {
  const contestant: Contestant = {
    name: 'toolwright',
    run: (calls) => repeat(calls, () => framework.invoke(tool, { value: 'tides', delayMs: 10 })),
  };
  const { rounds } = await runAlternating([contestant], settings);
  return rounds[0] ?? [];
}

/** The anchor on a 2025-11-25 server: `slow_task` (taskSupport `required`) through each side. */
async function anchor2025<Tool>(
  framework: Framework<Tool>,
  transport: TransportName,
  settings: RunnerSettings,
): Promise<CaseResult> {
  const options = { pollInterval: POLL_INTERVAL_MS };
  const closers: Closers = [];
  try {
    await using connection = await connectToolset(transport, options);
    const ours = toolNamed(
      framework,
      await framework.adapterTools(connection.toolset, createRunContext()),
      'slow_task',
    );
    const { endpoint, inspector } = await endpointOf(transport, options, closers);
    const theirs = toolNamed(framework, await framework.clientTools(endpoint, closers), 'slow_task');
    const failure = await framework.failureOf(theirs, { value: 'tides', delayMs: 10 });
    const reached = (await inspector.calls()).some((call) => call.tool === 'slow_task');
    return anchorCase(
      framework,
      `${transport}, 2025-11-25 server`,
      failure,
      reached ? 'the server got the call' : 'the call never reached the server',
      await taskRounds(framework, ours, settings),
      settings,
    );
  } finally {
    await disposer(closers)();
  }
}

/** The anchor on a 2026-07-28 server (the tasks extension) over HTTP. */
async function anchor2026<Tool>(framework: Framework<Tool>, settings: RunnerSettings): Promise<CaseResult> {
  const closers: Closers = [];
  try {
    const forToolset = await startHttpTasksExtensionFixture({ pollIntervalMs: POLL_INTERVAL_MS });
    closers.push(() => forToolset.close());
    const toolset = new MCPToolset(forToolset.url, { id: 'bench-2026' });
    closers.push(() => toolset.close());
    await toolset.open();
    const forClient = await startHttpTasksExtensionFixture({ pollIntervalMs: POLL_INTERVAL_MS });
    closers.push(() => forClient.close());
    const ours = toolNamed(framework, await framework.adapterTools(toolset, createRunContext()), 'slow_task');
    const theirs = toolNamed(
      framework,
      await framework.clientTools({ kind: 'http', url: forClient.url }, closers),
      'slow_task',
    );
    const failure = await framework.failureOf(theirs, { value: 'tides', delayMs: 10 });
    const answers = (await forClient.inspector.calls()).flatMap((call) =>
      call.tool === 'slow_task' ? [call.answer] : [],
    );
    return anchorCase(
      framework,
      'http, 2026-07-28 server',
      failure,
      answers.length === 0 ? 'the call never reached the server' : `the server answered: ${answers.join(', ')}`,
      await taskRounds(framework, ours, settings),
      settings,
    );
  } finally {
    await disposer(closers)();
  }
}

function anchorCase(
  framework: { readonly name: string; readonly client: string },
  where: string,
  failure: string | undefined,
  server: string,
  rounds: Awaited<ReturnType<typeof taskRounds>>,
  settings: RunnerSettings,
): CaseResult {
  const outcome = failure === undefined ? `completed (${server})` : `fails (${server}): ${failure}`;
  return roundsCase(
    {
      scenario,
      case: `anchor: ${framework.name}, ${where}, required task tool slow_task (10 ms), per call through the adapter`,
      unit: 'ms',
      baselineOutcome: { name: framework.client, outcome },
    },
    rounds,
    (round) => round.wallMs / round.calls,
    settings,
  );
}
