import { createRunContext } from '@toolwright/core';
import { connectPair, TRANSPORTS } from './connections.ts';
import type { Figure, Settings } from './report.ts';
import { sideBySide, summarize } from './stats.ts';

/** Scenario 2: per-call overhead of a plain tool, MCPToolset.callTool vs client.callTool. */
export async function callOverhead(settings: Settings): Promise<Figure[]> {
  const figures: Figure[] = [];
  const batch = settings.quick ? 20 : 500;
  for (const transport of TRANSPORTS) {
    await using pair = await connectPair(transport, {});
    const tools = await pair.toolset.getTools();
    const echo = tools.find((tool) => tool.name === 'echo');
    if (!echo) throw new Error('fixture has no echo tool');
    await pair.client.listTools();
    const ctx = createRunContext();
    const raw = () => pair.client.callTool({ name: 'echo', arguments: { text: 'x' } });
    const ours = () => pair.toolset.callTool('echo', { text: 'x' }, ctx, echo);
    for (const concurrency of [1, 50]) {
      const measure = (call: () => Promise<unknown>) => async () => {
        const cpu = process.cpuUsage();
        const started = performance.now();
        for (let done = 0; done < batch; done += concurrency)
          await Promise.all(Array.from({ length: concurrency }, call));
        const wall = performance.now() - started;
        const used = process.cpuUsage(cpu);
        return { wall: (wall * 1000) / batch, cpu: (used.user + used.system) / batch };
      };
      const wallOf = (run: () => Promise<{ wall: number; cpu: number }>, cpuSamples: number[]) => async () => {
        const sample = await run();
        cpuSamples.push(sample.cpu);
        return sample.wall;
      };
      const rawCpu: number[] = [];
      const ourCpu: number[] = [];
      const result = await sideBySide(
        { sdk: wallOf(measure(raw), rawCpu), toolwright: wallOf(measure(ours), ourCpu) },
        { rounds: settings.rounds, warmup: settings.warmup },
      );
      const label = concurrency === 1 ? 'sequential' : `concurrency ${concurrency}`;
      figures.push({
        scenario: '2. plain tool call overhead',
        case: `${transport}, ${label}, wall per call`,
        unit: 'µs',
        toolwright: result.toolwright,
        baseline: { name: 'SDK client.callTool', summary: result.sdk },
        target: { ratio: 1.05 },
      });
      figures.push({
        scenario: '2. plain tool call overhead',
        case: `${transport}, ${label}, process CPU per call`,
        unit: 'µs',
        toolwright: summarize(ourCpu),
        baseline: { name: 'SDK client.callTool', summary: summarize(rawCpu) },
        target: { ratio: 1.05 },
        note: transport === 'stdio' ? 'client process only' : 'client and in-process server',
      });
    }
  }
  return figures;
}
