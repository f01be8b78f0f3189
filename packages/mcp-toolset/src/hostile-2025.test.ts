// Hardening, round two, on MCP 2025-11-25: the faults that ended untyped, late or never, each against
// a hostile fixture of @toolwright/testing over every transport where it applies, with its bound.
import {
  CancelledError,
  createRunContext,
  ModelRetry,
  ProtocolError,
  RequestTimeoutError,
  TaskCancelledError,
  TaskDeadlineError,
  TaskExpiredError,
  type ToolDefinition,
  UserError,
} from '@toolwright/core';
import { type FixtureOptions, startInMemoryFixture, stdioFixture } from '@toolwright/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MCPToolset } from './mcp-toolset.ts';
import type { MCPToolsetOptions } from './options.ts';
import { settleEach, sleep, within } from './test-support/test-outcomes.ts';
import { type RunningFixture, transports } from './test-support/test-transports.ts';

// Each test starts its own server; a stdio child starts slowly on a loaded machine. The bounds that
// matter are asserted inside the tests (`within`), from the moment the fault applies.
vi.setConfig({ testTimeout: 40_000 });

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Waits until the fixture holds a task of `tool` (its tools/call reached the server). */
async function createdBy(fixture: RunningFixture, tool: string): Promise<string> {
  await expect.poll(async () => (await fixture.inspector.tasks()).some((task) => task.tool === tool)).toBe(true);
  return (await fixture.inspector.tasks()).find((task) => task.tool === tool)?.taskId as string;
}

/** A request timeout far above every bound asserted here: waiting for it would fail the test. */
const LONG_REQUEST_MS = 30_000;

describe.each(transports)('hardening on 2025-11-25 over $name', ({ name, start }) => {
  async function connect(fixtureOptions: FixtureOptions = {}, toolsetOptions: MCPToolsetOptions = {}) {
    const fixture: RunningFixture = await start({ misbehaving: true, ...fixtureOptions });
    cleanups.push(() => fixture.close());
    const toolset = new MCPToolset(fixture.source, { id: 'hostile', ...toolsetOptions });
    await toolset.open();
    cleanups.push(async () => {
      if (toolset.isOpen) await toolset.close();
    });
    return { fixture, toolset };
  }

  it('ends a task whose server froze mid-task with a RequestTimeoutError within one requestMs and a few seconds', async () => {
    const requestMs = 3_000;
    const { toolset } = await connect({ statusNotifications: false, pollInterval: 50 }, { timeouts: { requestMs } });
    const handle = await toolset.startTask('hangs_task', { afterMs: 50 });
    // Retrying a timed-out tasks/get at full length waited 3 × requestMs.
    const error = await within(handle.result(), requestMs + 3_000);
    expect(RequestTimeoutError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ method: 'tasks/get', reference: handle.toJSON() });
  }, 20_000);

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
        type: 'mcp-task',
        protocol: '2025-11-25',
        server: 'hostile',
        taskId: 'gone',
        toolName: 'slow_task',
      } as const;
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
    const handle = await toolset.startTask('cancellable_task', { durationMs: 60_000 }, { signal: controller.signal });
    const waiting = handle.result({ signal: controller.signal });
    controller.abort(new Error('user stopped'));
    const error = await within(waiting, 3_000);
    expect(TaskCancelledError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ taskId: handle.taskId, reference: handle.toJSON() });
    expect((error as Error).message).toMatch(/not (yet )?acknowledged/);
    await expect
      .poll(async () => (await fixture.inspector.received('tasks/cancel')).map((m) => m.taskId))
      .toContain(handle.taskId);
  });

  it('says so when the server acknowledged the cancellation of an aborted task', async () => {
    const { toolset } = await connect();
    const controller = new AbortController();
    const handle = await toolset.startTask('cancellable_task', { durationMs: 60_000 });
    const waiting = handle.result({ signal: controller.signal });
    controller.abort();
    const error = await within(waiting, 3_000);
    expect(TaskCancelledError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/acknowledged/);
    expect((error as Error).message).not.toMatch(/not (yet )?acknowledged/);
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
    expect((error as Error).message).toMatch(/not (yet )?acknowledged/);
  });

  it('fails a task needing input it cannot answer at once when the server never acknowledges tasks/cancel', async () => {
    const { fixture, toolset } = await connect(
      { unansweredMethods: ['tasks/cancel'], pollInterval: 50 },
      { timeouts: { requestMs: LONG_REQUEST_MS } },
    );
    const handle = await toolset.startTask('input_task', {});
    const error = await within(handle.result(), 4_000);
    expect(UserError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('elicitation');
    expect((error as Error).message).toMatch(/not (yet )?acknowledged/);
    await expect
      .poll(async () => (await fixture.inspector.received('tasks/cancel')).map((m) => m.taskId))
      .toContain(handle.taskId);
  });

  it('gives up on a task creation the server answers late, and cancels the task once the answer comes', async () => {
    const { fixture, toolset } = await connect({}, { timeouts: { requestMs: LONG_REQUEST_MS } });
    const controller = new AbortController();
    await toolset.getTools();
    const call = within(
      toolset.directCallTool('slow_create_task', { createDelayMs: 3_000 }, { signal: controller.signal }),
      2_500,
    );
    await createdBy(fixture, 'slow_create_task');
    controller.abort(new Error('user stopped'));
    const error = await call;
    // No task id is known yet: a cancellation of the call, named by its tool.
    expect(CancelledError.isInstance(error)).toBe(true);
    expect((error as CancelledError).toolName).toBe('slow_create_task');
    const [task] = (await fixture.inspector.tasks()).filter((record) => record.tool === 'slow_create_task');
    await expect.poll(() => fixture.inspector.cancelsReceived(), { timeout: 10_000 }).toContain(task?.taskId);
  });

  it('cancels a task created while the run was aborted and names it in the error (server answering in 600 ms)', async () => {
    const { fixture, toolset } = await connect();
    const controller = new AbortController();
    await toolset.getTools();
    const call = within(
      toolset.directCallTool('slow_create_task', { createDelayMs: 600 }, { signal: controller.signal }),
      3_000,
    );
    await createdBy(fixture, 'slow_create_task');
    controller.abort();
    const error = await call;
    expect(TaskCancelledError.isInstance(error)).toBe(true);
    expect(CancelledError.isInstance(error)).toBe(true);
    const taskId = (error as TaskCancelledError).taskId as string;
    expect(taskId).toBeTypeOf('string');
    await expect.poll(() => fixture.inspector.cancelsReceived()).toContain(taskId);
  });

  if (name === 'stdio') {
    it('refuses one line over the stdio message limit with a typed error naming the limit and the option, and keeps the connection', async () => {
      const { toolset } = await connect();
      const error = await within(toolset.directCallTool('large_result', { bytes: (10 << 20) + 1024 }), 10_000);
      expect(ProtocolError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('maxMessageBytes');
      expect((error as Error).message).toContain('10485760');
      expect(await toolset.directCallTool('echo', { text: 'still here' })).toBe('still here');
    }, 30_000);
  }
});

describe('hardening on 2025-11-25 over stdio', () => {
  it('takes a larger stdio message limit as an option', async () => {
    await using fixture = stdioFixture({ misbehaving: true });
    await using toolset = new MCPToolset({
      command: fixture.command,
      args: fixture.args,
      stderr: 'ignore',
      maxMessageBytes: 16 << 20,
    });
    await toolset.open();
    const text = await toolset.directCallTool('large_result', { bytes: (10 << 20) + 1024 });
    expect(text).toHaveLength((10 << 20) + 1024);
  }, 30_000);

  it('sends 1 000 concurrent calls over one stdio connection without a MaxListenersExceededWarning', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      await using fixture = stdioFixture();
      await using toolset = new MCPToolset({ command: fixture.command, args: fixture.args, stderr: 'ignore' });
      await toolset.open();
      const text = 'x'.repeat(200);
      const answers = await Promise.all(Array.from({ length: 1_000 }, () => toolset.directCallTool('echo', { text })));
      expect(answers.every((answer) => answer === text)).toBe(true);
      await sleep(50); // a warning is emitted on the next tick
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual([]);
  }, 60_000);
});

describe('careless callers', () => {
  it('gets a rejected promise, never a synchronous throw, from every method that returns one', async () => {
    await using fixture = await startInMemoryFixture();
    const toolset = new MCPToolset(fixture.clientTransport, {
      id: 'careless',
      processToolCall: () => {
        throw new Error('the hook broke');
      },
    });
    const echo: ToolDefinition = { name: 'echo', inputSchema: { type: 'object' }, metadata: {} };
    const ctx = createRunContext();
    const calls: [string, () => Promise<unknown>][] = [
      ['getTools', () => toolset.getTools()],
      ['callTool', () => toolset.callTool('echo', { text: 'x' }, ctx, echo)],
      ['callTool without a definition', () => toolset.callTool('echo', { text: 'x' }, ctx, undefined as never)],
      ['directCallTool', () => toolset.directCallTool('echo', { text: 'x' })],
      ['startTask', () => toolset.startTask('slow_task', {})],
      ['listTasks', () => toolset.listTasks()],
      ['resumeTask', () => toolset.resumeTask(undefined as never)],
    ];
    const before = await settleEach(calls);
    for (const [what, outcome] of before) {
      expect(outcome.threw, `${what} before open`).toBe(false);
      expect(UserError.isInstance(outcome.error), `${what} before open`).toBe(true);
    }
    await toolset.open();
    const open = await settleEach([
      ['callTool with a throwing processToolCall', () => toolset.callTool('echo', { text: 'x' }, ctx, echo)],
      ['callTool without a definition', () => toolset.callTool('echo', { text: 'x' }, ctx, undefined as never)],
      ['directCallTool with null options', () => toolset.directCallTool('echo', { text: 'x' }, null as never)],
    ]);
    for (const [what, outcome] of open) {
      expect(outcome.threw, what).toBe(false);
      expect(outcome.error, what).toBeInstanceOf(Error);
    }
    await toolset.close();
  });
});
