import { PostgresTaskStore } from '@toolwright/store-postgres';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type PostgresCluster, startPostgres } from './postgres-cluster.ts';
import { describeDurableScenarios } from './scenarios.ts';
import { describeStoreContract } from './store-contract.ts';

// A throwaway cluster for this file: started here, stopped and removed in teardown.
let cluster: PostgresCluster;
beforeAll(async () => {
  cluster = await startPostgres();
}, 120_000);
afterAll(async () => {
  await cluster?.stop();
}, 60_000);

let databases = 0;
const database = (prefix: string) => cluster.createDatabase(`${prefix}_${++databases}`);

describeStoreContract('PostgreSQL', async () => {
  const store = new PostgresTaskStore({ connectionString: await database('contract') });
  return { store, cleanup: () => store.close() };
});

describeDurableScenarios('PostgreSQL', () => async (scenario) => ({
  kind: 'postgres',
  connectionString: await database(scenario),
}));

it('wakes a reader through LISTEN/NOTIFY when another connection records a follow-up', async () => {
  const url = await database('notify');
  const reader = new PostgresTaskStore({ connectionString: url });
  const writer = new PostgresTaskStore({ connectionString: url });
  try {
    const woken = new Promise<void>((resolve) => {
      const stop = reader.watchFollowUps('run', () => {
        stop();
        resolve();
      });
    });
    // The LISTEN must be in place before the NOTIFY: wait until the reader's connection listens.
    await expect.poll(() => reader.listening()).toBe(true);
    const lease = await writer.put(
      { runId: 'run', toolCallId: 'c1', toolName: 'slow_task', taskId: 't1', reference: { taskId: 't1' } },
      { owner: 'w', leaseMs: 10_000 },
    );
    if (!lease) throw new Error('no lease');
    expect(
      await writer.complete({ runId: 'run', toolCallId: 'c1' }, lease, {
        toolName: 'slow_task',
        id: 't1',
        toolCallId: 'c1',
        outcome: 'result',
        content: 'done',
        message: 'done',
      }),
    ).toBe(true);
    await woken;
    expect(await reader.followUps('run')).toMatchObject([{ followUpId: 'run:c1', content: 'done' }]);
  } finally {
    await reader.close();
    await writer.close();
  }
});

it('reports an unreachable database as a TaskStoreError without the password', async () => {
  const store = new PostgresTaskStore({ connectionString: 'postgresql://someone:hunter2@127.0.0.1:1/none' });
  try {
    const error = await store.pending('run').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'TaskStoreError', code: 'task_store' });
    expect(String((error as Error).message)).not.toContain('hunter2');
  } finally {
    await store.close();
  }
});
