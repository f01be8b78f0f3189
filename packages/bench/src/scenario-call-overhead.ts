import { createRunContext } from '@toolwright/core';
import { connectPair, transportsOf } from './connections.ts';
import { type CaseResult, cpu, pairedCase, wall } from './report.ts';
import { type Contestant, type RunnerSettings, runAlternating } from './runner.ts';

const scenario = '3. plain call overhead';

/** Scenario 3: per-call overhead of a plain tool, MCPToolset.callTool vs the SDK v2 client's callTool, wall and process CPU. */
export async function callOverhead(settings: RunnerSettings): Promise<CaseResult[]> {
  const cases: CaseResult[] = [];
  for (const transport of transportsOf(settings)) {
    await using pair = await connectPair(transport, {});
    const tools = await pair.toolset.getTools();
    const echo = tools.find((tool) => tool.name === 'echo');
    if (!echo) throw new Error('the fixture has no echo tool');
    await pair.client.listTools();
    const ctx = createRunContext();
    const raw = () => pair.client.callTool({ name: 'echo', arguments: { text: 'x' } });
    const ours = () => pair.toolset.callTool('echo', { text: 'x' }, ctx, echo);
    for (const concurrency of [1, 50]) {
      const contestant = (name: string, call: () => Promise<unknown>): Contestant => ({
        name,
        async run(calls) {
          for (let done = 0; done < calls; done += concurrency)
            await Promise.all(Array.from({ length: concurrency }, call));
          return undefined;
        },
      });
      const { rounds } = await runAlternating([contestant('toolwright', ours), contestant('sdk', raw)], settings, {
        granularity: concurrency,
      });
      const [toolwright = [], sdk = []] = rounds;
      const label = `${transport}, ${concurrency === 1 ? 'sequential' : `concurrency ${concurrency}`}`;
      const common = { scenario, baselineName: 'SDK v2 client.callTool', target: 1.03 };
      cases.push(pairedCase({ ...common, case: `${label}, wall` }, toolwright, sdk, wall, settings));
      cases.push(
        pairedCase(
          {
            ...common,
            case: `${label}, process CPU`,
            note: transport === 'stdio' ? 'client process only' : 'client and in-process server',
          },
          toolwright,
          sdk,
          cpu,
          settings,
        ),
      );
    }
  }
  return cases;
}
