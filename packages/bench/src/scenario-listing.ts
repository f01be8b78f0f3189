import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { connectPair, TRANSPORTS } from './connections.ts';
import type { Figure, Settings } from './report.ts';
import { sideBySide, summarize } from './stats.ts';

/** Scenario 3: listing a large tool list (every page, mapped to definitions) vs client.listTools; and a cached getTools. */
export async function listing(settings: Settings): Promise<Figure[]> {
  const figures: Figure[] = [];
  const count = settings.quick ? 500 : 5_000;
  for (const transport of TRANSPORTS) {
    // cacheTools: false, so every getTools() lists all pages afresh, like the raw client.
    await using pair = await connectPair(transport, { generatedTools: count, pageSize: 500 }, { cacheTools: false });
    await using cachedPair = await connectPair(transport, { generatedTools: count, pageSize: 500 });
    const result = await sideBySide(
      {
        sdk: () => timed(() => listAllPages(pair.client)),
        toolwright: () => timed(() => pair.toolset.getTools()),
      },
      { rounds: settings.rounds, warmup: settings.warmup },
    );
    figures.push({
      scenario: '3. list tools',
      case: `${transport}, ${count} tools, all pages`,
      unit: 'ms',
      toolwright: result.toolwright,
      baseline: { name: 'SDK client.listTools (all pages)', summary: result.sdk },
      target: { ratio: 1.1 },
    });
    const cached: number[] = [];
    await cachedPair.toolset.getTools();
    for (let round = 0; round < settings.rounds; round++) {
      const started = performance.now();
      for (let i = 0; i < 1_000; i++) await cachedPair.toolset.getTools();
      cached.push(performance.now() - started); // ms per 1,000 calls = µs per call
    }
    figures.push({
      scenario: '3. list tools',
      case: `${transport}, cached getTools`,
      unit: 'µs',
      toolwright: summarize(cached),
      target: { max: 50 },
    });
  }
  return figures;
}

async function listAllPages(client: Client): Promise<number> {
  let cursor: string | undefined;
  let total = 0;
  do {
    const page = await client.listTools(cursor === undefined ? {} : { cursor });
    total += page.tools.length;
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return total;
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}
