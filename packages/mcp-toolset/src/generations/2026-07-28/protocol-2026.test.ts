// A 2026-07-28 server (the tasks-extension fixture of @toolwright/testing) over every transport: the
// toolset negotiates the version by itself, declares the io.modelcontextprotocol/tasks extension on
// every request, and drives the server's tasks through the same API as 2025-11-25 tasks: created by
// the server's choice, watched through subscriptions/listen, input answered by tasks/update,
// cancelled cooperatively, failures typed.
import { Client, StreamableHTTPClientTransport, SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/client';
import {
  CancelledError,
  ConnectionLostError,
  createRunContext,
  ModelRetry,
  ProtocolError,
  TaskCancelledError,
  TaskExpiredError,
  TaskFailedError,
  type ToolEvent,
  UserError,
} from '@toolwright/core';
import {
  startHttpTasksExtensionFixture,
  startInMemoryFixture,
  startInMemoryTasksExtensionFixture,
  type TasksExtensionFixtureOptions,
  type TasksExtensionInspector,
  tasksExtensionStdioFixture,
} from '@toolwright/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MCPToolset } from '../../mcp-toolset.ts';
import type { MCPServerSource, MCPToolsetOptions } from '../../options.ts';
import { ManualClock } from '../../test-support/manual-clock.ts';
import {
  asLaterRevision,
  withEchoHeader,
  withoutListen,
  withoutResultType,
  withSlowCalls,
  withTaskAnswer,
} from '../../test-support/test-2026-servers.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Running {
  /** A source for one connection (an in-memory transport serves one connection only). */
  readonly source: () => MCPServerSource;
  readonly inspector: TasksExtensionInspector;
  /** Every connection reaches the same server (not so over stdio: each toolset starts its own). */
  readonly shared: boolean;
}

const transports: { name: string; start: (options?: TasksExtensionFixtureOptions) => Promise<Running> }[] = [
  {
    name: 'in-memory',
    start: async (options) => {
      const fixture = await startInMemoryTasksExtensionFixture(options);
      cleanups.push(() => fixture.close());
      return {
        source: () => new StreamableHTTPClientTransport(fixture.url, { fetch: fixture.fetch }),
        inspector: fixture.inspector,
        shared: true,
      };
    },
  },
  {
    name: 'stdio',
    start: async (options) => {
      const fixture = tasksExtensionStdioFixture(options);
      cleanups.push(() => fixture.close());
      return {
        source: () => ({ command: fixture.command, args: fixture.args, stderr: 'ignore' }),
        inspector: fixture.inspector,
        shared: false,
      };
    },
  },
  {
    name: 'http',
    start: async (options) => {
      const fixture = await startHttpTasksExtensionFixture(options);
      cleanups.push(() => fixture.close());
      return { source: () => fixture.url, inspector: fixture.inspector, shared: true };
    },
  },
];

async function open(source: MCPServerSource, options: MCPToolsetOptions = {}): Promise<MCPToolset> {
  const toolset = new MCPToolset(source, { id: 'fixture-2026', ...options });
  await toolset.open();
  cleanups.push(async () => {
    if (toolset.isOpen) await toolset.close();
  });
  return toolset;
}

/** How long a test waits for the server to get somewhere (generous: the machine is shared). */
const WAIT = { timeout: 10_000, interval: 20 } as const;

const TASKS = 'io.modelcontextprotocol/tasks';
/** A poll hint so long that a task seen to finish within a test was learnt of from a push. */
const NO_POLL = { pollIntervalMs: 600_000 };

describe.each(transports)('a 2026-07-28 server over $name', ({ name, start }) => {
  it('negotiates 2026-07-28 by itself, lists every tool as one that may run as a task, and calls a plain one declaring the extension', async () => {
    const { source, inspector } = await start();
    const toolset = await open(source());
    expect(toolset.protocolVersion).toBe('2026-07-28');
    const tools = await toolset.getTools();
    const echo = tools.find((tool) => tool.name === 'echo');
    expect(echo?.metadata).toMatchObject({ task: true, taskSupport: null });
    expect(await toolset.callTool('echo', { text: 'hi' }, createRunContext(), echo as NonNullable<typeof echo>)).toBe(
      'hi',
    );
    const calls = await inspector.calls();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ tool: 'echo', answer: 'inline' });
    expect(calls[0]?.declaredCapabilities?.extensions).toEqual({ [TASKS]: {} });
  });

  it('calls a tool without its definition: the server decides, as it does with one', async () => {
    const { source, inspector } = await start();
    const toolset = await open(source());
    const ctx = createRunContext();
    const created: string[] = [];
    ctx.events.on('task-created', (event) => created.push(event.toolName));
    expect(await toolset.callTool('slow_task', { value: 'v', steps: 1, delayMs: 50 }, ctx)).toBe('done: v');
    expect(await toolset.callTool('echo', { text: 'hi' }, ctx)).toBe('hi');
    expect(created).toEqual(['slow_task']);
    expect((await inspector.calls()).map((call) => [call.tool, call.answer])).toEqual([
      ['slow_task', 'task'],
      ['echo', 'inline'],
    ]);
    const error = await toolset.callTool('ecko', {}, ctx).catch((caught: unknown) => caught);
    expect(UserError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/Tool 'ecko' is not offered .*Did you mean 'echo'/);
  });

  it('follows a task the server made of a call to its result, learning of each step from notifications/tasks', async () => {
    const { source, inspector } = await start(NO_POLL);
    const toolset = await open(source());
    const ctx = createRunContext();
    const events: ToolEvent[] = [];
    ctx.events.on('task-created', (event) => events.push(event));
    ctx.events.on('task-status', (event) => events.push(event));
    const tool = (await toolset.getTools()).find((candidate) => candidate.name === 'slow_task');
    const result = await toolset.callTool(
      'slow_task',
      { value: 'v', steps: 2, delayMs: 200 },
      ctx,
      tool as NonNullable<typeof tool>,
    );
    expect(result).toBe('done: v');
    const taskId = (await inspector.calls())[0]?.taskId as string;
    expect(events[0]).toMatchObject({ type: 'task-created', taskId, status: 'working' });
    // The message the task was created with (the fixture may already have set the first step's).
    expect(events[0]).toHaveProperty('statusMessage');
    expect(events[0]).toMatchObject({ reference: { protocol: '2026-07-28', taskId, toolName: 'slow_task' } });
    const statuses = events.filter((event) => event.type === 'task-status');
    expect(statuses.at(-1)).toMatchObject({ status: 'completed' });
    expect(statuses.map((event) => (event as { statusMessage?: string }).statusMessage)).toContain('step 2 of 2');
    // With a poll hint of ten minutes, only the pushes can have told it.
    expect(await inspector.listens()).toEqual([{ requested: [taskId], agreed: [taskId] }]);
    if (name === 'http') {
      const taskRequests = (await inspector.httpRequests()).filter((request) => request.method?.startsWith('tasks/'));
      for (const request of taskRequests) expect(request.mcpName).toBe(taskId);
      // The call itself, sent beside the SDK, carries the standard headers all the same.
      const call = (await inspector.httpRequests()).find((request) => request.method === 'tools/call');
      expect(call).toMatchObject({ mcpMethod: 'tools/call', mcpName: 'slow_task', protocolVersion: '2026-07-28' });
    }
  });

  it('starts a task, shows its status, and resumes it from its reference on another connection', async () => {
    const { source, shared } = await start();
    const toolset = await open(source());
    const handle = await toolset.startTask('slow_task', { value: 'r', steps: 3, delayMs: 600 });
    expect(handle.status).toBe('working');
    const reference = handle.toJSON();
    expect(reference).toMatchObject({ type: 'mcp-task', protocol: '2026-07-28', server: 'fixture-2026' });
    // Over stdio the server lives as long as its connection: the reference is resumed on the same one.
    if (shared) await toolset.close();
    const again = shared ? await open(source()) : toolset;
    const resumed = await again.resumeTask(JSON.parse(JSON.stringify(reference)));
    expect(await resumed.result()).toBe('done: r');
  });

  it("answers a task's elicitation by tasks/update, each key once however often it is repeated", async () => {
    const { source, inspector } = await start({ pollIntervalMs: 20 });
    let asked = 0;
    const toolset = await open(source(), {
      elicitation: async (request, context) => {
        asked++;
        expect(request.message).toBe('What is your name?');
        expect(context.taskId).toMatch(/.+/);
        // Slow to answer: the task is reported input_required many times meanwhile.
        await new Promise((resolve) => setTimeout(resolve, 300));
        return { action: 'accept', content: { name: 'Ada' } };
      },
    });
    expect(await toolset.directCallTool('input_task', {}, { useTask: true })).toBe('Hello, Ada');
    expect(asked).toBe(1);
    expect(await inspector.updates()).toEqual([expect.objectContaining({ key: 'name', accepted: true })]);
  });

  it("answers a task's sampling request through the sampling handler", async () => {
    const { source } = await start();
    const toolset = await open(source(), {
      sampling: async () => ({ role: 'assistant', content: { type: 'text', text: 'hi there' }, model: 'test' }),
    });
    expect(await toolset.directCallTool('sampling_task', { prompt: 'Say hi' }, { useTask: true })).toBe(
      'model said: hi there',
    );
  });

  it('cancels a task that needs input nobody can give, and names the option that answers it', async () => {
    const { source, inspector } = await start({ pollIntervalMs: 20 });
    const toolset = await open(source());
    const error = await toolset.directCallTool('input_task', {}, { useTask: true }).catch((caught: unknown) => caught);
    expect(UserError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/needs input \(elicitation\/create\).*Pass the `elicitation` option/);
    const taskId = (await inspector.calls())[0]?.taskId as string;
    expect(await inspector.cancelsReceived()).toEqual([taskId]);
  });

  it('answers the input a tools/call asks for before any task exists (multi round-trip), then follows the task', async () => {
    const { source, inspector } = await start();
    const toolset = await open(source(), {
      elicitation: async () => ({ action: 'accept', content: { name: 'Grace' } }),
    });
    expect(await toolset.directCallTool('test_tool_with_task', {})).toBe('Hello, Grace! The task finished.');
    expect((await inspector.calls()).map((call) => call.answer)).toEqual(['input_required', 'task']);
  });

  it('stops answering the input a call asks for before any task exists when the run is aborted', async () => {
    const { source, inspector } = await start();
    let handlerAborted = false;
    const toolset = await open(source(), {
      elicitation: (_request, { signal }) =>
        new Promise((resolve) => {
          signal.addEventListener('abort', () => {
            handlerAborted = true;
            resolve({ action: 'cancel' });
          });
          // The run is aborted while the handler is still answering.
          controller.abort(new Error('user stopped'));
        }),
    });
    const tool = (await toolset.getTools()).find((candidate) => candidate.name === 'test_tool_with_task');
    const controller = new AbortController();
    const ctx = createRunContext({ signal: controller.signal });
    const error = await toolset
      .callTool('test_tool_with_task', {}, ctx, tool as NonNullable<typeof tool>)
      .catch((caught: unknown) => caught);
    expect(CancelledError.isInstance(error)).toBe(true);
    expect(handlerAborted).toBe(true);
    // No further round went out: the server never made a task.
    expect((await inspector.calls()).map((call) => call.answer)).toEqual(['input_required']);
  });

  it('types a failed task: the JSON-RPC error with its code and message; an isError result through toolErrorBehavior', async () => {
    const { source } = await start();
    const strict = await open(source(), { toolErrorBehavior: 'error' });
    const failed = await strict
      .directCallTool('failing_task', { kind: 'protocol-error', code: -32050, message: 'disk full' })
      .catch((caught: unknown) => caught);
    expect(TaskFailedError.isInstance(failed)).toBe(true);
    expect((failed as Error).message).toMatch(/disk full/);
    expect((failed as { cause?: { code?: number } }).cause?.code).toBe(-32050);
    const toolError = await strict
      .directCallTool('failing_task', { kind: 'tool-error', message: 'bad input' })
      .catch((caught: unknown) => caught);
    expect(TaskFailedError.isInstance(toolError)).toBe(true);
    expect((toolError as Error).message).toMatch(/bad input/);
    const lenient = await open(source());
    const retry = await lenient
      .directCallTool('failing_task', { kind: 'tool-error', message: 'try again' })
      .catch((caught: unknown) => caught);
    expect(ModelRetry.isInstance(retry)).toBe(true);
  });

  it('cancels through tasks/cancel: the server acknowledges, the task stops, the caller gets a TaskCancelledError', async () => {
    const { source, inspector } = await start();
    const toolset = await open(source());
    const handle = await toolset.startTask('cancellable_task', {});
    const waiting = handle.result().catch((caught: unknown) => caught);
    await handle.cancel();
    expect(TaskCancelledError.isInstance(await waiting)).toBe(true);
    expect(await inspector.cancelsReceived()).toEqual([handle.taskId]);
    await expect.poll(async () => (await inspector.task(handle.taskId))?.cancelObserved, WAIT).toBe(true);
  });

  it('cancels the task when the run is aborted', async () => {
    const { source, inspector } = await start();
    const toolset = await open(source());
    const controller = new AbortController();
    const tool = (await toolset.getTools()).find((candidate) => candidate.name === 'cancellable_task');
    const ctx = createRunContext({ signal: controller.signal });
    ctx.events.on('task-created', () => controller.abort(new Error('user stopped')));
    const error = await toolset
      .callTool('cancellable_task', {}, ctx, tool as NonNullable<typeof tool>)
      .catch((caught: unknown) => caught);
    expect(TaskCancelledError.isInstance(error)).toBe(true);
    const taskId = (await inspector.calls())[0]?.taskId as string;
    expect(await inspector.cancelsReceived()).toEqual([taskId]);
  });

  it('gives up a task still running past its ttl, as a backstop, and cancels it', async () => {
    const { source, inspector } = await start({ ttlMs: 300, ...NO_POLL });
    const clock = new ManualClock();
    const toolset = await open(source(), { taskPolling: { maxIntervalMs: 600_000 }, clock });
    const started = Date.now();
    // The task would finish after 15 s: a handle that ignored its ttl would get its result instead.
    const call = toolset
      .directCallTool('slow_task', { delayMs: 15_000 }, { useTask: true })
      .catch((caught: unknown) => caught);
    // The backstop is armed for the ttl and its grace (1.3 s of the clock), the poll for ten minutes.
    await vi.waitFor(() => expect(clock.nextDelay).toBe(1_300), WAIT);
    clock.advance(1_299);
    expect(await inspector.cancelsReceived()).toEqual([]);
    clock.advance(1);
    const error = await call;
    expect(TaskExpiredError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/300 ms \(its ttl\) after the toolset first saw it/);
    expect(await inspector.cancelsReceived()).toHaveLength(1);
    // Given up when the clock passed the ttl and its grace, not after the task's 15 s; the test's own
    // timeout is above the bound, so the bound speaks.
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 30_000);

  it('waits timeouts.ttlGraceMs past the ttl before giving the task up', async () => {
    const { source, inspector } = await start({ ttlMs: 300, ...NO_POLL });
    const clock = new ManualClock();
    const toolset = await open(source(), {
      taskPolling: { maxIntervalMs: 600_000 },
      timeouts: { ttlGraceMs: 50 },
      clock,
    });
    const call = toolset
      .directCallTool('slow_task', { delayMs: 15_000 }, { useTask: true })
      .catch((caught: unknown) => caught);
    await vi.waitFor(() => expect(clock.nextDelay).toBe(350), WAIT);
    clock.advance(349);
    expect(await inspector.cancelsReceived()).toEqual([]);
    clock.advance(1);
    expect(TaskExpiredError.isInstance(await call)).toBe(true);
    expect(await inspector.cancelsReceived()).toHaveLength(1);
  }, 30_000);

  it('has no task listing, and refuses a reference of the other generation', async () => {
    const { source } = await start();
    const toolset = await open(source());
    const listed = await toolset.listTasks().catch((error: unknown) => error);
    expect(UserError.isInstance(listed)).toBe(true);
    expect((listed as Error).message).toMatch(/has no task listing/);
    const resumed = await toolset
      .resumeTask({ type: 'mcp-task', protocol: '2025-11-25', server: 'fixture-2026', taskId: 't', toolName: 'x' })
      .catch((error: unknown) => error);
    expect(UserError.isInstance(resumed)).toBe(true);
    expect((resumed as Error).message).toMatch(/tasks 2025-11-25.*tasks 2026-07-28/);
  });

  it('runs a tool inline when the server says so, and startTask then says to use callTool', async () => {
    const { source, inspector } = await start();
    const toolset = await open(source());
    expect(await toolset.directCallTool('sometimes_task', { delayMs: 0 }, { useTask: true })).toBe('ranAsTask: false');
    expect(await toolset.directCallTool('sometimes_task', { delayMs: 50 }, { useTask: false })).toBe('ranAsTask: true');
    expect((await inspector.calls()).map((call) => call.answer)).toEqual(['inline', 'task']);
    const error = await toolset.startTask('greet', { name: 'x' }).catch((caught: unknown) => caught);
    expect(UserError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/ran tool 'greet' inline.*callTool/);
  });
});

describe('a 2026-07-28 task asking for roots', () => {
  it('is answered by the roots handler of a Client the app connected, and without one names what to pass', async () => {
    const fixture = await startInMemoryTasksExtensionFixture({ pollIntervalMs: 20 });
    cleanups.push(() => fixture.close());
    const client = new Client(
      { name: 'app', version: '1.0.0' },
      { capabilities: { roots: {} }, versionNegotiation: { mode: { pin: '2026-07-28' } } },
    );
    client.setRequestHandler('roots/list', async () => ({ roots: [{ uri: 'file:///work', name: 'work' }] }));
    await client.connect(new StreamableHTTPClientTransport(fixture.url, { fetch: fixture.fetch }));
    cleanups.push(() => client.close());
    const withRoots = await open(client);
    expect(await withRoots.directCallTool('roots_task', {})).toBe('roots: file:///work');

    const without = await open(new StreamableHTTPClientTransport(fixture.url, { fetch: fixture.fetch }));
    const error = await without.directCallTool('roots_task', {}).catch((caught: unknown) => caught);
    expect(UserError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /needs input \(roots\/list\).*connected SDK Client with a roots\/list handler/,
    );
  });
});

describe('a misbehaving 2026-07-28 server', () => {
  async function misbehaving(options: MCPToolsetOptions = {}) {
    const fixture = await startInMemoryTasksExtensionFixture({ misbehaving: true, pollIntervalMs: 20 });
    cleanups.push(() => fixture.close());
    const toolset = await open(new StreamableHTTPClientTransport(fixture.url, { fetch: fixture.fetch }), {
      toolErrorBehavior: 'error',
      ...options,
    });
    return { toolset, inspector: fixture.inspector };
  }

  it('sends a malformed CreateTaskResult: a ProtocolError naming the tool and the field', async () => {
    const { toolset } = await misbehaving();
    for (const [kind, field] of [
      ['missing-task-id', /field taskId/],
      ['bad-status', /field status/],
      ['ttl-not-number', /field ttlMs/],
      ['nested-task', /field taskId/],
    ] as const) {
      const error = await toolset.directCallTool('bad_create_result', { kind }).catch((caught: unknown) => caught);
      expect(ProtocolError.isInstance(error), kind).toBe(true);
      expect((error as Error).message).toMatch(/tools\/call result for tool 'bad_create_result'/);
      expect((error as Error).message).toMatch(field);
    }
  });

  it('creates a task it does not know: a TaskExpiredError with the reference', async () => {
    const { toolset } = await misbehaving();
    const error = await toolset.directCallTool('foreign_task_id', {}).catch((caught: unknown) => caught);
    expect(TaskExpiredError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ taskId: 'foreign-0000-task', reference: { protocol: '2026-07-28' } });
  });

  it('ignores tasks/cancel: the acknowledgement ends the wait all the same', async () => {
    const { toolset, inspector } = await misbehaving();
    const handle = await toolset.startTask('never_terminal', {});
    const waiting = handle.result().catch((caught: unknown) => caught);
    await handle.cancel();
    const error = await waiting;
    expect(TaskCancelledError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/acknowledged by the server/);
    expect(await inspector.cancelsReceived()).toEqual([handle.taskId]);
    expect((await inspector.task(handle.taskId))?.status).toBe('working');
  });

  it('asks again under a key already answered: it is answered once, and the deadline ends the wait', async () => {
    let asked = 0;
    const { toolset, inspector } = await misbehaving({
      elicitation: async () => {
        asked++;
        return { action: 'accept', content: { name: 'Ada' } };
      },
    });
    const handle = await toolset.startTask('repeated_input_key', {});
    const error = await handle.result({ timeoutMs: 1_500 }).catch((caught: unknown) => caught);
    expect((error as Error).name).toBe('TaskDeadlineError');
    expect(asked).toBe(1);
    expect((await inspector.updates()).map((update) => update.key)).toEqual(['name']);
  });

  it('inlines a result with or without resultType: both are taken', async () => {
    const { toolset } = await misbehaving();
    expect(await toolset.directCallTool('result_type_inlined', {})).toBe('with resultType');
    expect(await toolset.directCallTool('result_type_omitted', {})).toBe('without resultType');
  });
});

describe('a 2026-07-28 call abandoned before its answer', () => {
  it('cancels the task the server made of it once the late answer arrives, so nothing is left running', async () => {
    // The answer comes after the abort and the wait for it (timeouts.cancelMs, 1 s): the caller has left.
    // (An answer within that wait names the task in the caller's error: see hostile-2026.test.ts.)
    const server = await withSlowCalls(1_500);
    cleanups.push(() => server.close());
    const toolset = await open(server.transport());
    const error = await toolset
      .directCallTool('cancellable_task', {}, { useTask: false, signal: AbortSignal.timeout(100) })
      .catch((caught: unknown) => caught);
    expect((error as Error).name).toBe('CancelledError');
    const taskId = await vi.waitFor(async () => {
      const created = (await server.inspector.calls())[0]?.taskId;
      expect(created).toBeTypeOf('string');
      return created as string;
    }, WAIT);
    await expect.poll(() => server.inspector.cancelsReceived(), WAIT).toContain(taskId);
    expect((await server.inspector.task(taskId))?.cancelRequested).toBe(true);
  });
});

describe('a 2026-07-28 server that does not push', () => {
  it('is polled at its pollIntervalMs, which may change, until the task ends', async () => {
    const server = await withoutListen({ pollIntervalMs: 50 });
    cleanups.push(() => server.close());
    const toolset = await open(server.transport());
    const handle = await toolset.startTask('slow_task', {
      value: 'p',
      steps: 2,
      delayMs: 300,
      pollIntervalsMs: [50, 120],
    });
    const intervals = new Set<number | undefined>();
    handle.on((event) => {
      if (event.type === 'status') intervals.add(event.task.pollInterval);
    });
    expect(await handle.result()).toBe('done: p');
    expect(server.listensRefused()).toBeGreaterThan(0);
    expect(intervals.has(120)).toBe(true);
  });
});

describe('a 2026-07-28 task answer where none may be', () => {
  it('is a ProtocolError naming the method', async () => {
    const server = await withTaskAnswer('tasks/get');
    cleanups.push(() => server.close());
    const toolset = await open(server.transport());
    const handle = await toolset.startTask('slow_task', { delayMs: 100 });
    // resumeTask asks tasks/get at once (a running handle may learn everything from pushes).
    const error = await toolset.resumeTask(handle.toJSON()).catch((caught: unknown) => caught);
    expect(ProtocolError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/answered tasks\/get with resultType "task"/);
  });
});

describe('a 2026-07-28 result without resultType', () => {
  it('is taken as complete, as the spec says a client must', async () => {
    const server = await withoutResultType();
    cleanups.push(() => server.close());
    const toolset = await open(server.transport());
    expect(await toolset.directCallTool('echo', { text: 'no type' })).toBe('no type');
    expect(server.stripped()).toBe(1);
  });
});

describe('x-mcp-header annotations on 2026-07-28', () => {
  it('leave a tool with an invalid one out, and calling it says why; a valid one keeps it', async () => {
    const invalid = await withEchoHeader('My Region');
    cleanups.push(() => invalid.close());
    const toolset = await open(invalid.transport());
    const names = (await toolset.getTools()).map((tool) => tool.name);
    expect(names).not.toContain('echo');
    expect(names).toContain('slow_task');
    const error = await toolset.directCallTool('echo', { text: 'x' }).catch((caught: unknown) => caught);
    expect(UserError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /'echo' .* left out because its parameter 'text' has x-mcp-header 'My Region'/,
    );
    const valid = await withEchoHeader('Text');
    cleanups.push(() => valid.close());
    const second = await open(valid.transport());
    expect((await second.getTools()).map((tool) => tool.name)).toContain('echo');
  });
});

describe('protocolVersion', () => {
  it('pinned to 2025-11-25, speaks the 2025 handshake to a server that offers both', async () => {
    const fixture = await startHttpTasksExtensionFixture();
    cleanups.push(() => fixture.close());
    const toolset = await open(fixture.url, { protocolVersion: '2025-11-25' });
    expect(toolset.protocolVersion).toBe('2025-11-25');
    expect((await toolset.getTools()).map((tool) => tool.name)).toContain('echo');
  });

  it('pinned to 2026-07-28, refuses a 2025-only server with a ConnectionLostError', async () => {
    const fixture = await startInMemoryFixture();
    cleanups.push(() => fixture.close());
    const toolset = new MCPToolset(fixture.clientTransport, { id: 'pinned', protocolVersion: '2026-07-28' });
    const error = await toolset.open().catch((caught: unknown) => caught);
    expect(ConnectionLostError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/Could not connect/);
  });

  it('of a later modern revision is spoken to as 2026-07-28: the server decides on tasks of the extension', async () => {
    const later = '2027-03-15';
    const server = await asLaterRevision(later);
    cleanups.push(() => server.close());
    // The SDK negotiates a modern revision its client lists (here, a Client the app connected).
    const client = new Client(
      { name: 'app', version: '1' },
      {
        supportedProtocolVersions: [later, ...SUPPORTED_PROTOCOL_VERSIONS],
        versionNegotiation: { mode: 'auto' },
        capabilities: { extensions: { [TASKS]: {} } },
      },
    );
    await client.connect(server.transport());
    cleanups.push(() => client.close());
    const toolset = await open(client);
    expect(toolset.protocolVersion).toBe(later);
    const slow = (await toolset.getTools()).find((tool) => tool.name === 'slow_task');
    expect(slow?.metadata).toMatchObject({ task: true, taskSupport: null });
    const handle = await toolset.startTask('slow_task', { value: 'v', delayMs: 50 });
    expect(handle.toJSON()).toMatchObject({ protocol: '2026-07-28', toolName: 'slow_task' });
    expect(await handle.result()).toBe('done: v');
    const calls = await server.inspector.calls();
    expect(calls[0]).toMatchObject({ tool: 'slow_task', answer: 'task', taskId: handle.taskId });
    expect(calls[0]?.declaredCapabilities?.extensions).toEqual({ [TASKS]: {} });
  });

  it('is checked for its value, and refused for a Client connected by the caller', async () => {
    expect(() => new MCPToolset('http://127.0.0.1:1/mcp', { protocolVersion: '2027-01-01' as never })).toThrow(
      /protocolVersion must be 'auto', '2025-11-25' or '2026-07-28'/,
    );
    const fixture = await startInMemoryFixture();
    cleanups.push(() => fixture.close());
    const client = new Client({ name: 'app', version: '1' });
    await client.connect(fixture.clientTransport);
    cleanups.push(() => client.close());
    expect(() => new MCPToolset(client, { protocolVersion: '2025-11-25' })).toThrow(
      /protocolVersion cannot apply to an already connected Client/,
    );
  });
});
