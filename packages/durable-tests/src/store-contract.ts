import { InMemoryTaskStore, type TaskStore, TaskStoreError } from '@toolwright/capabilities';
import type { FollowUp } from '@toolwright/core';
import { afterEach, describe, expect, it } from 'vitest';

/** Opens a fresh, empty store of one kind; `cleanup` closes and removes it. */
export type OpenStore = () => Promise<{ readonly store: TaskStore; readonly cleanup: () => Promise<void> }>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function task(runId: string, index: number) {
  return {
    runId,
    toolCallId: `call-${index}`,
    toolName: 'slow_task',
    taskId: `task-${index}`,
    reference: { type: 'mcp-task', server: 'fixture', taskId: `task-${index}`, toolName: 'slow_task' },
  };
}

function outcome(index: number): FollowUp {
  return {
    toolName: 'slow_task',
    id: `task-${index}`,
    toolCallId: `call-${index}`,
    outcome: 'result',
    content: { text: `done: v${index}`, nested: [1, 'two'] },
    message: `Background tool 'slow_task' (task-${index}) finished.`,
  };
}

/** What every TaskStore must do: leases, fencing, at-most-once completion, follow-ups per run. */
export function describeStoreContract(name: string, open: OpenStore): void {
  describe(`${name} task store`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });
    async function fresh(): Promise<TaskStore> {
      const { store, cleanup } = await open();
      cleanups.push(cleanup);
      return store;
    }

    it('lists pending work, and leases it to one claimer at a time', async () => {
      const store = await fresh();
      expect(await store.put(task('run', 1))).toBeUndefined();
      const [listed] = await store.pending('run');
      expect(listed).toMatchObject({ ...task('run', 1), lease: undefined });
      expect(await store.pending('other-run')).toEqual([]);
      const [claimed, ...rest] = await store.claim({ owner: 'a', leaseMs: 10_000, limit: 10 });
      expect(rest).toEqual([]);
      expect(claimed).toMatchObject({ ...task('run', 1), lease: { owner: 'a', token: 1 } });
      expect(claimed?.lease.expiresAt).toBeGreaterThan(Date.now() + 5_000);
      expect(await store.claim({ owner: 'b', leaseMs: 10_000, limit: 10 })).toEqual([]);
    });

    it('completes once: the pending entry becomes one follow-up with a stable id', async () => {
      const store = await fresh();
      const lease = await store.put(task('run', 1), { owner: 'a', leaseMs: 10_000 });
      expect(lease).toMatchObject({ owner: 'a', token: 1 });
      if (!lease) return;
      // Saving the same key again leaves it as it is: the second caller holds nothing.
      expect(await store.put({ ...task('run', 1), taskId: 'other' }, { owner: 'b', leaseMs: 10_000 })).toBeUndefined();
      expect(await store.pending('run')).toMatchObject([{ taskId: 'task-1', lease: { owner: 'a', token: 1 } }]);
      expect(await store.claim({ owner: 'b', leaseMs: 10_000, limit: 10 })).toEqual([]);
      const renewed = await store.renew(task('run', 1), lease, 20_000);
      expect(renewed?.expiresAt).toBeGreaterThan(lease.expiresAt);
      expect(await store.complete(task('run', 1), lease, outcome(1))).toBe(true);
      expect(await store.complete(task('run', 1), lease, outcome(1))).toBe(false);
      expect(await store.pending('run')).toEqual([]);
      const [followUp, ...more] = await store.followUps('run');
      expect(more).toEqual([]);
      expect(followUp).toMatchObject({ ...outcome(1), followUpId: 'run:call-1', runId: 'run', recordedBy: 'a' });
      expect(await store.followUps('run')).toEqual([followUp]); // reading again yields the same follow-up
      // Saving the finished task again (a late duplicate) does not bring it back.
      expect(await store.put(task('run', 1), { owner: 'c', leaseMs: 10_000 })).toBeUndefined();
      expect(await store.pending('run')).toEqual([]);
    });

    it('fences a worker whose lease expired and was taken over', async () => {
      const store = await fresh();
      await store.put(task('run', 1));
      const [first] = await store.claim({ owner: 'a', leaseMs: 150, limit: 1 });
      await sleep(400);
      const [second] = await store.claim({ owner: 'b', leaseMs: 10_000, limit: 1 });
      expect(second?.lease).toMatchObject({ owner: 'b', token: 2 });
      if (!first || !second) return;
      expect(await store.renew(first, first.lease, 10_000)).toBeUndefined();
      expect(await store.complete(first, first.lease, outcome(1))).toBe(false);
      expect(await store.complete(second, second.lease, outcome(1))).toBe(true);
      expect((await store.followUps('run')).map((item) => item.recordedBy)).toEqual(['b']);
    });

    it('refuses a completion after the lease expired, even when nobody took over', async () => {
      const store = await fresh();
      const lease = await store.put(task('run', 1), { owner: 'a', leaseMs: 150 });
      await sleep(400);
      if (!lease) throw new Error('no lease');
      expect(await store.complete(task('run', 1), lease, outcome(1))).toBe(false);
      expect(await store.pending('run')).toHaveLength(1);
      expect(await store.followUps('run')).toEqual([]);
    });

    it('gives a released lease to the next claimer at once', async () => {
      const store = await fresh();
      const lease = await store.put(task('run', 1), { owner: 'a', leaseMs: 60_000 });
      if (!lease) throw new Error('no lease');
      await store.release(task('run', 1), lease);
      const [claimed] = await store.claim({ owner: 'b', leaseMs: 60_000, limit: 1 });
      expect(claimed?.lease).toMatchObject({ owner: 'b', token: 2 });
    });

    it('acknowledges follow-ups of one run only', async () => {
      const store = await fresh();
      for (const runId of ['one', 'two']) {
        const lease = await store.put(task(runId, 1), { owner: 'a', leaseMs: 60_000 });
        if (lease) await store.complete(task(runId, 1), lease, outcome(1));
      }
      await store.acknowledge('one', ['two:call-1', 'one:unknown']);
      expect(await store.followUps('two')).toHaveLength(1);
      expect(await store.followUps('one')).toHaveLength(1);
      await store.acknowledge('one', ['one:call-1']);
      expect(await store.followUps('one')).toEqual([]);
      expect(await store.followUps('two')).toHaveLength(1);
    });

    it('hands each task to exactly one of many concurrent claimers', async () => {
      const store = await fresh();
      for (let index = 0; index < 60; index++) await store.put(task('run', index));
      const rounds = await Promise.all(
        ['a', 'b', 'c', 'd', 'e'].map((owner) => store.claim({ owner, leaseMs: 60_000, limit: 20 })),
      );
      const ids = rounds.flat().map((claimed) => claimed.toolCallId);
      expect(ids).toHaveLength(60);
      expect(new Set(ids).size).toBe(60);
    });

    it('rejects incomplete work and bad leases with a TaskStoreError', async () => {
      const store = await fresh();
      await expect(store.put({ ...task('run', 1), runId: '' })).rejects.toSatisfy(
        (error) => TaskStoreError.isInstance(error) && /runId/.test((error as Error).message),
      );
      await expect(store.claim({ owner: 'a', leaseMs: 0, limit: 1 })).rejects.toSatisfy((error) =>
        TaskStoreError.isInstance(error),
      );
    });
  });
}

/** The reference store passes the same contract. */
export const openInMemoryStore: OpenStore = async () => ({
  store: new InMemoryTaskStore(),
  cleanup: async () => undefined,
});
