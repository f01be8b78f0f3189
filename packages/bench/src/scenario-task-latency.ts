import { CallToolResultSchema, CreateTaskResultSchema } from '@modelcontextprotocol/sdk/types.js';
import type { FixtureInspector } from '@toolwright/testing';
import { connectPair, TRANSPORTS } from './connections.ts';
import { type CaseResult, roundsCase } from './report.ts';
import { type Contestant, type Round, type RunnerSettings, runAlternating } from './runner.ts';
import { median, wallClockMs } from './stats.ts';

/**
 * Scenario 1: from the moment the server completes a task to the moment the caller holds the
 * result, with the server suggesting a long pollInterval (and sending status notifications).
 * Each round runs tasks one after another and reports the median of their latencies.
 */
export async function taskLatency(settings: RunnerSettings): Promise<CaseResult[]> {
  const cases: CaseResult[] = [];
  // The SDK's paths learn of completion by polling: a quick run shortens the interval so it stays quick.
  const pollInterval = settings.quick ? 50 : 1_000;
  const scenario = `1. task completed → result in hand (pollInterval ${pollInterval} ms)`;
  for (const transport of TRANSPORTS) {
    await using pair = await connectPair(transport, { pollInterval, taskDelayMs: settings.quick ? 5 : 20 });
    await pair.client.listTools();
    const completedAt = async (inspector: FixtureInspector, taskId: string) => {
      const record = await inspector.task(taskId);
      if (record?.completedAt === undefined)
        throw new Error(`the fixture did not record when task ${taskId} completed`);
      return record.completedAt;
    };
    const contestant = (name: string, once: () => Promise<number>): Contestant => ({
      name,
      async run(calls) {
        const latencies: number[] = [];
        for (let index = 0; index < calls; index++) latencies.push(await once());
        return { latencyMs: median(latencies) };
      },
    });
    const toolwright = contestant('toolwright', async () => {
      const handle = await pair.toolset.startTask('slow_task', { value: 'x' });
      await handle.result();
      const held = wallClockMs();
      return held - (await completedAt(pair.toolwrightInspector, handle.taskId));
    });
    const callToolStream = contestant('callToolStream', async () => {
      let taskId = '';
      for await (const message of pair.client.experimental.tasks.callToolStream(
        { name: 'slow_task', arguments: { value: 'x' } },
        CallToolResultSchema,
      )) {
        if (message.type === 'taskCreated') taskId = message.task.taskId;
        if (message.type === 'result') break;
        if (message.type === 'error') throw message.error;
      }
      const held = wallClockMs();
      return held - (await completedAt(pair.sdkInspector, taskId));
    });
    const blockingResult = contestant('tasks/result', async () => {
      const created = await pair.client.request(
        { method: 'tools/call', params: { name: 'slow_task', arguments: { value: 'x' }, task: {} } },
        CreateTaskResultSchema,
      );
      await pair.client.experimental.tasks.getTaskResult(created.task.taskId, CallToolResultSchema);
      const held = wallClockMs();
      return held - (await completedAt(pair.sdkInspector, created.task.taskId));
    });
    const ours = await runAlternating([toolwright], settings);
    // A baseline task lasts about a poll interval: a few one-task rounds show its scale, and no target rests on them.
    const baselines = await runAlternating([callToolStream, blockingResult], settings, {
      callsPerRound: 1,
      rounds: settings.quick ? 2 : Math.min(settings.pairs, 7),
    });
    const latency = (round: Round) => round.metrics.latencyMs ?? Number.NaN;
    cases.push(
      roundsCase(
        {
          scenario,
          case: `${transport}, Toolwright startTask().result()`,
          unit: 'ms',
          target: transport === 'http' ? 10 : 5,
        },
        ours.rounds[0] ?? [],
        latency,
        settings,
      ),
      roundsCase(
        { scenario, case: `${transport}, raw SDK callToolStream (baseline)`, unit: 'ms' },
        baselines.rounds[0] ?? [],
        latency,
        settings,
      ),
      roundsCase(
        { scenario, case: `${transport}, raw SDK tools/call + blocking tasks/result (baseline)`, unit: 'ms' },
        baselines.rounds[1] ?? [],
        latency,
        settings,
      ),
    );
  }
  return cases;
}
