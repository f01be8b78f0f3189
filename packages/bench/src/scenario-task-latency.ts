import { CallToolResultSchema, CreateTaskResultSchema } from '@modelcontextprotocol/sdk/types.js';
import type { FixtureInspector } from '@toolwright/testing';
import { connectPair, TRANSPORTS } from './connections.ts';
import type { Figure, Settings } from './report.ts';
import { sideBySide, wallClockMs } from './stats.ts';

/**
 * Scenario 1: from the moment the server completes a task to the moment the caller holds the
 * result, with the server suggesting pollInterval 1000 ms (and sending status notifications).
 */
export async function taskLatency(settings: Settings): Promise<Figure[]> {
  const figures: Figure[] = [];
  const delayMs = 20;
  for (const transport of TRANSPORTS) {
    await using pair = await connectPair(transport, { pollInterval: 1_000, taskDelayMs: delayMs });
    await pair.client.listTools();
    const completedAt = async (inspector: FixtureInspector, taskId: string) => {
      const record = await inspector.task(taskId);
      if (record?.completedAt === undefined)
        throw new Error(`the fixture did not record when task ${taskId} completed`);
      return record.completedAt;
    };
    const rounds = settings.quick ? 2 : Math.max(5, Math.floor(settings.rounds / 2)); // SDK rounds take up to a second each
    const result = await sideBySide(
      {
        toolwright: async () => {
          const handle = await pair.toolset.startTask('slow_task', { value: 'x' });
          await handle.result();
          const held = wallClockMs();
          return held - (await completedAt(pair.toolwrightInspector, handle.taskId));
        },
        callToolStream: async () => {
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
        },
        blockingTasksResult: async () => {
          const created = await pair.client.request(
            { method: 'tools/call', params: { name: 'slow_task', arguments: { value: 'x' }, task: {} } },
            CreateTaskResultSchema,
          );
          await pair.client.experimental.tasks.getTaskResult(created.task.taskId, CallToolResultSchema);
          const held = wallClockMs();
          return held - (await completedAt(pair.sdkInspector, created.task.taskId));
        },
      },
      { rounds, warmup: 1 },
    );
    const scenario = '1. task completed → result in hand (pollInterval 1000 ms)';
    const max = transport === 'http' ? 10 : 5;
    figures.push({
      scenario,
      case: `${transport}, vs callToolStream`,
      unit: 'ms',
      toolwright: result.toolwright,
      baseline: { name: 'SDK callToolStream', summary: result.callToolStream },
      target: { max },
    });
    figures.push({
      scenario,
      case: `${transport}, vs blocking tasks/result`,
      unit: 'ms',
      toolwright: result.toolwright,
      baseline: { name: 'SDK tasks/result', summary: result.blockingTasksResult },
      target: { max },
    });
  }
  return figures;
}
