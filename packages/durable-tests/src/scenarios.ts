import type { TaskStore } from '@toolwright/capabilities';
import { MCPToolset } from '@toolwright/mcp-toolset';
import { type HttpFixture, startHttpFixture } from '@toolwright/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openStore, type StoreLocation } from './stores.ts';
import type { WorkerConfig } from './worker.ts';
import { startWorker, type WorkerProcess } from './worker-process.ts';

/** Waits (with vi.waitFor) until `check` gives a value other than undefined or false; names `what` if it never does. */
function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 30_000,
): Promise<T> {
  return vi.waitFor(
    async () => {
      const value = await check();
      if (value === undefined || value === false)
        throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
      return value;
    },
    { timeout: timeoutMs, interval: 50 },
  );
}

/** Where each scenario keeps its own, empty store. */
export type NewLocation = (scenario: string) => Promise<StoreLocation>;

/**
 * Durable background tasks with worker processes that really die (SIGKILL), or stall past their
 * lease (SIGSTOP), against one HTTP fixture server that keeps running. Run for every durable store.
 */
export function describeDurableScenarios(name: string, newLocation: () => NewLocation): void {
  describe(`durable background tasks on ${name}, with processes that die`, () => {
    let fixture: HttpFixture;
    const workers: WorkerProcess[] = [];
    const stores: TaskStore[] = [];
    beforeAll(async () => {
      fixture = await startHttpFixture({ pollInterval: 100 });
    });
    afterAll(async () => {
      await fixture?.close();
    });
    afterEach(async () => {
      for (const worker of workers.splice(0)) {
        worker.signal('SIGCONT');
        worker.signal('SIGKILL');
        await worker.exit();
      }
      for (const store of stores.splice(0)) await store.close?.();
    });

    async function setup(scenario: string) {
      const location = await newLocation()(scenario);
      const store = await openStore(location);
      stores.push(store);
      const base = { store: location, url: fixture.url.href, concurrency: 100 };
      const spawn = (
        config: Omit<WorkerConfig, 'store' | 'url' | 'concurrency'> & { concurrency?: number },
        killWhen?: Parameters<typeof startWorker>[1],
      ) => {
        const worker = startWorker({ ...base, ...config }, killWhen);
        workers.push(worker);
        return worker;
      };
      return { store, spawn };
    }

    /** Starts `count` slow tasks on the fixture and saves them as pending work nobody holds yet. */
    async function seed(store: TaskStore, runId: string, count: number, delayMs: number) {
      const mcp = new MCPToolset(fixture.url, { id: 'fixture' });
      await mcp.open();
      try {
        await Promise.all(
          Array.from({ length: count }, async (_, index) => {
            const handle = await mcp.startTask('slow_task', { value: `${runId}-${index}`, delayMs });
            await store.put({
              runId,
              toolCallId: `call-${index}`,
              toolName: 'slow_task',
              taskId: handle.taskId,
              reference: handle.toJSON(),
            });
          }),
        );
      } finally {
        await mcp.close();
      }
    }

    async function slowTaskCalls(runId: string): Promise<number> {
      return (await fixture.inspector.calls()).filter(
        (call) => call.tool === 'slow_task' && String(call.arguments.value).startsWith(runId),
      ).length;
    }

    it('a worker killed mid-task is restarted and delivers every pending follow-up once', async () => {
      const { store, spawn } = await setup('restart');
      const runId = 'restart';
      // Killed the moment its last call is acknowledged: an acknowledged task is already saved.
      const first = spawn(
        { owner: 'first', leaseMs: 1_500, start: { runId, count: 5, delayMs: 2_500 } },
        (_, lines) => lines.filter((line) => line.type === 'started').length === 5,
      );
      await first.exit(30_000);
      expect(first.reports('started')).toHaveLength(5);
      expect(await store.pending(runId)).toHaveLength(5);
      expect((await store.pending(runId)).every((task) => task.lease?.owner === 'first')).toBe(true);
      expect(first.reports('recorded')).toEqual([]); // it died before any task finished

      const second = spawn({ owner: 'second', leaseMs: 1_500 });
      const followUps = await eventually(
        'five follow-ups',
        async () => ((await store.followUps(runId)).length === 5 ? store.followUps(runId) : undefined),
        30_000,
      );
      expect(followUps.map((item) => item.content).sort()).toEqual(
        Array.from({ length: 5 }, (_, index) => `done: v${index}`).sort(),
      );
      expect(new Set(followUps.map((item) => item.followUpId)).size).toBe(5);
      expect(followUps.every((item) => item.recordedBy === 'second' && item.outcome === 'result')).toBe(true);
      expect(await store.pending(runId)).toEqual([]);
      // Resumed, not re-run: the server saw each call once.
      expect(
        (await fixture.inspector.calls()).filter(
          (call) => call.tool === 'slow_task' && /^v\d$/.test(String(call.arguments.value)),
        ),
      ).toHaveLength(5);
      // Its report lines follow the store's commits; wait for the last ones before counting.
      await eventually('the second worker reporting five', () => second.reports('recorded').length >= 5 || undefined);
      expect(second.reports('recorded')).toHaveLength(5);
      expect(second.reports('fenced')).toEqual([]);
      // Acknowledged follow-ups are not read again.
      await store.acknowledge(
        runId,
        followUps.map((item) => item.followUpId),
      );
      expect(await store.followUps(runId)).toEqual([]);
    }, 90_000);

    it('three workers, 200 tasks, one killed holding leases: every follow-up recorded exactly once', async () => {
      const { store, spawn } = await setup('many');
      const runId = 'many';
      const leaseMs = 2_000;
      await seed(store, runId, 200, 6_000);
      const doomed = spawn({ owner: 'doomed', leaseMs });
      const held = await eventually('leases held by the doomed worker', async () => {
        const owned = (await store.pending(runId)).filter((task) => task.lease?.owner === 'doomed');
        return owned.length > 0 ? owned : undefined;
      });
      const survivors = [spawn({ owner: 'survivor-1', leaseMs }), spawn({ owner: 'survivor-2', leaseMs })];
      doomed.signal('SIGKILL');
      const killedAt = Date.now();
      await doomed.exit();
      // Its tasks are taken over once its leases expire (plus a claim interval), not later.
      await eventually('the dead worker’s tasks taken over', async () => {
        const pending = await store.pending(runId);
        return pending.every((task) => task.lease?.owner !== 'doomed') || undefined;
      });
      const takeoverMs = Date.now() - killedAt;
      expect(takeoverMs).toBeLessThan(leaseMs + 15_000);

      const followUps = await eventually(
        '200 follow-ups',
        async () => ((await store.followUps(runId)).length >= 200 ? store.followUps(runId) : undefined),
        60_000,
      );
      expect(followUps).toHaveLength(200);
      expect(new Set(followUps.map((item) => item.toolCallId)).size).toBe(200);
      for (const item of followUps) {
        expect(item.content).toBe(`done: ${runId}-${item.toolCallId.slice('call-'.length)}`);
      }
      expect(await store.pending(runId)).toEqual([]);
      const heldIds = new Set(held.map((task) => task.toolCallId));
      const byDoomed = followUps.filter((item) => heldIds.has(item.toolCallId));
      expect(byDoomed.every((item) => item.recordedBy.startsWith('survivor-'))).toBe(true);
      // A worker writes its report after the store commits: under load the last lines may still be on their way.
      const recorded = await eventually('every worker report read', async () => {
        const lines = [...survivors, doomed].flatMap((worker) => worker.reports('recorded'));
        return lines.length >= 200 ? lines : undefined;
      });
      expect(recorded).toHaveLength(200);
      expect(new Set(recorded.map((line) => line.toolCallId)).size).toBe(200);
      expect(await slowTaskCalls(runId)).toBe(200); // resumed, never re-run
    }, 120_000);

    it('a worker paused past its lease cannot deliver (fenced)', async () => {
      const { store, spawn } = await setup('paused');
      const runId = 'paused';
      await seed(store, runId, 3, 6_000);
      const paused = spawn({ owner: 'paused', leaseMs: 1_000 });
      await eventually('the paused worker holding all three', async () => {
        const pending = await store.pending(runId);
        return pending.length === 3 && pending.every((task) => task.lease?.owner === 'paused');
      });
      paused.signal('SIGSTOP');
      const other = spawn({ owner: 'other', leaseMs: 1_000 });
      await eventually('the other worker holding all three', async () => {
        const pending = await store.pending(runId);
        return pending.length === 3 && pending.every((task) => task.lease?.owner === 'other');
      });
      // Woken while its tasks still run: it watches them to the end and tries to deliver, racing
      // the worker that took over; its stale fencing token loses every time.
      paused.signal('SIGCONT');
      await eventually('three follow-ups', async () => (await store.followUps(runId)).length === 3, 30_000);
      await eventually('the paused worker fenced on all three', () => paused.reports('fenced').length === 3, 30_000);
      expect(paused.reports('lease-lost').length).toBeGreaterThan(0);
      expect(paused.reports('recorded')).toEqual([]);
      const followUps = await store.followUps(runId);
      expect(followUps).toHaveLength(3);
      expect(followUps.every((item) => item.recordedBy === 'other')).toBe(true);
      await eventually('the other worker reporting three', () => other.reports('recorded').length >= 3 || undefined);
      expect(other.reports('recorded')).toHaveLength(3);
    }, 90_000);
  });
}
