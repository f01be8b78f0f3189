import { MCPToolset } from '@toolwright/mcp-toolset';
import { startInMemoryFixture } from '@toolwright/testing';
import type { Figure, Settings } from './report.ts';
import { summarize } from './stats.ts';

/** Scenario 4: many concurrent task calls on one connection: all complete with their own results; wall time and memory. */
export async function concurrentTasks(settings: Settings): Promise<Figure[]> {
  const count = settings.quick ? 100 : 1_000;
  const taskMs = 1_000;
  const walls: number[] = [];
  const peaks: number[] = [];
  const perTask: number[] = [];
  const rounds = settings.quick ? 1 : Math.min(settings.rounds, 5);
  for (let round = 0; round < rounds; round++) {
    await using fixture = await startInMemoryFixture({ taskDelayMs: taskMs, pollInterval: 1_000 });
    await using toolset = new MCPToolset(fixture.clientTransport, { id: 'bench' });
    await toolset.open();
    globalThis.gc?.();
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }, 20);
    const started = performance.now();
    const values = Array.from({ length: count }, (_, index) => `t${index}`);
    const results = await Promise.all(values.map((value) => toolset.directCallTool('slow_task', { value })));
    walls.push(performance.now() - started);
    clearInterval(sampler);
    const wrong = results.filter((result, index) => result !== `done: ${values[index]}`).length;
    if (wrong > 0) throw new Error(`${wrong} of ${count} concurrent tasks returned another task's result or none`);
    peaks.push((peak - baseline) / 2 ** 20);
    perTask.push((peak - baseline) / 1024 / count);
  }
  const scenario = `4. ${count} concurrent tasks (in-memory, each ${taskMs} ms)`;
  return [
    {
      scenario,
      case: 'wall time, all results correct',
      unit: 'ms',
      toolwright: summarize(walls),
      target: { max: taskMs + 1_000 },
    },
    { scenario, case: 'peak heap above idle (client and server)', unit: 'MiB', toolwright: summarize(peaks) },
    { scenario, case: 'heap per in-flight task (client and server)', unit: 'KiB', toolwright: summarize(perTask) },
  ];
}
