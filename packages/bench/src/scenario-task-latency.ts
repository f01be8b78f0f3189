import { MCPToolset } from '@toolwright/mcp-toolset';
import type { FixtureInspector } from '@toolwright/testing';
import { type Closers, connectClient, connectPair, disposer, type TransportName, transportsOf } from './connections.ts';
import { extTasks2025, extTasks2026, type Listen, type Peer, start2026 } from './ext-tasks-peer.ts';
import { createRawTask, pollRawTask, rawTaskResult } from './raw-tasks.ts';
import { type CaseResult, roundsCase } from './report.ts';
import { type Contestant, type Round, type RunnerSettings, runAlternating } from './runner.ts';
import { median, wallClockMs } from './stats.ts';

/** One task, from start to result in hand: milliseconds from the server completing it to the caller holding its result. */
type Once = () => Promise<number>;

/** Runs tasks one after another; a round's figure is the median of their latencies. */
function contestant(name: string, once: Once): Contestant {
  return {
    name,
    async run(calls) {
      const latencies: number[] = [];
      for (let index = 0; index < calls; index++) latencies.push(await once());
      return { latencyMs: median(latencies) };
    },
  };
}

const latency = (round: Round) => round.metrics.latencyMs ?? Number.NaN;

/** The scenario's title and the run's settings. */
interface CaseSettings {
  readonly scenario: string;
  readonly settings: RunnerSettings;
}

/**
 * Scenario 1: from the moment the server completes a task to the moment the caller holds the
 * result, with the server suggesting a long poll interval; on both task generations, against the
 * raw SDK v2 client and against ext-tasks 0.2.2.
 */
export async function taskLatency(settings: RunnerSettings): Promise<CaseResult[]> {
  const cases: CaseResult[] = [];
  // The peers learn of completion by polling: a quick run shortens the interval so it stays quick.
  const pollInterval = settings.quick ? 50 : 1_000;
  const taskDelayMs = settings.quick ? 5 : 20;
  const scenario2025 = `1. task completed → result in hand, 2025-11-25 (pollInterval ${pollInterval} ms)`;
  for (const transport of transportsOf(settings))
    cases.push(...(await generation2025(transport, pollInterval, taskDelayMs, { scenario: scenario2025, settings })));
  const scenario2026 = `1. task completed → result in hand, 2026-07-28 (pollIntervalMs ${pollInterval} ms)`;
  const servers2026: [TransportName, Listen][] = [
    ['in-memory', 'pushes'],
    ['in-memory', 'silent'],
    ['stdio', 'pushes'],
    ['http', 'pushes'],
  ];
  const measured = transportsOf(settings);
  for (const [transport, listen] of servers2026.filter(([each]) => measured.includes(each)))
    cases.push(
      ...(await generation2026(transport, listen, pollInterval, taskDelayMs, { scenario: scenario2026, settings })),
    );
  return cases;
}

/** The few one-task rounds a baseline gets: each lasts about a poll interval, and no target rests on them. */
function baselineSizing(settings: RunnerSettings) {
  return { callsPerRound: 1, rounds: settings.quick ? 2 : Math.min(settings.pairs, 7) };
}

async function generation2025(
  transport: TransportName,
  pollInterval: number,
  taskDelayMs: number,
  { scenario, settings }: CaseSettings,
): Promise<CaseResult[]> {
  const options = { pollInterval, taskDelayMs };
  await using pair = await connectPair(transport, options);
  const closers: Closers = [];
  await using _peer = { [Symbol.asyncDispose]: disposer(closers) };
  const peerConnection = await connectClient(transport, options, closers);
  const peer = await extTasks2025(peerConnection.client, closers);
  const completedAt = async (inspector: FixtureInspector, taskId: string) => {
    const record = await inspector.task(taskId);
    if (record?.completedAt === undefined) throw new Error(`the fixture did not record when task ${taskId} completed`);
    return record.completedAt;
  };
  const sinceCompletion = async (inspector: FixtureInspector, taskId: string) => {
    const held = wallClockMs();
    return held - (await completedAt(inspector, taskId));
  };
  const toolwright = contestant('toolwright', async () => {
    const handle = await pair.toolset.startTask('slow_task', { value: 'x' });
    await handle.result();
    return sinceCompletion(pair.toolwrightInspector, handle.taskId);
  });
  const pollLoop = contestant('tasks/get poll loop', async () => {
    const { taskId } = await pollRawTask(pair.client, 'slow_task', { value: 'x' });
    return sinceCompletion(pair.sdkInspector, taskId);
  });
  const blockingResult = contestant('tasks/result', async () => {
    const task = await createRawTask(pair.client, 'slow_task', { value: 'x' });
    await rawTaskResult(pair.client, task.taskId);
    return sinceCompletion(pair.sdkInspector, task.taskId);
  });
  const extTasks = contestant('ext-tasks', async () => {
    const { taskId, text } = await peer.call('slow_task', { value: 'x' });
    if (text !== 'done: x') throw new Error(`ext-tasks returned ${String(text)} for task ${taskId}`);
    return sinceCompletion(peerConnection.inspector, taskId);
  });
  // ext-tasks' v1 driver follows the status notifications too, so it gets full rounds, paired with Toolwright's.
  const fast = await runAlternating([toolwright, extTasks], settings);
  const baselines = await runAlternating([pollLoop, blockingResult], settings, baselineSizing(settings));
  const [ours = [], extRounds = []] = fast.rounds;
  return [
    roundsCase(
      {
        scenario,
        case: `${transport}, Toolwright startTask().result()`,
        unit: 'ms',
        target: transport === 'http' ? 10 : 5,
        sides: {
          unit: 'ms',
          toolwright: median(ours.map(latency)),
          baseline: median(extRounds.map(latency)),
          baselineName: 'ext-tasks 0.2.2 v1 driver',
        },
      },
      ours,
      latency,
      settings,
    ),
    roundsCase(
      { scenario, case: `${transport}, ext-tasks 0.2.2 v1 driver (peer)`, unit: 'ms' },
      extRounds,
      latency,
      settings,
    ),
    roundsCase(
      { scenario, case: `${transport}, raw SDK v2 tasks/get poll loop at pollInterval (baseline)`, unit: 'ms' },
      baselines.rounds[0] ?? [],
      latency,
      settings,
    ),
    roundsCase(
      { scenario, case: `${transport}, raw SDK v2 tools/call + blocking tasks/result (baseline)`, unit: 'ms' },
      baselines.rounds[1] ?? [],
      latency,
      settings,
    ),
  ];
}

/** Milliseconds from the server's `lastUpdatedAt` of a terminal 2026 task (millisecond stamps) to now. */
function sinceStamp(lastUpdatedAt: string | undefined, taskId: string): number {
  const stamp = lastUpdatedAt === undefined ? Number.NaN : Date.parse(lastUpdatedAt);
  if (!Number.isFinite(stamp)) throw new Error(`task ${taskId} came back without its lastUpdatedAt`);
  return Date.now() - stamp;
}

/**
 * Toolwright's side of the 2026 row: exactly the 2025 row's `startTask(…).result()`, on a toolset
 * that negotiated 2026-07-28. The completion time is the server's stamp of the terminal task.
 */
export async function toolwright2026Once(toolset: MCPToolset): Promise<number> {
  const handle = await toolset.startTask('slow_task', { value: 'x' });
  await handle.result();
  return sinceStamp(handle.lastUpdatedAt, handle.taskId);
}

/** Toolwright's 2026 case, measured like the 2025 row, with the peer's median beside it. */
export async function toolwright2026Case(
  spec: { readonly scenario: string; readonly case: string; readonly target: number },
  once: Once,
  settings: RunnerSettings,
  peer?: { readonly name: string; readonly latencyMs: number },
): Promise<CaseResult> {
  const { rounds } = await runAlternating([contestant('toolwright', once)], settings);
  const ours = rounds[0] ?? [];
  // Beside the peer's median, for the "at least 100× faster than ext-tasks" when the server pushes.
  const sides = peer && {
    unit: 'ms' as const,
    toolwright: median(ours.map(latency)),
    baseline: peer.latencyMs,
    baselineName: peer.name,
  };
  return roundsCase({ ...spec, unit: 'ms', ...(sides && { sides }) }, ours, latency, settings);
}

async function generation2026(
  transport: TransportName,
  listen: Listen,
  pollInterval: number,
  taskDelayMs: number,
  { scenario, settings }: CaseSettings,
): Promise<CaseResult[]> {
  // ext-tasks 0.2.2 reads an inlined result only with resultType inside it (the spec's examples omit it).
  const options = { pollIntervalMs: pollInterval, taskDelayMs, resultTypeInResult: true };
  const closers: Closers = [];
  await using _closers = { [Symbol.asyncDispose]: disposer(closers) };
  const server = listen === 'pushes' ? 'server pushes notifications/tasks' : 'server sends no task notifications';
  const label = `${transport}, ${server}`;
  const peer: Peer = await extTasks2026(await start2026(transport, options, listen, closers), closers);
  const extTasks = contestant('ext-tasks', async () => {
    const { taskId, text, lastUpdatedAt } = await peer.call('slow_task', { value: 'x' });
    if (text !== 'done: x') throw new Error(`ext-tasks returned ${String(text)} for task ${taskId}`);
    return sinceStamp(lastUpdatedAt, taskId);
  });
  const { rounds } = await runAlternating([extTasks], settings, baselineSizing(settings));
  const forToolset = await start2026(transport, options, listen, closers);
  const toolset = new MCPToolset(forToolset.source, { id: `bench-2026-${transport}` });
  closers.push(() => toolset.close());
  await toolset.open();
  const ours = await toolwright2026Case(
    // With pushes, the targets; without, within one pollIntervalMs (polling is all there is).
    {
      scenario,
      case: `${label}, Toolwright startTask().result()`,
      target: listen === 'silent' ? pollInterval : transport === 'http' ? 10 : 5,
    },
    () => toolwright2026Once(toolset),
    settings,
    { name: 'ext-tasks 0.2.2 client', latencyMs: median((rounds[0] ?? []).map(latency)) },
  );
  return [
    ours,
    roundsCase(
      { scenario, case: `${label}, ext-tasks 0.2.2 client, polls only (peer)`, unit: 'ms' },
      rounds[0] ?? [],
      latency,
      settings,
    ),
  ];
}
