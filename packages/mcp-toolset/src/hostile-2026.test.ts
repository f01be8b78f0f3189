// Hardening, round two, on MCP 2026-07-28 (the tasks extension): the faults that ended untyped, late
// or never, each against a hostile 2026 fixture of @toolwright/testing over every transport where it
// applies, with its bound.
import {
  CancelledError,
  ModelRetry,
  ProtocolError,
  TaskCancelledError,
  TaskError,
  TaskExpiredError,
  TaskFailedError,
  ToolFailed,
  ToolwrightError,
  UserError,
} from '@toolwright/core';
import { type TasksExtensionFixtureOptions, tasksExtensionStdioFixture } from '@toolwright/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MCPToolset } from './mcp-toolset.ts';
import type { MCPToolsetOptions } from './options.ts';
import { type Running2026Fixture, transports2026 } from './test-support/test-2026-transports.ts';
import { UNACKNOWLEDGED, within } from './test-support/test-outcomes.ts';

// Each test starts its own server; a stdio child starts slowly on a loaded machine. The bounds that
// matter are asserted inside the tests (`within`), from the moment the fault applies.
vi.setConfig({ testTimeout: 40_000 });

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A request timeout far above every bound asserted here: waiting for it would fail the test. */
const LONG_REQUEST_MS = 30_000;

/** The first defined value `read` gives, polled. */
async function eventuallyDefined<T>(read: () => Promise<T | undefined>): Promise<T> {
  let value: T | undefined;
  await expect
    .poll(async () => {
      value = await read();
      return value !== undefined;
    })
    .toBe(true);
  return value as T;
}

/** Whether `error` is one of the SDK's own classes (none may reach a caller). */
function isRawSdkError(error: unknown): boolean {
  return error instanceof Error && !ToolwrightError.isInstance(error);
}

describe.each(transports2026)('hardening on 2026-07-28 over $name', ({ name, http, start }) => {
  async function connect(fixtureOptions: TasksExtensionFixtureOptions = {}, toolsetOptions: MCPToolsetOptions = {}) {
    const fixture: Running2026Fixture = await start({ misbehaving: true, pollIntervalMs: 50, ...fixtureOptions });
    cleanups.push(() => fixture.close());
    const toolset = new MCPToolset(fixture.source(), {
      id: 'hostile-2026',
      protocolVersion: '2026-07-28',
      ...toolsetOptions,
    });
    await toolset.open();
    cleanups.push(async () => {
      if (toolset.isOpen) await toolset.close();
    });
    return { fixture, toolset };
  }
  const cancelsOf = async (fixture: Running2026Fixture) =>
    (await fixture.inspector.received('tasks/cancel')).map((message) => message.taskId);

  it('rejects a tools/list result the SDK finds invalid with a ProtocolError naming the method, at once', async () => {
    const { toolset } = await connect({ invalidToolsList: true });
    const error = await within(toolset.getTools(), 5_000);
    expect(isRawSdkError(error)).toBe(false);
    expect(ProtocolError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('tools/list');
  });

  if (http) {
    it('fails a task whose tasks/get keeps answering HTTP 500 with a ProtocolError carrying the reference', async () => {
      const { toolset } = await connect({ httpErrorMethods: ['tasks/get'], pollIntervalMs: 20 });
      const handle = await toolset.startTask('cancellable_task', { durationMs: 60_000 });
      const error = await within(handle.result(), 10_000);
      expect(isRawSdkError(error)).toBe(false);
      expect(ProtocolError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ taskId: handle.taskId, reference: handle.toJSON() });
      expect((error as Error).message).toContain('500');
      expect((error as Error).message).not.toContain('<html>');
    });
  }

  it('fails a task whose tasks/update is answered with a JSON-RPC error with a typed error naming the tool and the task', async () => {
    const { fixture, toolset } = await connect(
      { failingMethods: ['tasks/update'] },
      { elicitation: async () => ({ action: 'accept', content: { name: 'Ada' } }) },
    );
    const handle = await toolset.startTask('input_task', {});
    const error = await within(handle.result(), 5_000);
    expect(isRawSdkError(error)).toBe(false);
    expect(TaskError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ toolName: 'input_task', taskId: handle.taskId, reference: handle.toJSON() });
    expect((error as Error).message).toContain('input_task');
    expect((error as Error).message).toContain(handle.taskId);
    expect((error as Error & { cause: { code?: unknown } }).cause?.code).toBe(-32603);
    await expect.poll(() => cancelsOf(fixture)).toContain(handle.taskId);
  });

  it.each([60_000, null])(
    'ends a task whose input cannot be delivered (tasks/update: not found, tasks/get: waiting) within a few polls, ttl %s',
    async (ttlMs) => {
      const { fixture, toolset } = await connect(
        { taskNotFoundMethods: ['tasks/update'], ttlMs },
        { elicitation: async () => ({ action: 'accept', content: { name: 'Ada' } }) },
      );
      const handle = await toolset.startTask('input_task', {});
      const error = await within(handle.result(), 5_000);
      expect(ToolwrightError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ taskId: handle.taskId, reference: handle.toJSON() });
      expect((error as Error).message).toContain('input');
      await expect.poll(() => cancelsOf(fixture)).toContain(handle.taskId);
    },
  );

  it('fires the ttl backstop at once when the server never acknowledges tasks/cancel', async () => {
    // The server discards the task silently at its ttl; a poll a minute away cannot tell.
    const { toolset } = await connect(
      { unansweredMethods: ['tasks/cancel'], ttlMs: 300, pollIntervalMs: 600_000 },
      { timeouts: { requestMs: LONG_REQUEST_MS } },
    );
    const handle = await toolset.startTask('cancellable_task', { durationMs: 60_000 });
    // The ttl (300 ms) and its grace (1 s), then about a second for the cancellation.
    const error = await within(handle.result(), 3_500);
    expect(TaskExpiredError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(UNACKNOWLEDGED);
  });

  it('fails a task whose input handler throws at once when the server never acknowledges tasks/cancel', async () => {
    const { fixture, toolset } = await connect(
      { unansweredMethods: ['tasks/cancel'] },
      {
        timeouts: { requestMs: LONG_REQUEST_MS },
        elicitation: async () => {
          throw new Error('the form broke');
        },
      },
    );
    const handle = await toolset.startTask('input_task', {});
    const error = await within(handle.result(), 4_000);
    expect(UserError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('the form broke');
    expect((error as Error).message).toMatch(UNACKNOWLEDGED);
    await expect.poll(() => cancelsOf(fixture)).toContain(handle.taskId);
  });

  it('cancels a task the server makes of a plain call while the run was aborted, naming it in the error', async () => {
    const { fixture, toolset } = await connect();
    const controller = new AbortController();
    await toolset.getTools();
    const call = within(
      toolset.directCallTool('slow_create_task', { createDelayMs: 600 }, { useTask: false, signal: controller.signal }),
      3_000,
    );
    // Aborted once the server has the call (and its task), 600 ms before it answers.
    const taskId = await eventuallyDefined(async () => {
      const [created] = (await fixture.inspector.calls()).filter((record) => record.tool === 'slow_create_task');
      return created?.taskId;
    });
    controller.abort(new Error('user stopped'));
    const error = await call;
    expect(TaskCancelledError.isInstance(error)).toBe(true);
    expect(CancelledError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ taskId, toolName: 'slow_create_task' });
    await expect.poll(async () => (await fixture.inspector.task(taskId))?.status).toBe('cancelled');
  });

  it.each([
    ['retry', ModelRetry],
    ['failed', ToolFailed],
    ['error', TaskFailedError],
  ] as const)(
    'says why a task failed, with toolErrorBehavior %s: the status message and the error the server sent',
    async (toolErrorBehavior, type) => {
      const { toolset } = await connect({}, { toolErrorBehavior });
      const error = await within(
        toolset.directCallTool('failing_task', {
          kind: 'protocol-error',
          code: -32050,
          message: 'disk on fire',
          statusMessage: 'backup job failed',
        }),
        5_000,
      );
      expect(type.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('backup job failed');
      expect((error as Error).message).toContain('disk on fire');
    },
  );

  if (name === 'stdio') {
    it('fails a task whose status message is over the stdio message limit with a typed error naming the limit and the option', async () => {
      const { toolset } = await connect();
      const handle = await toolset.startTask('huge_status_task', {});
      const error = await within(handle.result(), 15_000);
      expect(ProtocolError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ taskId: handle.taskId, reference: handle.toJSON() });
      expect((error as Error).message).toContain('maxMessageBytes');
      expect((error as Error).message).toContain('10485760');
      expect(await toolset.directCallTool('echo', { text: 'still here' })).toBe('still here');
    }, 30_000);
  }
});

describe('hardening on 2026-07-28 over stdio', () => {
  it('takes a larger stdio message limit as an option', async () => {
    await using fixture = tasksExtensionStdioFixture({ misbehaving: true, pollIntervalMs: 50 });
    await using toolset = new MCPToolset(
      { command: fixture.command, args: fixture.args, stderr: 'ignore', maxMessageBytes: 32 << 20 },
      { protocolVersion: '2026-07-28' },
    );
    await toolset.open();
    const handle = await toolset.startTask('huge_status_task', { durationMs: 500 });
    expect(await handle.result()).toBe('done');
  }, 30_000);
});
