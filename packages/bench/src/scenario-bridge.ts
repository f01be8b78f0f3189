import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, StreamableHTTPClientTransport, type Transport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { type FixtureInspector, startHttpFixture, stdioFixture } from '@toolwright/testing';
import { type Closers, disposer, type TransportName, transportsOf } from './connections.ts';
import { type CaseResult, pairedCase, roundsCase, wall } from './report.ts';
import { type Contestant, type Round, type RunnerSettings, repeat, runAlternating } from './runner.ts';
import { median, wallClockMs } from './stats.ts';

const plainScenario = '9. plain call through the bridge';
const progressScenario = '9. task status change → the host’s progress notification, through the bridge';

/** The bridge's bin, from source (the bench runs with the source condition), with `nodeFlags` for its node (a CPU profile). */
export function bridgeCommand(
  args: readonly string[],
  nodeFlags: readonly string[] = [],
): { command: string; args: string[] } {
  const packageJson = createRequire(import.meta.url).resolve('@toolwright/bridge/package.json');
  const bin = join(dirname(packageJson), 'src', 'bin.ts');
  return {
    command: process.execPath,
    args: ['--conditions=@toolwright/source', '--disable-warning=ExperimentalWarning', ...nodeFlags, bin, ...args],
  };
}

/** Starts the bridge's bin on HTTP with `args`; its URL and its closer go on `closers`. */
export async function httpBridge(
  args: readonly string[],
  closers: Closers,
  nodeFlags: readonly string[] = [],
): Promise<URL> {
  const { command, args: argv } = bridgeCommand(['--http', ...args], nodeFlags);
  const child: ChildProcess = spawn(command, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  closers.push(async () => {
    if (child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  });
  return new Promise<URL>((resolve, reject) => {
    let stdout = '';
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.includes('\n')) resolve(new URL(stdout.split('\n')[0] as string));
    });
    child.once('exit', (code) => reject(new Error(`the bridge exited (${code}) before printing its URL`)));
  });
}

/** A host (SDK v2 client) connected over `transport`; its closer goes on `closers`. */
async function host(transport: Transport, closers: Closers): Promise<Client> {
  const client = new Client({ name: 'bench-host', version: '1.0.0' });
  await client.connect(transport);
  closers.push(() => client.close());
  return client;
}

/**
 * The direct host and the bridged one over `transport`, each with a fixture server of its own: over
 * stdio the bridge runs its upstream as a child; over HTTP both reach an HTTP fixture in this process.
 */
async function hosts(
  transport: Exclude<TransportName, 'in-memory'>,
  closers: Closers,
  record: boolean,
): Promise<{ direct: Client; bridged: Client; piped?: Client; proxied?: Client; inspector: FixtureInspector }> {
  const options = { record, taskDelayMs: 20 };
  if (transport === 'stdio') {
    const direct = stdioFixture(options);
    const behind = stdioFixture(options);
    const piped = stdioFixture(options);
    const proxiedFixture = stdioFixture(options);
    closers.push(
      () => direct.close(),
      () => behind.close(),
      () => piped.close(),
      () => proxiedFixture.close(),
    );
    const pipe = fileURLToPath(new URL('./pipe-process.ts', import.meta.url));
    const proxy = fileURLToPath(new URL('./sdk-proxy-process.ts', import.meta.url));
    return {
      direct: await host(
        new StdioClientTransport({ command: direct.command, args: direct.args, stderr: 'ignore' }),
        closers,
      ),
      bridged: await host(new StdioClientTransport(bridgeCommand(['--', behind.command, ...behind.args])), closers),
      piped: await host(
        new StdioClientTransport({
          command: process.execPath,
          args: [pipe, piped.command, ...piped.args],
          stderr: 'ignore',
        }),
        closers,
      ),
      proxied: await host(
        new StdioClientTransport({
          command: process.execPath,
          args: ['--conditions=@toolwright/source', proxy, proxiedFixture.command, ...proxiedFixture.args],
          stderr: 'ignore',
        }),
        closers,
      ),
      inspector: behind.inspector,
    };
  }
  const direct = await startHttpFixture(options);
  const behind = await startHttpFixture(options);
  closers.push(
    () => direct.close(),
    () => behind.close(),
  );
  const url = await httpBridge(['--url', behind.url.href], closers);
  return {
    direct: await host(new StreamableHTTPClientTransport(direct.url), closers),
    bridged: await host(new StreamableHTTPClientTransport(url), closers),
    inspector: behind.inspector,
  };
}

/**
 * Scenario 9 (the bridge, `@toolwright/bridge`): a plain call through the bridge (its bin, a
 * process of its own between the host and the server, as a host runs it) against the same call
 * made directly, sequentially, over stdio and HTTP (target ≤ 1.10×); and over stdio, the delay from
 * an upstream task's status change to the host's progress notification (target ≤ 10 ms).
 */
export async function bridgeCalls(settings: RunnerSettings): Promise<CaseResult[]> {
  const cases: CaseResult[] = [];
  for (const transport of transportsOf(settings)) {
    if (transport === 'in-memory') continue;
    const closers: Closers = [];
    await using _closers = { [Symbol.asyncDispose]: disposer(closers) };
    const { direct, bridged, piped, proxied } = await hosts(transport, closers, false);
    const echo = (client: Client) => () => client.callTool({ name: 'echo', arguments: { text: 'x' } });
    const contestant = (name: string, call: () => Promise<unknown>): Contestant => ({
      name,
      run: (calls) => repeat(calls, call),
    });
    const contestants = [contestant('bridged', echo(bridged)), contestant('direct', echo(direct))];
    if (piped && proxied) contestants.push(contestant('piped', echo(piped)), contestant('sdk proxy', echo(proxied)));
    const { rounds } = await runAlternating(contestants, settings);
    const [through = [], straight = [], pipedRounds = [], proxiedRounds = []] = rounds;
    if (piped && proxied)
      cases.push(
        pairedCase(
          {
            scenario: plainScenario,
            case: `${transport}, sequential echo, wall: a process that only passes the bytes on (the floor of one more process)`,
            baselineName: 'the same host calling the server directly',
            note: 'no target: the least any process between host and server costs',
          },
          pipedRounds,
          straight,
          wall,
          settings,
        ),
        pairedCase(
          {
            scenario: plainScenario,
            case: `${transport}, sequential echo, wall: the bridge against that pass-through process`,
            baselineName: 'a process that only passes the bytes on',
            note: 'no target: what the bridge’s own MCP work adds to the extra process',
          },
          through,
          pipedRounds,
          wall,
          settings,
        ),
        pairedCase(
          {
            scenario: plainScenario,
            case: `${transport}, sequential echo, wall: a bare MCP SDK v2 server and client in the process between (the floor of one more process that keeps the SDK)`,
            baselineName: 'the same host calling the server directly',
            note: 'no target: an SDK server whose tools/call is sent on through an SDK client, nothing else',
          },
          proxiedRounds,
          straight,
          wall,
          settings,
        ),
        pairedCase(
          {
            scenario: plainScenario,
            case: `${transport}, sequential echo, wall: the bridge against that bare SDK proxy`,
            baselineName: 'a bare MCP SDK v2 server and client',
            note: 'no target: what the bridge’s own work (the toolset, its call handling) adds to the SDK’s',
          },
          through,
          proxiedRounds,
          wall,
          settings,
        ),
      );
    cases.push(
      pairedCase(
        {
          scenario: plainScenario,
          case: `${transport}, sequential echo, wall`,
          baselineName: 'the same host calling the server directly',
          target: 1.1,
          note: 'one more process between host and server: the bridge, with its own upstream connection',
        },
        through,
        straight,
        wall,
        settings,
      ),
    );
  }
  if (transportsOf(settings).includes('stdio')) cases.push(await statusToProgress(settings));
  return cases;
}

/** A host calls a task tool through the bridge; each call's figure: its upstream completion's stamp to the host's last progress notification. */
async function statusToProgress(settings: RunnerSettings): Promise<CaseResult> {
  const closers: Closers = [];
  await using _closers = { [Symbol.asyncDispose]: disposer(closers) };
  const { bridged, inspector } = await hosts('stdio', closers, true);
  const delays: Contestant = {
    name: 'bridged',
    async run(calls) {
      const measured: number[] = [];
      for (let index = 0; index < calls; index++) {
        let lastProgressAt = Number.NaN;
        await bridged.callTool(
          { name: 'slow_task', arguments: { delayMs: 20, value: 'x' } },
          { onprogress: () => (lastProgressAt = wallClockMs()) },
        );
        const task = (await inspector.tasks()).at(-1);
        if (task?.completedAt === undefined) throw new Error('the fixture did not record when its task completed');
        measured.push(lastProgressAt - task.completedAt);
      }
      return { delayMs: median(measured) };
    },
  };
  const { rounds } = await runAlternating([delays], settings, { maxCallsPerRound: settings.quick ? 2 : 40 });
  const delay = (round: Round) => round.metrics.delayMs ?? Number.NaN;
  return roundsCase(
    {
      scenario: progressScenario,
      case: 'stdio, slow_task (2025-11-25) completed → notifications/progress at the host',
      unit: 'ms',
      target: 10,
      note: 'from the server’s completion stamp to the host holding the notification, across three processes',
    },
    rounds[0] ?? [],
    delay,
    settings,
  );
}
