import { Client, type Transport } from '@modelcontextprotocol/client';
import { MCPToolset } from '@toolwright/mcp-toolset';
import { startInMemoryFixture } from '@toolwright/testing';
import { firstText, pollRawTask } from './raw-tasks.ts';
import { type CaseResult, roundsCase } from './report.ts';
import {
  collectGarbage,
  type Round,
  type RoundMetrics,
  type Rounds,
  type RunnerSettings,
  runAlternating,
} from './runner.ts';
import { median } from './stats.ts';

type Fixture = Awaited<ReturnType<typeof startInMemoryFixture>>;

/** A connected caller of `slow_task`, closed when disposed. */
interface Caller extends AsyncDisposable {
  call(value: string): Promise<unknown>;
}

async function toolwrightCaller(fixture: Fixture): Promise<Caller> {
  const toolset = new MCPToolset(fixture.clientTransport, { id: 'bench' });
  await toolset.open();
  return {
    call: (value) => toolset.directCallTool('slow_task', { value }),
    [Symbol.asyncDispose]: () => toolset.close(),
  };
}

async function sdkCaller(fixture: Fixture): Promise<Caller> {
  const client = new Client({ name: 'bench-raw-sdk', version: '1.0.0' });
  await client.connect(fixture.clientTransport as Transport);
  return {
    call: async (value) => firstText((await pollRawTask(client, 'slow_task', { value })).result),
    [Symbol.asyncDispose]: () => client.close(),
  };
}

/**
 * Scenario 5: a burst of concurrent task calls on one in-memory connection, Toolwright's
 * directCallTool against the raw SDK v2 client's tasks/get poll loop at the suggested pollInterval: every
 * call must get its own result; wall time of the burst, and heap per in-flight task, live and at
 * its peak (client and in-process server together, for both).
 */
export async function concurrentTasks(settings: RunnerSettings): Promise<CaseResult[]> {
  const taskMs = settings.quick ? 100 : 1_000;
  const sizes = settings.quick
    ? [
        { count: 100, rounds: 2 },
        { count: 500, rounds: 2 },
      ]
    : [
        { count: 1_000, rounds: Math.min(settings.pairs, 15) },
        { count: 10_000, rounds: Math.min(settings.pairs, 5) },
      ];
  const cases: CaseResult[] = [];
  for (const { count, rounds } of sizes) {
    // Each round is one burst of `count` tasks: the burst is the unit of work, and its rounds last seconds.
    const contestants = (probe: Probe) => [
      { name: 'toolwright', run: (calls: number) => burst(toolwrightCaller, calls, taskMs, probe) },
      { name: 'sdk', run: (calls: number) => burst(sdkCaller, calls, taskMs, probe) },
    ];
    const peak = await runAlternating(contestants('peak'), settings, { callsPerRound: count, rounds });
    // Fewer rounds for the live heap: its spread is small, and each round is another burst.
    const live = await runAlternating(contestants('live'), settings, {
      callsPerRound: count,
      rounds: Math.min(rounds, 5),
    });
    const metric = (name: string) => (round: Round) => round.metrics[name] ?? Number.NaN;
    const sides = (result: Rounds, name: string, unit: 'ms' | 'KiB') => ({
      unit,
      toolwright: median((result.rounds[0] ?? []).map(metric(name))),
      baseline: median((result.rounds[1] ?? []).map(metric(name))),
      baselineName: 'SDK v2 tasks/get poll loop',
    });
    const scenario = `5. ${count} concurrent tasks, each ${taskMs} ms (in-memory, one connection)`;
    cases.push(
      roundsCase(
        {
          scenario,
          case: 'wall time of the burst, every result its own',
          unit: 'ms',
          ...(count === 1_000 && { target: taskMs + 200 }),
          sides: sides(peak, 'wallMs', 'ms'),
        },
        peak.rounds[0] ?? [],
        metric('wallMs'),
        settings,
      ),
      roundsCase(
        {
          scenario,
          case: 'live heap per in-flight task, after GC halfway (client and server)',
          unit: 'KiB',
          target: 20,
          sides: sides(live, 'liveHeapPerTaskKiB', 'KiB'),
        },
        live.rounds[0] ?? [],
        metric('liveHeapPerTaskKiB'),
        settings,
      ),
      roundsCase(
        {
          scenario,
          case: 'peak heap per task, garbage included (client and server)',
          unit: 'KiB',
          sides: sides(peak, 'peakHeapPerTaskKiB', 'KiB'),
        },
        peak.rounds[0] ?? [],
        metric('peakHeapPerTaskKiB'),
        settings,
      ),
    );
  }
  return cases;
}

/**
 * What a burst measures besides its wall time. `peak`: the highest heap seen, sampled every
 * 20 ms, garbage included (what the garbage collector lets pile up). `live`: the heap held by the
 * tasks in flight, read after a full collection halfway through the task's duration, when every
 * call has been issued and none has finished; that collection pauses the burst, so these rounds
 * give no wall time.
 */
type Probe = 'peak' | 'live';

async function burst(
  open: (fixture: Fixture) => Promise<Caller>,
  count: number,
  taskMs: number,
  probe: Probe,
): Promise<RoundMetrics> {
  // The raw client polls at the suggested interval: as long as a task, so a quick run stays quick.
  await using fixture = await startInMemoryFixture({ taskDelayMs: taskMs, pollInterval: taskMs });
  await using caller = await open(fixture);
  collectGarbage();
  const idle = process.memoryUsage().heapUsed;
  let peak = idle;
  const sampler =
    probe === 'peak'
      ? setInterval(() => {
          peak = Math.max(peak, process.memoryUsage().heapUsed);
        }, 20)
      : undefined;
  let settled = 0;
  let live: { heap: number; inFlight: number } | undefined;
  const halfway =
    probe === 'live'
      ? setTimeout(() => {
          collectGarbage();
          live = { heap: process.memoryUsage().heapUsed, inFlight: count - settled };
        }, taskMs / 2)
      : undefined;
  try {
    const started = performance.now();
    const values = Array.from({ length: count }, (_, index) => `t${index}`);
    const calls = values.map((value) => caller.call(value));
    if (probe === 'live')
      for (const call of calls)
        call.then(
          () => settled++,
          () => settled++,
        );
    const results = await Promise.all(calls);
    const wallMs = performance.now() - started;
    const wrong = results.filter((result, index) => result !== `done: ${values[index]}`).length;
    if (wrong > 0) throw new Error(`${wrong} of ${count} concurrent tasks returned another task's result or none`);
    if (probe === 'peak') return { wallMs, peakHeapPerTaskKiB: (peak - idle) / 1024 / count };
    if (!live || live.inFlight === 0)
      throw new Error(`no task of the burst was still in flight ${taskMs / 2} ms after it started`);
    return { liveHeapPerTaskKiB: (live.heap - idle) / 1024 / live.inFlight, inFlight: live.inFlight };
  } finally {
    clearInterval(sampler);
    clearTimeout(halfway);
  }
}
