import { createHook } from 'node:async_hooks';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import {
  ConnectionLostError,
  createRunContext,
  ModelRetry,
  ProtocolError,
  TaskCancelledError,
  TaskDeadlineError,
  TaskExpiredError,
  type ToolEvent,
  UserError,
} from '@toolwright/core';
import { type FixtureOptions, startInMemoryFixture, startInMemoryTasksExtensionFixture } from '@toolwright/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MCPToolset } from '../mcp-toolset.ts';
import type { MCPToolsetOptions } from '../options.ts';
import { ManualClock } from '../test-support/manual-clock.ts';
import { type RunningFixture, transports } from '../test-support/test-transports.ts';
import type { TaskHandleEvent } from './task-lifecycle.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Fast polling for the tests that rely on the fallback; the notification tests set a long interval instead. */
const FAST: FixtureOptions = { pollInterval: 20 };

describe.each(transports)('task engine over $name', ({ start }) => {
  async function connect(fixtureOptions: FixtureOptions = FAST, toolsetOptions: MCPToolsetOptions = {}) {
    const fixture: RunningFixture = await start(fixtureOptions);
    cleanups.push(() => fixture.close());
    const toolset = await openToolset(fixture.source, toolsetOptions);
    return { fixture, toolset };
  }

  async function openToolset(source: RunningFixture['source'], options: MCPToolsetOptions = {}) {
    const toolset = new MCPToolset(source, { id: 'fixture', ...options });
    await toolset.open();
    cleanups.push(async () => {
      if (toolset.isOpen) await toolset.close();
    });
    return toolset;
  }

  it('wakes on the status notification, not on a poll', async () => {
    // A 60 s poll interval: finishing well within the test timeout proves the notification woke it.
    const { toolset } = await connect({ pollInterval: 60_000, taskDelayMs: 30 });
    const handle = await toolset.startTask('slow_task', { value: 'fast' });
    expect(await handle.result()).toBe('done: fast');
    expect(handle.status).toBe('completed');
  });

  it('falls back to polling when the server sends no status notification', async () => {
    const { toolset } = await connect({ pollInterval: 20, statusNotifications: false, taskDelayMs: 30 });
    const handle = await toolset.startTask('slow_task', { value: 'polled' });
    expect(await handle.result()).toBe('done: polled');
  });

  it('cancels the server task when the run is aborted', async () => {
    const { toolset, fixture } = await connect();
    const controller = new AbortController();
    const ctx = createRunContext({ signal: controller.signal });
    let taskId: string | undefined;
    ctx.events.on('task-created', (event) => {
      taskId = event.taskId;
      controller.abort(new Error('user stopped the run'));
    });
    const tools = await toolset.getTools();
    const tool = tools.find((candidate) => candidate.name === 'cancellable_task');
    const error = await toolset
      .callTool('cancellable_task', { durationMs: 10_000 }, ctx, tool as never)
      .catch((caught: unknown) => caught);
    expect(TaskCancelledError.isInstance(error)).toBe(true);
    expect((error as TaskCancelledError).reference).toMatchObject({ taskId });
    expect(await fixture.inspector.cancelsReceived()).toContain(taskId);
    await expect.poll(async () => (await fixture.inspector.task(taskId as string))?.cancelObserved).toBe(true);
  });

  it('cancels through the handle', async () => {
    const { toolset, fixture } = await connect();
    const handle = await toolset.startTask('cancellable_task', { durationMs: 10_000 });
    const waiting = handle.result();
    await handle.cancel();
    await expect(waiting).rejects.toSatisfy((error) => TaskCancelledError.isInstance(error));
    expect(handle.status).toBe('cancelled');
    expect(await fixture.inspector.cancelsReceived()).toEqual([handle.taskId]);
  });

  it('cancels the task when its deadline passes', async () => {
    const clock = new ManualClock();
    const { toolset, fixture } = await connect(FAST, { clock });
    const handle = await toolset.startTask('cancellable_task', { durationMs: 10_000 });
    const waiting = handle.result({ timeoutMs: 100 }).catch((caught: unknown) => caught);
    clock.advance(99);
    expect(await fixture.inspector.cancelsReceived()).toEqual([]);
    clock.advance(1);
    const error = await waiting;
    expect(TaskDeadlineError.isInstance(error)).toBe(true);
    expect((error as TaskDeadlineError).cancelled).toBe(true);
    expect(await fixture.inspector.cancelsReceived()).toEqual([handle.taskId]);
  });

  it('leaves the task running past the deadline when asked, and the reference fetches it later', async () => {
    const clock = new ManualClock();
    const { toolset, fixture } = await connect({ ...FAST, taskDelayMs: 400 }, { clock });
    const handle = await toolset.startTask('slow_task', { value: 'later' });
    const waiting = handle.result({ timeoutMs: 50, onTimeout: 'leave-running' }).catch((caught: unknown) => caught);
    clock.advance(50);
    const error = await waiting;
    expect(TaskDeadlineError.isInstance(error)).toBe(true);
    const deadline = error as TaskDeadlineError;
    expect(deadline.cancelled).toBe(false);
    expect(await fixture.inspector.cancelsReceived()).toEqual([]);
    const resumed = await toolset.resumeTask(JSON.parse(JSON.stringify(deadline.reference)));
    expect(await resumed.result()).toBe('done: later');
  });

  it('answers input_required through the elicitation handler', async () => {
    const asked: unknown[] = [];
    const { toolset } = await connect(FAST, {
      elicitation: async (request, context) => {
        asked.push([request.message, context.taskId]);
        return { action: 'accept', content: { name: 'Ada' } };
      },
    });
    const handle = await toolset.startTask('input_task', {});
    expect(await handle.result()).toBe('Hello, Ada');
    expect(asked).toHaveLength(1);
    expect((asked[0] as unknown[])[1]).toBe(handle.taskId);
  });

  it('without an elicitation handler, cancels a task that needs input and names the option to set', async () => {
    const { toolset, fixture } = await connect(FAST);
    const handle = await toolset.startTask('input_task', {});
    const error = await handle.result().catch((caught: unknown) => caught);
    expect(UserError.isInstance(error)).toBe(true);
    const message = (error as UserError).message;
    expect(message).toContain(`Task ${handle.taskId} of tool 'input_task'`);
    expect(message).toContain('Pass the `elicitation` option to MCPToolset');
    // The cancel arrived before the caller was told: nothing is left running on the server.
    expect(await fixture.inspector.cancelsReceived()).toEqual([handle.taskId]);
  });

  it('with a sampling handler only, cancels a task whose server asks for elicitation, and names the option', async () => {
    const { toolset, fixture } = await connect(FAST, {
      sampling: async () => ({ role: 'assistant', content: { type: 'text', text: 'x' }, model: 'm' }),
    });
    const handle = await toolset.startTask('input_task', {});
    const error = await handle.result().catch((caught: unknown) => caught);
    expect(UserError.isInstance(error)).toBe(true);
    const message = (error as UserError).message;
    expect(message).toContain(`Task ${handle.taskId} of tool 'input_task' needs input (elicitation/create)`);
    expect(message).toContain('Pass the `elicitation` option to MCPToolset');
    expect(await fixture.inspector.cancelsReceived()).toEqual([handle.taskId]);
  });

  it('names the option when a plain call fails because the server asked for input nobody could give', async () => {
    const { toolset } = await connect(FAST, {
      elicitation: async () => ({ action: 'accept', content: {} }),
    });
    const error = await toolset.directCallTool('sampling_tool', { prompt: 'hi' }).catch((caught: unknown) => caught);
    expect(UserError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /Tool 'sampling_tool' needs input \(sampling\/createMessage\).*Pass the `sampling` option to MCPToolset/,
    );
  });

  it('reports status, status messages and progress in order, with the task id', async () => {
    const { toolset } = await connect();
    const ctx = createRunContext({ toolCallId: 'call-1' });
    const events: ToolEvent[] = [];
    ctx.events.on('*', (event) => events.push(event));
    const handle = await toolset.startTask('progress_task', { steps: 3, stepMs: 20 }, { ctx });
    const seen: TaskHandleEvent[] = [];
    handle.on((event) => seen.push(event));
    await handle.result();
    const progress = events.filter((event) => event.type === 'progress');
    expect(progress.map((event) => event.progress)).toEqual([1, 2, 3]);
    expect(events[0]).toMatchObject({ type: 'task-created', taskId: handle.taskId, toolCallId: 'call-1' });
    for (const event of events) expect(event).toMatchObject({ toolName: 'progress_task', toolCallId: 'call-1' });
    expect(events.at(-1)).toMatchObject({ type: 'task-status', status: 'completed' });
    expect(
      seen.filter((event) => event.type === 'progress').map((event) => event.type === 'progress' && event.progress),
    ).toEqual([1, 2, 3]);
  });

  it('hands progress reported before the first listener came to that listener', async () => {
    const { toolset } = await connect();
    const handle = await toolset.startTask('progress_task', { steps: 4, stepMs: 50 });
    // Whatever came before the listener (as the handle was made, or since) is not lost to it.
    await vi.waitFor(() => expect(handle.progress?.progress).toBeGreaterThanOrEqual(1), { timeout: 10_000 });
    const seen: number[] = [];
    handle.on((event) => {
      if (event.type === 'progress') seen.push(event.progress);
    });
    await handle.result();
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  it('iterates status and progress until the task ends', async () => {
    const { toolset } = await connect();
    const handle = await toolset.startTask('progress_task', { steps: 2, stepMs: 20 });
    const kinds: string[] = [];
    for await (const event of handle.events())
      kinds.push(event.type === 'status' ? event.task.status : `progress ${event.progress}`);
    expect(kinds[0]).toBe('working');
    expect(kinds.at(-1)).toBe('completed');
    expect(kinds).toContain('progress 2');
  });

  it('maps a failed task through toolErrorBehavior with the server message', async () => {
    const { toolset } = await connect();
    const handle = await toolset.startTask('failing_task', { message: 'quota exceeded' });
    const error = await handle.result().catch((caught: unknown) => caught);
    expect(ModelRetry.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('quota exceeded');
    expect(handle.status).toBe('failed');
  });

  it('rejects with TaskCancelledError when the task is cancelled elsewhere', async () => {
    const { toolset } = await connect();
    const handle = await toolset.startTask('cancellable_task', { durationMs: 10_000 });
    const other = await toolset.resumeTask(handle.toJSON());
    const waiting = other.result();
    await handle.cancel();
    await expect(waiting).rejects.toSatisfy((error) => TaskCancelledError.isInstance(error));
  });

  it('gives TaskExpiredError for a task the server no longer has', async () => {
    const { toolset } = await connect({ ...FAST, ttl: 50, taskDelayMs: 10 });
    const handle = await toolset.startTask('slow_task', { value: 'gone' });
    await handle.wait();
    // The server drops the task once its 50 ms ttl passed (its own time): asked until it did.
    await vi.waitFor(
      async () => {
        const error = await toolset.resumeTask(handle.toJSON()).catch((caught: unknown) => caught);
        expect(TaskExpiredError.isInstance(error)).toBe(true);
      },
      { timeout: 10_000, interval: 50 },
    );
  });

  it.each(['missing-task', 'bad-status', 'task-id-not-string'])(
    'gives a ProtocolError for a malformed CreateTaskResult (%s)',
    async (kind) => {
      const { toolset } = await connect({ ...FAST, misbehaving: true });
      const error = await toolset.directCallTool('bad_create_result', { kind }).catch((caught: unknown) => caught);
      expect(ProtocolError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(/malformed tools\/call result for tool 'bad_create_result'/);
    },
  );

  it('gives a ProtocolError naming an unknown status value', async () => {
    const { toolset } = await connect({ ...FAST, misbehaving: true });
    const error = await toolset.directCallTool('bad_status_task', {}).catch((caught: unknown) => caught);
    expect(ProtocolError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('paused');
    expect((error as ProtocolError).reference).toMatchObject({ toolName: 'bad_status_task' });
  });

  it('maps a tasks/result error', async () => {
    const { toolset } = await connect({ ...FAST, misbehaving: true });
    const error = await toolset.directCallTool('result_error_task', {}).catch((caught: unknown) => caught);
    expect(ModelRetry.isInstance(error)).toBe(true);
  });

  it('ignores out-of-order and unknown status notifications', async () => {
    const { toolset } = await connect({ ...FAST, misbehaving: true });
    const handle = await toolset.startTask('out_of_order_task', {});
    await handle.result();
    expect(handle.status).toBe('completed');
  });

  it('gives ConnectionLostError with a reference when the server dies while a task runs', async () => {
    const { toolset } = await connect({ ...FAST, misbehaving: true });
    const handle = await toolset.startTask('dies_mid_task', { afterMs: 50 });
    const error = await handle.result().catch((caught: unknown) => caught);
    expect(ConnectionLostError.isInstance(error)).toBe(true);
    expect((error as ConnectionLostError).reference).toEqual(handle.toJSON());
  });

  it('runs 200 concurrent tasks on one connection, each with its own result', async () => {
    const { toolset } = await connect({ ...FAST, taskDelayMs: 50 });
    const values = Array.from({ length: 200 }, (_, index) => `v${index}`);
    const results = await Promise.all(values.map((value) => toolset.directCallTool('slow_task', { value })));
    expect(results).toEqual(values.map((value) => `done: ${value}`));
  });

  it('does not let the per-request timeout kill a task that runs longer', async () => {
    const { toolset } = await connect({ ...FAST, taskDelayMs: 600 }, { timeouts: { requestMs: 200 } });
    expect(await toolset.directCallTool('slow_task', { value: 'long' })).toBe('done: long');
  });

  it('refuses startTask for a tool that cannot run as a task', async () => {
    const { toolset } = await connect();
    await expect(toolset.startTask('forbidden_tool', {})).rejects.toThrow(
      /cannot run as a task: its taskSupport is 'forbidden'/,
    );
    await expect(toolset.startTask('echo', {})).rejects.toThrow(/taskSupport is absent/);
  });

  it('lists the tasks the server holds', async () => {
    const { toolset } = await connect();
    const handle = await toolset.startTask('slow_task', { value: 'listed' });
    await handle.result();
    expect((await toolset.listTasks()).map((task) => task.taskId)).toContain(handle.taskId);
  });
});

describe.each(transports.filter((transport) => transport.name === 'http'))('resuming over $name', ({ start }) => {
  it('resumes a task on a new connection after the first one closed', async () => {
    await using fixture = await start({ ...FAST, taskDelayMs: 300 });
    const first = new MCPToolset(fixture.source, { id: 'fixture' });
    await first.open();
    const handle = await first.startTask('slow_task', { value: 'resumed' });
    const waiting = handle.result().catch((caught: unknown) => caught);
    await first.close();
    const lost = await waiting;
    expect(ConnectionLostError.isInstance(lost)).toBe(true);
    const saved = JSON.stringify((lost as ConnectionLostError).reference);

    await using second = new MCPToolset(fixture.reconnect(), { id: 'fixture' });
    await second.open();
    const resumed = await second.resumeTask(JSON.parse(saved));
    expect(await resumed.result()).toBe('done: resumed');
  });

  it('refuses a reference from another server', async () => {
    await using fixture = await start(FAST);
    await using toolset = new MCPToolset(fixture.source, { id: 'fixture' });
    await toolset.open();
    await expect(
      toolset.resumeTask({
        type: 'mcp-task',
        protocol: '2025-11-25',
        server: 'elsewhere',
        taskId: 't',
        toolName: 'slow_task',
      }),
    ).rejects.toThrow(/belongs to server 'elsewhere'/);
  });

  it('refuses a reference of another task generation, naming both', async () => {
    await using fixture = await start(FAST);
    await using toolset = new MCPToolset(fixture.source, { id: 'fixture' });
    await toolset.open();
    const error = await toolset
      .resumeTask({ type: 'mcp-task', protocol: '2026-07-28', server: 'fixture', taskId: 't', toolName: 'slow_task' })
      .catch((caught: unknown) => caught);
    expect(UserError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/tasks 2026-07-28.*tasks 2025-11-25/);
  });
});

describe('task engine resources', () => {
  /** Runs `work` and counts the timers it created that are still alive once it settled: those nobody cleared. */
  async function timersLeftAfter(work: () => Promise<void>): Promise<number> {
    const live = new Set<number>();
    const hook = createHook({
      init(id, type) {
        if (type === 'Timeout') live.add(id);
      },
      destroy(id) {
        live.delete(id);
      },
    });
    hook.enable();
    try {
      await work();
      await new Promise((resolve) => setTimeout(resolve, 10));
      await new Promise((resolve) => setImmediate(resolve));
      return live.size;
    } finally {
      hook.disable();
    }
  }

  it('leaves no timer behind, whatever way its tasks end', async () => {
    const timersLeft = await timersLeftAfter(async () => {
      await using fixture = await startInMemoryFixture({ pollInterval: 20, ttl: null, taskDelayMs: 30 });
      await using toolset = new MCPToolset(fixture.clientTransport, { id: 'fixture' });
      await toolset.open();
      await (await toolset.startTask('slow_task', { value: 'a' })).result({ timeoutMs: 60_000 });
      const cancelled = await toolset.startTask('cancellable_task', { durationMs: 10_000 });
      await Promise.all([cancelled.result().catch(() => undefined), cancelled.cancel()]);
      await (await toolset.startTask('cancellable_task', { durationMs: 10_000 }))
        .result({ timeoutMs: 50 })
        .catch(() => undefined);
      const left = await toolset.startTask('slow_task', { value: 'b', delayMs: 200 });
      await left.result({ timeoutMs: 20, onTimeout: 'leave-running' }).catch(() => undefined);
      await (await toolset.resumeTask(left.toJSON())).result();
      await toolset
        .directCallTool('cancellable_task', { durationMs: 10_000 }, { signal: AbortSignal.timeout(30) })
        .catch(() => undefined);
      const abandoned = await toolset.startTask('cancellable_task', { durationMs: 10_000 });
      abandoned.on(() => undefined)();
    });
    expect(timersLeft).toBe(0);
  });

  it('leaves no timer behind on a 2026-07-28 server either: listens, input, cooperative cancel, ttl, abandoned calls', async () => {
    const timersLeft = await timersLeftAfter(async () => {
      await using fixture = await startInMemoryTasksExtensionFixture({ pollIntervalMs: 20, taskDelayMs: 30 });
      const transport = new StreamableHTTPClientTransport(fixture.url, { fetch: fixture.fetch });
      await using toolset = new MCPToolset(transport, {
        id: 'fixture-2026',
        elicitation: async () => ({ action: 'accept', content: { name: 'Ada' } }),
      });
      await toolset.open();
      await (await toolset.startTask('slow_task', { value: 'a' })).result({ timeoutMs: 60_000 });
      await toolset.directCallTool('input_task', {});
      await toolset.directCallTool('test_tool_with_task', {});
      const cancelled = await toolset.startTask('cancellable_task', { durationMs: 10_000 });
      await Promise.all([cancelled.result().catch(() => undefined), cancelled.cancel()]);
      await (await toolset.startTask('cancellable_task', { durationMs: 10_000 }))
        .result({ timeoutMs: 50 })
        .catch(() => undefined);
      await toolset
        .directCallTool('cancellable_task', { durationMs: 10_000 }, { useTask: false, signal: AbortSignal.timeout(1) })
        .catch(() => undefined);
      const abandoned = await toolset.startTask('cancellable_task', { durationMs: 10_000 });
      abandoned.on(() => undefined)();
    });
    expect(timersLeft).toBe(0);
  });
});
