import { createRunContext, forToolCall, type ToolDefinition, UserError } from '@toolwright/core';
import { MCPToolset } from '@toolwright/mcp-toolset';
import { startHttpFixture, startHttpTasksExtensionFixture } from '@toolwright/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BackgroundTools } from './background-tools.ts';
import { applyCapabilities } from './capability.ts';
import type { StoreEvent } from './durable-work.ts';
import { SetToolMetadata } from './set-tool-metadata.ts';
import { InMemoryTaskStore, type StoredFollowUp } from './task-store.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(store: InMemoryTaskStore, owner: string, leaseMs = 600) {
  const fixture = await startHttpFixture({ pollInterval: 50 });
  cleanups.push(() => fixture.close());
  const events: StoreEvent[] = [];
  const app = async (name: string) => {
    const mcp = new MCPToolset(fixture.url, { id: 'fixture' });
    const background = new BackgroundTools({ store, owner: name, leaseMs, onStoreEvent: (e) => events.push(e) });
    const toolset = applyCapabilities(mcp, [
      new SetToolMetadata({ tools: { task: true }, metadata: { background: true } }),
      background,
    ]);
    await toolset.open();
    cleanups.push(() => toolset.close());
    return { mcp, background, toolset };
  };
  return { fixture, events, app, first: await app(owner) };
}

describe('BackgroundTools with a task store', () => {
  it('saves a started task as pending work it holds, then records its follow-up once', async () => {
    const store = new InMemoryTaskStore();
    const { first, events } = await setup(store, 'worker-a');
    const run = createRunContext({ runId: 'run-1' });
    const tool = (await first.toolset.getTools(run)).find((t) => t.name === 'slow_task') as ToolDefinition;
    const ack = String(
      await first.toolset.callTool(
        'slow_task',
        { value: 'x', delayMs: 300 },
        forToolCall(run, { toolCallId: 'c1' }),
        tool,
      ),
    );
    const taskId = /as task (\S+)\./.exec(ack)?.[1];
    await expect
      .poll(() => first.background.storedPending('run-1'))
      .toMatchObject([{ toolCallId: 'c1', taskId, lease: { owner: 'worker-a', token: 1 } }]);
    const local = (await run.followUps.next()) as StoredFollowUp;
    expect(local).toMatchObject({ followUpId: 'run-1:c1', id: taskId, content: 'done: x', recordedBy: 'worker-a' });
    expect(await first.background.storedPending('run-1')).toEqual([]);
    const stored = await first.background.followUps('run-1');
    expect(stored).toMatchObject([{ followUpId: 'run-1:c1', content: 'done: x' }]);
    expect(events.map((e) => e.type)).toEqual(['recorded']);
    await first.background.acknowledge('run-1', ['run-1:c1']);
    expect(await first.background.followUps('run-1')).toEqual([]);
  });

  it('lets another worker take over a task whose holder stopped renewing, and wakes the reader', async () => {
    const store = new InMemoryTaskStore();
    const { app, fixture } = await setup(store, 'unused');
    const mcp = new MCPToolset(fixture.url, { id: 'fixture' });
    await mcp.open();
    cleanups.push(() => mcp.close());
    const handle = await mcp.startTask('slow_task', { value: 'orphan', delayMs: 200 });
    // Saved by a worker that then vanished: its lease runs out unrenewed.
    await store.put(
      { runId: 'run-2', toolCallId: 'c9', toolName: 'slow_task', taskId: handle.taskId, reference: handle.toJSON() },
      { owner: 'vanished', leaseMs: 300 },
    );
    const second = await app('worker-b');
    const worker = second.background.startWorker({ toolset: second.mcp, intervalMs: 50 });
    cleanups.push(() => worker.stop());
    const items = await second.background.nextFollowUps('run-2', { signal: AbortSignal.timeout(10_000) });
    expect(items).toMatchObject([
      { followUpId: 'run-2:c9', id: handle.taskId, outcome: 'result', content: 'done: orphan', recordedBy: 'worker-b' },
    ]);
    expect(worker.active).toBe(0);
  });

  it('gives its leases back when stopped, so another worker takes over at once', async () => {
    const store = new InMemoryTaskStore();
    const { first, fixture, events } = await setup(store, 'stopping', 60_000);
    const mcp = new MCPToolset(fixture.url, { id: 'fixture' });
    await mcp.open();
    cleanups.push(() => mcp.close());
    const handle = await mcp.startTask('slow_task', { value: 'handed over', delayMs: 400 });
    await store.put({
      runId: 'run-5',
      toolCallId: 'c1',
      toolName: 'slow_task',
      taskId: handle.taskId,
      reference: handle.toJSON(),
    });
    // The worker resumes through this resumer, so the test sees when it has the task's result.
    let watching: Promise<unknown> | undefined;
    const resumer = {
      resumeTask: async (reference: Parameters<MCPToolset['resumeTask']>[0]) => {
        const resumed = await first.mcp.resumeTask(reference);
        return { result: () => (watching = resumed.result()) };
      },
    };
    const worker = first.background.startWorker({ toolset: resumer, intervalMs: 20 });
    await vi.waitFor(() => expect(watching).toBeDefined(), { timeout: 10_000 });
    await worker.stop();
    const [claimed] = await store.claim({ owner: 'next', leaseMs: 60_000, limit: 1 });
    expect(claimed?.lease).toMatchObject({ owner: 'next', token: 2 });
    expect(await watching).toBe('done: handed over');
    // Whatever the stopped worker does with the result, it does before the next turn of the event loop
    // (the in-memory store answers at once); it must do nothing: not record, not even try (fenced).
    await new Promise((resolve) => setImmediate(resolve));
    expect(await store.followUps('run-5')).toEqual([]);
    expect(events.filter((event) => event.runId === 'run-5')).toEqual([]);
  });

  it('records a failed task as a failure follow-up', async () => {
    const store = new InMemoryTaskStore();
    const { first, fixture } = await setup(store, 'worker-c');
    const mcp = new MCPToolset(fixture.url, { id: 'fixture' });
    await mcp.open();
    cleanups.push(() => mcp.close());
    const handle = await mcp.startTask('failing_task', { message: 'quota exceeded' });
    await store.put({
      runId: 'run-3',
      toolCallId: 'c1',
      toolName: 'failing_task',
      taskId: handle.taskId,
      reference: handle.toJSON(),
    });
    const worker = first.background.startWorker({ toolset: first.mcp, intervalMs: 50 });
    cleanups.push(() => worker.stop());
    const [item] = await first.background.nextFollowUps('run-3', { signal: AbortSignal.timeout(10_000) });
    expect(item?.outcome).toBe('failure');
    expect(item?.message).toContain('quota exceeded');
  });

  it('keeps a second task under an already saved tool call id in memory, and says so', async () => {
    const store = new InMemoryTaskStore();
    const { first, events } = await setup(store, 'worker-d');
    const run = createRunContext({ runId: 'run-4' });
    const tool = (await first.toolset.getTools(run)).find((t) => t.name === 'slow_task') as ToolDefinition;
    const same = forToolCall(run, { toolCallId: 'same' });
    await first.toolset.callTool('slow_task', { value: 'one', delayMs: 200 }, same, tool);
    await first.toolset.callTool('slow_task', { value: 'two', delayMs: 10 }, same, tool);
    const error = events.find((event) => event.type === 'store-error')?.error;
    expect(String((error as Error | undefined)?.message)).toContain("already saved tool call 'same'");
    const delivered = [await run.followUps.next(), await run.followUps.next()];
    expect(delivered.map((item) => item.content).sort()).toEqual(['done: one', 'done: two']);
    // Only the first is in the store; the second was delivered in memory, as without a store.
    expect((await store.followUps('run-4')).map((item) => item.content)).toEqual(['done: one']);
  });

  it('needs a store for the durable methods, and a positive lease', () => {
    const background = new BackgroundTools();
    expect(() => background.followUps('run')).toThrow(UserError);
    expect(() => background.startWorker({ toolset: { resumeTask: () => Promise.reject(new Error('x')) } })).toThrow(
      /needs a store/,
    );
    expect(() => new BackgroundTools({ leaseMs: 0 })).toThrow(/positive leaseMs/);
  });

  it('stops waiting for follow-ups when the signal aborts', async () => {
    const background = new BackgroundTools({ store: new InMemoryTaskStore() });
    const controller = new AbortController();
    // A poll far beyond the test's timeout: only the abort can end the wait in time.
    const waiting = background.nextFollowUps('run', { signal: controller.signal, pollMs: 600_000 });
    controller.abort(new Error('enough'));
    await expect(waiting).rejects.toThrow('enough');
  });

  it('takes over a task of an MCP 2026-07-28 server from its reference, which names the generation', async () => {
    const store = new InMemoryTaskStore();
    const fixture = await startHttpTasksExtensionFixture({ pollIntervalMs: 50 });
    cleanups.push(() => fixture.close());
    const mcp = new MCPToolset(fixture.url, { id: 'fixture-2026' });
    await mcp.open();
    cleanups.push(() => mcp.close());
    const handle = await mcp.startTask('slow_task', { value: 'later', delayMs: 300 });
    const reference = handle.toJSON();
    expect(reference.protocol).toBe('2026-07-28');
    await store.put(
      { runId: 'run-26', toolCallId: 'c1', toolName: 'slow_task', taskId: handle.taskId, reference },
      { owner: 'vanished', leaseMs: 300 },
    );
    const worker2026 = new MCPToolset(fixture.url, { id: 'fixture-2026' });
    const background = new BackgroundTools({ store, owner: 'worker-b', leaseMs: 600 });
    const toolset = applyCapabilities(worker2026, [background]);
    await toolset.open();
    cleanups.push(() => toolset.close());
    const worker = background.startWorker({ toolset: worker2026, intervalMs: 50 });
    cleanups.push(() => worker.stop());
    const items = await background.nextFollowUps('run-26', { signal: AbortSignal.timeout(10_000) });
    expect(items).toMatchObject([
      { followUpId: 'run-26:c1', id: handle.taskId, outcome: 'result', content: 'done: later', recordedBy: 'worker-b' },
    ]);
  });
});
