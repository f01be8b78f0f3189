// Hardening, round two, on MCP 2025-11-25: the faults that ended untyped, late or never, each against
// a hostile fixture of @toolwright/testing over every transport where it applies, with its bound.
import { createRunContext, ProtocolError, RequestTimeoutError, type ToolDefinition, UserError } from '@toolwright/core';
import { type FixtureOptions, startInMemoryFixture, stdioFixture } from '@toolwright/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MCPToolset } from './mcp-toolset.ts';
import type { MCPToolsetOptions } from './options.ts';
import { settleEach, UNACKNOWLEDGED, within } from './test-support/test-outcomes.ts';
import { type RunningFixture, transports } from './test-support/test-transports.ts';

// Each test starts its own server; a stdio child starts slowly on a loaded machine. The bounds that
// matter are asserted inside the tests (`within`), from the moment the fault applies.
vi.setConfig({ testTimeout: 40_000 });

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

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

  it('gives a frozen server timeouts.pingMs to answer the ping, and says so', async () => {
    const timeouts = { requestMs: 1_000, pingMs: 300 };
    const { toolset } = await connect({ statusNotifications: false, pollInterval: 50 }, { timeouts });
    const handle = await toolset.startTask('hangs_task', { afterMs: 50 });
    const error = await within(handle.result(), timeouts.requestMs + 3_000);
    expect(RequestTimeoutError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/did not answer a ping within 300 ms either/);
  }, 20_000);

  it('fails a task needing input it cannot answer at once when the server never acknowledges tasks/cancel', async () => {
    const { fixture, toolset } = await connect(
      { unansweredMethods: ['tasks/cancel'], pollInterval: 50 },
      { timeouts: { requestMs: LONG_REQUEST_MS } },
    );
    const handle = await toolset.startTask('input_task', {});
    const error = await within(handle.result(), 4_000);
    expect(UserError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('elicitation');
    expect((error as Error).message).toMatch(UNACKNOWLEDGED);
    await expect
      .poll(async () => (await fixture.inspector.received('tasks/cancel')).map((m) => m.taskId))
      .toContain(handle.taskId);
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
