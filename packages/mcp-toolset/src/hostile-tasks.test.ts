// Hardening, round two: the faults that behave the same on both task generations, each against the
// hostile fixture of either generation over every transport, with its bound. (What differs lives in
// hostile-2025.test.ts and hostile-2026.test.ts.)
import {
  CancelledError,
  ModelRetry,
  ProtocolError,
  TaskCancelledError,
  TaskDeadlineError,
  TaskExpiredError,
} from '@toolwright/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MCPToolset } from './mcp-toolset.ts';
import type { MCPToolsetOptions } from './options.ts';
import { type HostileFixture, hostileFixtures, type SharedFaults } from './test-support/hostile-fixtures.ts';
import { sleep, UNACKNOWLEDGED, within } from './test-support/test-outcomes.ts';

// Each test starts its own server; a stdio child starts slowly on a loaded machine. The bounds that
// matter are asserted inside the tests (`within`), from the moment the fault applies.
vi.setConfig({ testTimeout: 40_000 });

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A request timeout far above every bound asserted here: waiting for it would fail the test. */
const LONG_REQUEST_MS = 30_000;

describe.each(hostileFixtures)('hardening on $name', ({ generation, start }) => {
  async function connect(faults: SharedFaults = {}, toolsetOptions: MCPToolsetOptions = {}) {
    const fixture: HostileFixture = await start(faults);
    cleanups.push(() => fixture.close());
    const toolset = new MCPToolset(fixture.source(), { id: 'hostile', protocolVersion: generation, ...toolsetOptions });
    await toolset.open();
    cleanups.push(async () => {
      if (toolset.isOpen) await toolset.close();
    });
    return { fixture, toolset };
  }

  /** Waits until the server holds the task of a call of `tool` (its tools/call arrived) and returns its id. */
  async function createdBy(fixture: HostileFixture, tool: string): Promise<string> {
    await expect.poll(() => fixture.taskOf(tool)).toBeTypeOf('string');
    return (await fixture.taskOf(tool)) as string;
  }

  it.each([
    { code: -32602, message: 'No such task exists' },
    { code: -32603, message: 'Task not found' },
    { code: -32000, message: 'unknown task' },
    { code: -32602, message: 'Invalid params', dataTaskId: true },
  ])(
    'resumes a task the server does not know ($message, $code) as a TaskExpiredError naming the reference',
    async (unknownTaskError) => {
      const { toolset } = await connect({ unknownTaskError });
      const reference = {
        type: 'mcp-task' as const,
        protocol: generation,
        server: 'hostile',
        taskId: 'gone',
        toolName: 'slow_task',
      };
      const error = await within(toolset.resumeTask(reference), 5_000);
      expect(ModelRetry.isInstance(error)).toBe(false);
      expect(TaskExpiredError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ taskId: 'gone', toolName: 'slow_task', reference });
      expect((error as Error).message).toContain('gone');
    },
  );

  it('rejects handle.cancel() refused by the server with a ProtocolError naming the task, its cause the answer', async () => {
    const { toolset } = await connect({ failingMethods: ['tasks/cancel'] });
    const handle = await toolset.startTask('cancellable_task', { durationMs: 60_000 });
    const error = await within(handle.cancel(), 5_000);
    expect(ProtocolError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ taskId: handle.taskId, reference: handle.toJSON() });
    expect((error as Error).message).toContain('tasks/cancel');
    expect((error as Error & { cause: { code?: unknown } }).cause?.code).toBe(-32603);
  });

  it('answers an abort at once when the server never acknowledges tasks/cancel, and says so', async () => {
    const { fixture, toolset } = await connect(
      { unansweredMethods: ['tasks/cancel'] },
      { timeouts: { requestMs: LONG_REQUEST_MS } },
    );
    const controller = new AbortController();
    const handle = await toolset.startTask('cancellable_task', { durationMs: 60_000 });
    const waiting = handle.result({ signal: controller.signal });
    controller.abort(new Error('user stopped'));
    const error = await within(waiting, 3_000);
    expect(TaskCancelledError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ taskId: handle.taskId, reference: handle.toJSON() });
    expect((error as Error).message).toMatch(UNACKNOWLEDGED);
    await expect.poll(() => fixture.taskIdsReceived('tasks/cancel')).toContain(handle.taskId);
  });

  it('says so when the server acknowledged the cancellation of an aborted task', async () => {
    const { toolset } = await connect();
    const controller = new AbortController();
    const handle = await toolset.startTask('cancellable_task', { durationMs: 60_000 });
    const waiting = handle.result({ signal: controller.signal });
    controller.abort();
    const error = await within(waiting, 3_000);
    expect(TaskCancelledError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('The server acknowledged the cancellation.');
  });

  it('passes a deadline at once when the server never acknowledges tasks/cancel', async () => {
    const { toolset } = await connect(
      { unansweredMethods: ['tasks/cancel'] },
      { timeouts: { requestMs: LONG_REQUEST_MS } },
    );
    const handle = await toolset.startTask('cancellable_task', { durationMs: 60_000 });
    const error = await within(handle.result({ timeoutMs: 200 }), 3_000);
    expect(TaskDeadlineError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ cancelled: true, reference: handle.toJSON() });
    expect((error as Error).message).toMatch(UNACKNOWLEDGED);
  });

  it('gives up on a task creation the server answers late, and cancels the task once the answer comes', async () => {
    const { fixture, toolset } = await connect({}, { timeouts: { requestMs: LONG_REQUEST_MS } });
    const controller = new AbortController();
    await toolset.getTools();
    const call = within(
      toolset.directCallTool(
        'slow_create_task',
        { createDelayMs: 3_000 },
        { useTask: true, signal: controller.signal },
      ),
      2_500,
    );
    const taskId = await createdBy(fixture, 'slow_create_task');
    controller.abort(new Error('user stopped'));
    const error = await call;
    // No task id is known yet: a cancellation of the call, named by its tool.
    expect(CancelledError.isInstance(error)).toBe(true);
    expect(TaskCancelledError.isInstance(error)).toBe(false);
    expect((error as CancelledError).toolName).toBe('slow_create_task');
    await expect.poll(() => fixture.taskIdsReceived('tasks/cancel'), { timeout: 10_000 }).toContain(taskId);
  });

  it('cancels a task created while the run was aborted and names it in the error (server answering in 600 ms)', async () => {
    const { fixture, toolset } = await connect();
    const controller = new AbortController();
    await toolset.getTools();
    const call = within(
      toolset.directCallTool('slow_create_task', { createDelayMs: 600 }, { useTask: true, signal: controller.signal }),
      3_000,
    );
    const taskId = await createdBy(fixture, 'slow_create_task');
    controller.abort();
    const error = await call;
    expect(TaskCancelledError.isInstance(error)).toBe(true);
    expect(CancelledError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ taskId, toolName: 'slow_create_task' });
    await expect.poll(() => fixture.taskIdsReceived('tasks/cancel')).toContain(taskId);
  });
});

describe.each(hostileFixtures.filter(({ name }) => name.endsWith('over stdio')))(
  'hardening on $name',
  ({ generation, start }) => {
    it('sends 1 000 concurrent calls over one stdio connection without a MaxListenersExceededWarning', async () => {
      const warnings: Error[] = [];
      const onWarning = (warning: Error) => warnings.push(warning);
      process.on('warning', onWarning);
      try {
        const fixture = await start();
        cleanups.push(() => fixture.close());
        await using toolset = new MCPToolset(fixture.source(), { protocolVersion: generation });
        await toolset.open();
        const text = 'x'.repeat(200);
        const answers = await Promise.all(
          Array.from({ length: 1_000 }, () => toolset.directCallTool('echo', { text })),
        );
        expect(answers.every((answer) => answer === text)).toBe(true);
        await sleep(50); // a warning is emitted on the next tick
      } finally {
        process.off('warning', onWarning);
      }
      expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual([]);
    }, 60_000);
  },
);
