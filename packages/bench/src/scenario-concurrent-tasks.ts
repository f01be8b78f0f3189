import { MCPToolset } from '@toolwright/mcp-toolset';
import { startInMemoryFixture } from '@toolwright/testing';
import { type CaseResult, roundsCase } from './report.ts';
import { collectGarbage, type Round, type RoundMetrics, type RunnerSettings, runAlternating } from './runner.ts';

/**
 * Scenario 5: a burst of concurrent task calls on one in-memory connection: every call gets its
 * own result; wall time of the burst, and heap per in-flight task (client and server together).
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
    const result = await runAlternating([{ name: 'toolwright', run: (calls) => burst(calls, taskMs) }], settings, {
      callsPerRound: count,
      rounds,
    });
    const measured = result.rounds[0] ?? [];
    const metric = (name: string) => (round: Round) => round.metrics[name] ?? Number.NaN;
    const scenario = `5. ${count} concurrent tasks, each ${taskMs} ms (in-memory, one connection)`;
    cases.push(
      roundsCase(
        {
          scenario,
          case: 'wall time of the burst, every result its own',
          unit: 'ms',
          ...(count === 1_000 && { target: taskMs + 200 }),
        },
        measured,
        metric('wallMs'),
        settings,
      ),
      roundsCase(
        { scenario, case: 'heap per in-flight task (client and server)', unit: 'KiB', target: 20 },
        measured,
        metric('heapPerTaskKiB'),
        settings,
      ),
    );
  }
  return cases;
}

async function burst(count: number, taskMs: number): Promise<RoundMetrics> {
  await using fixture = await startInMemoryFixture({ taskDelayMs: taskMs, pollInterval: 1_000 });
  await using toolset = new MCPToolset(fixture.clientTransport, { id: 'bench' });
  await toolset.open();
  collectGarbage();
  const idle = process.memoryUsage().heapUsed;
  let peak = idle;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 20);
  try {
    const started = performance.now();
    const values = Array.from({ length: count }, (_, index) => `t${index}`);
    const results = await Promise.all(values.map((value) => toolset.directCallTool('slow_task', { value })));
    const wallMs = performance.now() - started;
    const wrong = results.filter((result, index) => result !== `done: ${values[index]}`).length;
    if (wrong > 0) throw new Error(`${wrong} of ${count} concurrent tasks returned another task's result or none`);
    return { wallMs, heapPerTaskKiB: (peak - idle) / 1024 / count };
  } finally {
    clearInterval(sampler);
  }
}
