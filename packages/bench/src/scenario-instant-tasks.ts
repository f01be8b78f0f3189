import { connectToolset, transportsOf } from './connections.ts';
import { type CaseResult, roundsCase } from './report.ts';
import { type Contestant, type Round, type RunnerSettings, runAlternating } from './runner.ts';
import { median } from './stats.ts';

/**
 * The fixture's suggested pollInterval: long, so that a path that waits one poll before taking
 * a terminal task's result shows as seconds, not as a few milliseconds of noise.
 */
const POLL_INTERVAL_MS = 5_000;

/** The fixture tools whose task is terminal at creation, each with the arguments that shape its wire. */
const TOOLS: readonly { readonly label: string; readonly name: string; readonly args: Record<string, string> }[] = [
  { label: 'instant_task (created completed)', name: 'instant_task', args: {} },
  { label: 'early_status_task before (notification first)', name: 'early_status_task', args: { order: 'before' } },
  { label: 'early_status_task after (notification second)', name: 'early_status_task', args: { order: 'after' } },
];

/**
 * Scenario 2: a task that is terminal at creation (its result and, where there is one, its
 * status notification in one write), from calling `startTask` to holding `result()`. Each round
 * runs tasks one after another and reports the median of their latencies.
 */
export async function instantTasks(settings: RunnerSettings): Promise<CaseResult[]> {
  const cases: CaseResult[] = [];
  const scenario = `2. task terminal at creation: startTask() → result() in hand (pollInterval ${POLL_INTERVAL_MS} ms)`;
  for (const transport of transportsOf(settings)) {
    // record: false keeps the fixture's memory flat over the thousands of tasks a round may run.
    await using connection = await connectToolset(transport, {
      misbehaving: true,
      pollInterval: POLL_INTERVAL_MS,
      record: false,
    });
    const { toolset } = connection;
    for (const tool of TOOLS) {
      const contestant: Contestant = {
        name: 'toolwright',
        async run(calls) {
          const latencies: number[] = [];
          for (let index = 0; index < calls; index++) {
            const started = performance.now();
            await (await toolset.startTask(tool.name, tool.args)).result();
            latencies.push(performance.now() - started);
          }
          return { latencyMs: median(latencies) };
        },
      };
      const { rounds } = await runAlternating([contestant], settings);
      cases.push(
        roundsCase(
          { scenario, case: `${transport}, ${tool.label}`, unit: 'ms', target: 5 },
          rounds[0] ?? [],
          (round: Round) => round.metrics.latencyMs ?? Number.NaN,
          settings,
        ),
      );
    }
  }
  return cases;
}
