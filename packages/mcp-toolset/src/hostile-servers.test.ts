// The toolset against servers that misbehave (the hostile fixtures of @toolwright/testing) and
// callers that make mistakes: every fault ends in a typed error within a stated bound.

import type { Transport } from '@modelcontextprotocol/client';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import {
  CancelledError,
  ConnectionLostError,
  ModelRetry,
  ProtocolError,
  RequestTimeoutError,
  TaskCancelledError,
  TaskDeadlineError,
  UserError,
} from '@toolwright/core';
import {
  ANOTHER_TASK_ID,
  type FixtureOptions,
  startHttpFixture,
  startInMemoryFixture,
  stdioFixture,
} from '@toolwright/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MCPToolset } from './mcp-toolset.ts';
import type { MCPServerSource, MCPToolsetOptions } from './options.ts';
import { ManualClock } from './test-support/manual-clock.ts';
import { type RunningFixture, transports } from './test-support/test-transports.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The settled value of `promise`: its rejection, or `{ resolved }` when it did not reject. */
function outcome(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (resolved) => ({ resolved }),
    (error: unknown) => error,
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the server received the tools/call (its answer is still to come). */
async function serverHasCall(fixture: RunningFixture): Promise<void> {
  await vi.waitFor(async () => expect(await fixture.inspector.calls()).toHaveLength(1), { timeout: 10_000 });
}

/** A fresh SDK transport to the server a fixture source names (the in-memory fixture's own, which serves one connection). */
function transportOf(source: MCPServerSource): Transport {
  if (typeof source === 'string' || source instanceof URL) return new StreamableHTTPClientTransport(new URL(source));
  if ('command' in source)
    return new StdioClientTransport({
      command: source.command,
      args: [...(source.args ?? [])],
      ...(source.env === undefined ? {} : { env: { ...source.env } }),
      ...(source.cwd === undefined ? {} : { cwd: source.cwd }),
    });
  return source as Transport;
}

describe.each(transports)('against hostile servers over $name', ({ start }) => {
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

  describe('listing and the spec guard', () => {
    it('shares one tools/list among concurrent callers', async () => {
      const { fixture, toolset } = await connect({ listToolsDelayMs: 100 });
      const results = await Promise.all([
        ...['a', 'b', 'c', 'd', 'e'].map((text) => toolset.directCallTool('echo', { text })),
        toolset.getTools(),
      ]);
      expect(results.slice(0, 5)).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect(await fixture.inspector.received('tools/list')).toHaveLength(1);
    });

    it('never refuses an existing tool when the list changes during every listing', async () => {
      // list_changed every 10 ms while each tools/list takes 30 ms: every listing is overtaken.
      const { toolset } = await connect({
        listChangedStorm: { intervalMs: 10, durationMs: 1_500 },
        listToolsDelayMs: 30,
      });
      const answers: unknown[] = [];
      for (let index = 0; index < 8; index++) answers.push(await toolset.directCallTool('echo', { text: `n${index}` }));
      expect(answers).toEqual(['n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7']);
      const handle = await toolset.startTask('slow_task', { value: 'storm' });
      expect(await handle.result()).toBe('done: storm');
    });

    it('calls a tool right after open although the server says its list changed after initialize', async () => {
      const { toolset } = await connect({ listChangedOnInitialize: true, listToolsDelayMs: 20 });
      expect(await toolset.directCallTool('echo', { text: 'first' })).toBe('first');
      const other = await connect({ listChangedOnInitialize: true, listToolsDelayMs: 20 });
      const handle = await other.toolset.startTask('slow_task', { value: 'first task' });
      expect(await handle.result()).toBe('done: first task');
    });
  });

  describe('bounded pagination', () => {
    it('stops an endless tools/list with a ProtocolError after the page limit', async () => {
      const { fixture, toolset } = await connect({ endlessToolPages: true }, { listing: { maxPages: 20 } });
      const error = await outcome(toolset.getTools());
      expect(ProtocolError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(/tools\/list.*listing\.maxPages/);
      expect((await fixture.inspector.received('tools/list')).length).toBeLessThanOrEqual(20);
    });

    it('stops an endless tools/list after the item limit', async () => {
      const { toolset } = await connect({ endlessToolPages: true }, { listing: { maxItems: 60 } });
      const error = await outcome(toolset.directCallTool('echo', { text: 'x' }));
      expect(ProtocolError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('listing.maxItems');
    });

    it('stops an endless tasks/list with a ProtocolError', async () => {
      const { toolset } = await connect({ endlessTaskPages: true }, { listing: { maxPages: 15 } });
      const error = await outcome(toolset.listTasks());
      expect(ProtocolError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('tasks/list');
    });
  });

  describe('early status', () => {
    // The server suggests polling once a minute: only the status notification can finish these in time.
    it.each(['before', 'after'])(
      'sees a completed notification sent in the same write as the CreateTaskResult (%s it)',
      async (order) => {
        const { toolset } = await connect({ pollInterval: 60_000 });
        const handle = await toolset.startTask('early_status_task', { order });
        expect(await handle.result()).toBe('early');
        expect(handle.status).toBe('completed');
      },
      15_000,
    );

    it('returns an instant task at once', async () => {
      const { toolset } = await connect({ pollInterval: 60_000 });
      expect(await toolset.directCallTool('instant_task', {})).toBe('instant');
    }, 15_000);
  });

  describe('abort', () => {
    it('cancels a task whose creation was under way when the run was aborted', async () => {
      const { fixture, toolset } = await connect();
      const controller = new AbortController();
      const call = outcome(
        toolset.directCallTool('slow_create_task', { createDelayMs: 400 }, { signal: controller.signal }),
      );
      await serverHasCall(fixture);
      controller.abort(new Error('user stopped'));
      const error = await call;
      expect(TaskCancelledError.isInstance(error)).toBe(true);
      const taskId = (error as TaskCancelledError).taskId as string;
      expect((error as TaskCancelledError).reference).toMatchObject({ taskId, toolName: 'slow_create_task' });
      await expect.poll(() => fixture.inspector.cancelsReceived()).toContain(taskId);
      await expect.poll(async () => (await fixture.inspector.task(taskId))?.status).toBe('cancelled');
    });

    it('cancels a task started with startTask when its signal aborts during creation', async () => {
      const { fixture, toolset } = await connect();
      const controller = new AbortController();
      const started = outcome(
        toolset.startTask('slow_create_task', { createDelayMs: 300 }, { signal: controller.signal }),
      );
      await serverHasCall(fixture);
      controller.abort();
      const error = await started;
      expect(TaskCancelledError.isInstance(error)).toBe(true);
      await expect.poll(() => fixture.inspector.cancelsReceived()).toContain((error as TaskCancelledError).taskId);
    });

    it('rejects an aborted plain call with a CancelledError naming the tool, not the raw reason', async () => {
      const { fixture, toolset } = await connect();
      const controller = new AbortController();
      const reason = new Error('user stopped');
      const call = outcome(toolset.directCallTool('silent_tool', {}, { signal: controller.signal }));
      await serverHasCall(fixture);
      controller.abort(reason);
      const error = await call;
      expect(error).not.toBe(reason);
      expect(CancelledError.isInstance(error)).toBe(true);
      expect((error as CancelledError).toolName).toBe('silent_tool');
      expect((error as Error).cause).toBe(reason);
    });
  });

  describe('malformed answers', () => {
    it.each(['string', 'array', 'number', 'null'])(
      'rejects a %s result at once with a ProtocolError naming the method',
      async (shape) => {
        const { toolset } = await connect();
        for (const useTask of [false, true]) {
          const error = await outcome(toolset.directCallTool('malformed_result', { shape }, { useTask }));
          expect(ProtocolError.isInstance(error)).toBe(true);
          expect((error as Error).message).toContain('tools/call');
        }
        expect(await toolset.directCallTool('echo', { text: 'still fine' })).toBe('still fine');
      },
      // The request timeout is 60 s: finishing within this proves it did not wait for it.
      15_000,
    );

    it('rejects a tasks/get that answers with another task', async () => {
      const { toolset } = await connect({ statusNotifications: false, pollInterval: 20 });
      const handle = await toolset.startTask('wrong_id_task', {});
      const error = await outcome(handle.result());
      expect(ProtocolError.isInstance(error)).toBe(true);
      expect((error as ProtocolError).taskId).toBe(handle.taskId);
      expect((error as Error).message).toContain(ANOTHER_TASK_ID);
    });

    it('reports a local request timeout as a RequestTimeoutError, never ModelRetry', async () => {
      const { toolset } = await connect({}, { timeouts: { requestMs: 300 } });
      const error = await outcome(toolset.directCallTool('silent_tool', {}));
      expect(RequestTimeoutError.isInstance(error)).toBe(true);
      expect(ModelRetry.isInstance(error)).toBe(false);
      expect(error).toMatchObject({ method: 'tools/call', timeoutMs: 300 });
    });

    it('surfaces a streak of failed polls as a ProtocolError with the reference', async () => {
      const { toolset } = await connect({ statusNotifications: false, pollInterval: 20 });
      const handle = await toolset.startTask('flaky_get_task', { failures: 5, delayMs: 5_000 });
      const error = await outcome(handle.result());
      expect(ProtocolError.isInstance(error)).toBe(true);
      expect((error as ProtocolError).reference).toEqual(handle.toJSON());
    });

    it('types a tools/list that gets no answer', async () => {
      const { toolset } = await connect({ unansweredMethods: ['tools/list'] }, { timeouts: { requestMs: 300 } });
      const error = await outcome(toolset.getTools());
      expect(RequestTimeoutError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ method: 'tools/list' });
    });
  });

  describe('server clocks', () => {
    it('does not freeze a task whose timestamps are minutes in the future', async () => {
      const { toolset } = await connect({ pollInterval: 20 });
      const handle = await toolset.startTask('future_clock_task', { skewMs: 600_000 });
      expect(await handle.result()).toBe('done');
    });

    it('keeps a terminal status terminal when a newer working arrives', async () => {
      const fixture: RunningFixture = await start({ misbehaving: true, pollInterval: 20 });
      cleanups.push(() => fixture.close());
      // The toolset's transport, watched: the test waits for the server's late "working" to arrive.
      const transport = transportOf(fixture.source);
      await using toolset = new MCPToolset(transport, { id: 'hostile' });
      await toolset.open();
      const received: unknown[] = [];
      const deliver = transport.onmessage;
      transport.onmessage = (message, extra) => {
        received.push(message);
        deliver?.call(transport, message, extra);
      };
      const handle = await toolset.startTask('relapse_task', {});
      expect(await handle.result()).toBe('done');
      await vi.waitFor(
        () =>
          expect(received).toContainEqual(
            expect.objectContaining({
              method: 'notifications/tasks/status',
              params: expect.objectContaining({ taskId: handle.taskId, status: 'working' }),
            }),
          ),
        { timeout: 10_000 },
      );
      expect(handle.status).toBe('completed');
    });
  });

  describe('no hot loops', () => {
    it.each(['early', 'error'])(
      'waits with a floor and backoff when a held-open tasks/result ends %s',
      async (mode) => {
        // With a handler, so the input is served on a held-open tasks/result (without one, the task is cancelled).
        const { fixture, toolset } = await connect(
          { pollInterval: 20 },
          { elicitation: async () => ({ action: 'decline' }) },
        );
        const handle = await toolset.startTask('early_result_task', { mode });
        const stop = handle.on(() => undefined);
        await sleep(1_500);
        const requests = await fixture.inspector.received('tasks/result');
        stop();
        await handle.cancel();
        // A floor of 100 ms doubling: about five in 1.5 s. A hot loop sends thousands.
        expect(requests.length).toBeGreaterThan(0);
        expect(requests.length).toBeLessThanOrEqual(12);
      },
    );

    it('keeps a deadline beyond the longest timer from firing early, and fires it on time', async () => {
      const clock = new ManualClock();
      const { toolset } = await connect({}, { clock });
      const thirtyDays = 30 * 24 * 60 * 60 * 1_000;
      const handle = await toolset.startTask('cancellable_task', { durationMs: 60_000 });
      let settled = false;
      const waiting = outcome(handle.wait({ timeoutMs: thirtyDays })).finally(() => {
        settled = true;
      });
      // A single timer of 30 days would fire at once (Node caps a delay at about 24.8 days).
      clock.advance(thirtyDays - 1);
      await Promise.resolve();
      expect(settled).toBe(false);
      await handle.cancel();
      expect(await waiting).toMatchObject({ resolved: { status: 'cancelled' } });
      const later = await toolset.startTask('cancellable_task', { durationMs: 60_000 });
      const expiring = outcome(later.wait({ timeoutMs: thirtyDays, onTimeout: 'leave-running' }));
      clock.advance(thirtyDays);
      const error = await expiring;
      expect(TaskDeadlineError.isInstance(error)).toBe(true);
      expect((error as TaskDeadlineError).cancelled).toBe(false);
      await later.cancel();
    });
  });

  describe('misuse', () => {
    it('rejects handle.cancel() after the connection was lost', async () => {
      const { toolset } = await connect({ pollInterval: 20 });
      const handle = await toolset.startTask('dies_mid_task', { afterMs: 50 });
      expect(ConnectionLostError.isInstance(await outcome(handle.result()))).toBe(true);
      const cancel = await outcome(handle.cancel());
      expect(ConnectionLostError.isInstance(cancel)).toBe(true);
      expect((cancel as ConnectionLostError).reference).toEqual(handle.toJSON());
    });

    it('returns a rejected promise from getTools() on a closed toolset', async () => {
      const { toolset } = await connect();
      await toolset.close();
      let listing: Promise<unknown> | undefined;
      expect(() => {
        listing = toolset.getTools();
      }).not.toThrow();
      await expect(listing).rejects.toSatisfy((error) => UserError.isInstance(error));
    });

    it('refuses arguments that are not JSON with a UserError naming the tool', async () => {
      const { toolset } = await connect();
      const circular: Record<string, unknown> = { text: 'x' };
      circular.self = circular;
      for (const args of [circular, { text: 'x', count: 10n }]) {
        const error = await outcome(toolset.directCallTool('echo', args));
        expect(UserError.isInstance(error)).toBe(true);
        expect((error as Error).message).toContain("'echo'");
        const started = await outcome(toolset.startTask('slow_task', args));
        expect(UserError.isInstance(started)).toBe(true);
        expect((started as Error).message).toContain("'slow_task'");
      }
    });

    it('refuses task references that cannot be read with a UserError', async () => {
      const { toolset } = await connect();
      const handle = await toolset.startTask('slow_task', { value: 'ref' });
      const circular: Record<string, unknown> = { ...handle.toJSON() };
      circular.self = circular;
      const throwing = { ...handle.toJSON() };
      Object.defineProperty(throwing, 'taskId', {
        enumerable: true,
        get() {
          throw new Error('no task id here');
        },
      });
      for (const reference of [circular, { ...handle.toJSON(), size: 1n }, throwing]) {
        const error = await outcome(toolset.resumeTask(reference as never));
        expect(UserError.isInstance(error)).toBe(true);
        expect((error as Error).message).toContain('task reference');
      }
      await handle.result();
    });
  });
});

describe('liveness over Streamable HTTP', () => {
  async function connectHttp(options: FixtureOptions = {}) {
    const fixture = await startHttpFixture({ misbehaving: true, ...options });
    cleanups.push(() => fixture.close());
    const toolset = new MCPToolset(fixture.url, { id: 'hostile' });
    await toolset.open();
    cleanups.push(async () => {
      if (toolset.isOpen) await toolset.close();
    });
    return { fixture, toolset };
  }

  it('reports a server that went away as a ConnectionLostError within seconds, not at the next poll', async () => {
    const { toolset } = await connectHttp({ pollInterval: 60_000 });
    const handle = await toolset.startTask('dies_mid_task', { afterMs: 50 });
    const started = performance.now();
    const error = await outcome(handle.result());
    expect(ConnectionLostError.isInstance(error)).toBe(true);
    // Not a speed assertion: the alternative is the next poll, 30 s away.
    expect(performance.now() - started).toBeLessThan(10_000);
  }, 20_000);

  it('closes within a bound when the server stopped answering', async () => {
    const { fixture, toolset } = await connectHttp();
    await toolset.getTools();
    fixture.hang();
    const started = performance.now();
    await toolset.close();
    expect(performance.now() - started).toBeLessThan(10_000);
  }, 20_000);
});

/**
 * A real fixture behind a relay that dates every CreateTaskResult ten minutes ahead, as a server
 * whose clock jumped would: later reports from the same server then look older than the first.
 */
function futureCreationRelay(inner: Transport): Transport {
  const relay: Transport = {
    start: () => inner.start(),
    send: (message, options) => inner.send(message, options),
    close: () => inner.close(),
  };
  inner.onmessage = (message, extra) => {
    const result = (message as { result?: { task?: { lastUpdatedAt?: string } } }).result;
    const task = result?.task;
    const relayed =
      task && typeof task.lastUpdatedAt === 'string'
        ? {
            ...message,
            result: { ...result, task: { ...task, lastUpdatedAt: new Date(Date.now() + 600_000).toISOString() } },
          }
        : message;
    relay.onmessage?.(relayed as typeof message, extra);
  };
  inner.onclose = () => relay.onclose?.();
  inner.onerror = (error) => relay.onerror?.(error);
  return relay;
}

describe('server clocks at creation', () => {
  it.each([true, false])(
    'does not freeze a task created with a lastUpdatedAt in the future (status notifications: %s)',
    async (statusNotifications) => {
      await using fixture = await startInMemoryFixture({ pollInterval: 20, statusNotifications });
      await using toolset = new MCPToolset(futureCreationRelay(fixture.clientTransport), { id: 'clock' });
      await toolset.open();
      const handle = await toolset.startTask('slow_task', { value: 'later', delayMs: 50 });
      expect(await handle.result()).toBe('done: later');
      expect(handle.status).toBe('completed');
    },
    10_000,
  );
});

describe('leaks', () => {
  it('does not let the SDK client keep a progress entry per task', async () => {
    await using fixture = await startInMemoryFixture({ record: false });
    const client = new Client({ name: 'leak-test', version: '1.0.0' });
    await client.connect(fixture.clientTransport);
    const toolset = new MCPToolset(client, { id: 'leaks' });
    await toolset.open();
    try {
      for (let index = 0; index < 40; index++) await toolset.directCallTool('slow_task', { value: 'x', delayMs: 1 });
      // SDK 1.x recorded a progress token for every CreateTaskResult (`_taskProgressTokens`) and forgot it
      // only on paths it drove itself; SDK 2.x keeps a handler per request that asked for progress. Whichever
      // this client has (at least one), it must be empty after the calls.
      const internals = client as unknown as {
        _taskProgressTokens?: Map<unknown, unknown>;
        _progressHandlers?: Map<unknown, unknown>;
      };
      const maps = [internals._taskProgressTokens, internals._progressHandlers].filter((map) => map !== undefined);
      expect(maps.length).toBeGreaterThan(0);
      for (const map of maps) expect(map.size).toBe(0);
    } finally {
      await toolset.close();
      await client.close();
    }
  });
});

describe('misuse without a server', () => {
  it('lets await using surface the open error itself, not a SuppressedError', async () => {
    const attempt = async () => {
      await using toolset = new MCPToolset({ command: 'toolwright-no-such-command', stderr: 'ignore' });
      await toolset.open();
    };
    const error = await outcome(attempt());
    expect(ConnectionLostError.isInstance(error)).toBe(true);
    const never = async () => {
      await using toolset = new MCPToolset('http://127.0.0.1:1/mcp');
      return toolset.label;
    };
    expect(await never()).toBe('MCPToolset');
  });

  it.each([
    ['timeouts.requestMs', { timeouts: { requestMs: 2 ** 31 } }],
    ['timeouts.connectMs', { timeouts: { connectMs: 2 ** 31 } }],
    ['taskPolling.maxIntervalMs', { taskPolling: { maxIntervalMs: 30 * 24 * 3_600_000 } }],
    ['taskPolling.defaultIntervalMs', { taskPolling: { defaultIntervalMs: 2 ** 32 } }],
  ] as const)('refuses %s above the longest timer at construction', (name, options) => {
    expect(() => new MCPToolset('http://127.0.0.1:1/mcp', options)).toThrow(
      expect.toSatisfy((error: unknown) => UserError.isInstance(error) && (error as Error).message.includes(name)),
    );
  });
});

describe('task references carry no secrets', () => {
  it('names an HTTP server without credentials or query string', async () => {
    await using fixture = await startHttpFixture();
    const url = new URL(fixture.url);
    url.search = '?token=SECRET-QUERY';
    await using toolset = new MCPToolset(url);
    await toolset.open();
    const handle = await toolset.startTask('slow_task', { value: 'ref' });
    expect(JSON.stringify(handle.toJSON())).not.toContain('SECRET');
    expect(handle.toJSON().server).toBe(`http://${url.host}/mcp`);
    await handle.result();
    const withCredentials = new URL(fixture.url);
    withCredentials.username = 'user';
    withCredentials.password = 'SECRET-PASSWORD';
    const failing = new MCPToolset(withCredentials);
    const error = await outcome(failing.open());
    expect(ConnectionLostError.isInstance(error)).toBe(true);
    expect((error as Error).message).not.toContain('SECRET');
  });

  it('names a stdio server by its command, without its arguments', async () => {
    await using fixture = stdioFixture({ name: 'SECRET-ARGUMENT' });
    await using toolset = new MCPToolset({ command: fixture.command, args: fixture.args, stderr: 'ignore' });
    await toolset.open();
    const handle = await toolset.startTask('slow_task', { value: 'ref' });
    expect(JSON.stringify(handle.toJSON())).not.toContain('SECRET');
    expect(handle.toJSON().server).toBe(`stdio:${fixture.command}`);
    await handle.result();
  });
});
