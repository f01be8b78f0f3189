import type { Client } from '@modelcontextprotocol/client';
import { connectPair, transportsOf } from './connections.ts';
import { type CaseResult, pairedCase, roundsCase, wall } from './report.ts';
import { type RunnerSettings, repeat, runAlternating } from './runner.ts';

const scenario = '4. list tools';

/** Scenario 4: listing a large tool list (every page, mapped to definitions) vs the SDK v2 client's listTools; and a cached getTools. */
export async function listing(settings: RunnerSettings): Promise<CaseResult[]> {
  const cases: CaseResult[] = [];
  const count = settings.quick ? 500 : 5_000;
  for (const transport of transportsOf(settings)) {
    // cacheTools: false, so every getTools() lists all pages afresh, like the raw client.
    await using pair = await connectPair(transport, { generatedTools: count, pageSize: 500 }, { cacheTools: false });
    const { rounds } = await runAlternating(
      [
        { name: 'toolwright', run: (calls) => repeat(calls, () => pair.toolset.getTools()) },
        { name: 'sdk', run: (calls) => repeat(calls, () => listAllPages(pair.client)) },
      ],
      settings,
    );
    const [toolwright = [], sdk = []] = rounds;
    cases.push(
      pairedCase(
        {
          scenario,
          case: `${transport}, ${count} tools, all pages, wall`,
          baselineName: 'SDK v2 listTools, all pages',
          target: 1.05,
        },
        toolwright,
        sdk,
        wall,
        settings,
      ),
    );
  }
  // A cached getTools never touches the transport, so one transport tells it all.
  await using cachedPair = await connectPair('in-memory', { generatedTools: count, pageSize: 500 });
  await cachedPair.toolset.getTools();
  const cached = await runAlternating(
    [{ name: 'toolwright', run: (calls) => repeat(calls, () => cachedPair.toolset.getTools()) }],
    settings,
  );
  cases.push(
    roundsCase(
      { scenario, case: 'cached getTools, per call', unit: 'µs', target: 50 },
      cached.rounds[0] ?? [],
      (round) => (round.wallMs * 1000) / round.calls,
      settings,
    ),
  );
  return cases;
}

/**
 * Every page of tools/list through the SDK v2 client: called without a cursor, listTools walks
 * all pages itself; `bypass` keeps its response cache out of it, as `cacheTools: false` does for
 * the toolset.
 */
async function listAllPages(client: Client): Promise<number> {
  const { tools } = await client.listTools(undefined, { cacheMode: 'bypass' });
  return tools.length;
}
