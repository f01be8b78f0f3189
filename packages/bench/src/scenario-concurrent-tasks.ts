import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { MCPToolset } from '@toolwright/mcp-toolset';
import { startInMemoryFixture } from '@toolwright/testing';
import { type CaseResult, roundsCase } from './report.ts';
import { collectGarbage, type Round, type RoundMetrics, type RunnerSettings, runAlternating } from './runner.ts';
import { median } from './stats.ts';

/** Starts `count` concurrent `slow_task` calls on an open connection and returns their results' texts. */
type Burst = (
  fixture: Awaited<ReturnType<typeof startInMemoryFixture>>,
  values: readonly string[],
) => Promise<unknown[]>;

const toolwrightBurst: Burst = async (fixture, values) => {
  await using toolset = new MCPToolset(fixture.clientTransport, { id: 'bench' });
  await toolset.open();
  // Awaited here: the toolset closes when this function returns.
  return await Promise.all(values.map((value) => toolset.directCallTool('slow_task', { value })));
};

const sdkBurst: Burst = async (fixture, values) => {
  const client = new Client({ name: 'bench-raw-sdk', version: '1.0.0' });
  await client.connect(fixture.clientTransport);
  try {
    // The SDK makes a task of a call only for a tool it has listed as requiring one.
    await client.listTools();
    return await Promise.all(
      values.map(async (value) => {
        for await (const message of client.experimental.tasks.callToolStream(
          { name: 'slow_task', arguments: { value } },
          CallToolResultSchema,
        )) {
          if (message.type === 'error') throw message.error;
          if (message.type === 'result') {
            const [part] = message.result.content;
            return part?.type === 'text' ? part.text : undefined;
          }
        }
        return undefined;
      }),
    );
  } finally {
    await client.close();
  }
};

/**
 * Scenario 5: a burst of concurrent task calls on one in-memory connection, Toolwright's
 * directCallTool against the SDK's callToolStream (which learns of completion by polling): every
 * call must get its own result; wall time of the burst, and heap per in-flight task (client and
 * in-process server together, for both).
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
    const result = await runAlternating(
      [
        { name: 'toolwright', run: (calls) => burst(toolwrightBurst, calls, taskMs) },
        { name: 'sdk', run: (calls) => burst(sdkBurst, calls, taskMs) },
      ],
      settings,
      { callsPerRound: count, rounds },
    );
    const [ours = [], sdk = []] = result.rounds;
    const metric = (name: string) => (round: Round) => round.metrics[name] ?? Number.NaN;
    const sides = (name: string, unit: 'ms' | 'KiB') => ({
      unit,
      toolwright: median(ours.map(metric(name))),
      baseline: median(sdk.map(metric(name))),
      baselineName: 'SDK callToolStream',
    });
    const scenario = `5. ${count} concurrent tasks, each ${taskMs} ms (in-memory, one connection)`;
    cases.push(
      roundsCase(
        {
          scenario,
          case: 'wall time of the burst, every result its own',
          unit: 'ms',
          ...(count === 1_000 && { target: taskMs + 200 }),
          sides: sides('wallMs', 'ms'),
        },
        ours,
        metric('wallMs'),
        settings,
      ),
      roundsCase(
        {
          scenario,
          case: 'heap per in-flight task (client and server)',
          unit: 'KiB',
          target: 20,
          sides: sides('heapPerTaskKiB', 'KiB'),
        },
        ours,
        metric('heapPerTaskKiB'),
        settings,
      ),
    );
  }
  return cases;
}

async function burst(run: Burst, count: number, taskMs: number): Promise<RoundMetrics> {
  // The SDK polls at the suggested interval: as long as a task, so a quick run stays quick.
  await using fixture = await startInMemoryFixture({ taskDelayMs: taskMs, pollInterval: taskMs });
  collectGarbage();
  const idle = process.memoryUsage().heapUsed;
  let peak = idle;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 20);
  try {
    const started = performance.now();
    const values = Array.from({ length: count }, (_, index) => `t${index}`);
    const results = await run(fixture, values);
    const wallMs = performance.now() - started;
    const wrong = results.filter((result, index) => result !== `done: ${values[index]}`).length;
    if (wrong > 0) throw new Error(`${wrong} of ${count} concurrent tasks returned another task's result or none`);
    return { wallMs, heapPerTaskKiB: (peak - idle) / 1024 / count };
  } finally {
    clearInterval(sampler);
  }
}
