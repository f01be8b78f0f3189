import { Client } from '@modelcontextprotocol/client';
import {
  ConnectionLostError,
  createRunContext,
  isBinaryContent,
  ModelRetry,
  type RunContext,
  type ToolDefinition,
  ToolError,
  ToolFailed,
  UserError,
} from '@toolwright/core';
import type { FixtureOptions } from '@toolwright/testing';
import { startHttpFixture, startInMemoryFixture, stdioFixture } from '@toolwright/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { MCPToolset } from './mcp-toolset.ts';
import type { MCPToolsetOptions } from './options.ts';
import { type RunningFixture, transports } from './test-support/test-transports.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Calls a tool of each kind through `call`, and checks that each ran as the spec says: as a task or not. */
async function callsEachKindBySpec(
  call: (name: string, args?: Record<string, unknown>) => Promise<unknown>,
  fixture: RunningFixture,
): Promise<void> {
  expect(await call('slow_task', { value: 'v' })).toBe('done: v');
  expect(await call('optional_task')).toMatchObject({ ranAsTask: true });
  expect(await call('forbidden_tool')).toBeTypeOf('string');
  expect(await call('echo', { text: 'hello' })).toBe('hello');
  const calls = await fixture.inspector.calls();
  expect(calls.map((entry) => [entry.tool, entry.asTask])).toEqual([
    ['slow_task', true],
    ['optional_task', true],
    ['forbidden_tool', false],
    ['echo', false],
  ]);
}

describe.each(transports)('MCPToolset over $name', ({ start }) => {
  async function connect(toolsetOptions: MCPToolsetOptions = {}, fixtureOptions: FixtureOptions = {}) {
    const fixture: RunningFixture = await start(fixtureOptions);
    cleanups.push(() => fixture.close());
    const toolset = new MCPToolset(fixture.source, toolsetOptions);
    await toolset.open();
    cleanups.push(async () => {
      if (toolset.isOpen) await toolset.close();
    });
    const tools = await toolset.getTools();
    const tool = (name: string): ToolDefinition => {
      const found = tools.find((candidate) => candidate.name === name);
      if (!found) throw new Error(`fixture has no tool ${name}`);
      return found;
    };
    const call = (
      name: string,
      args: Record<string, unknown> = {},
      ctx: RunContext = createRunContext(),
      definition = tool(name),
    ) => toolset.callTool(name, args, ctx, definition);
    return { fixture, toolset, tools, tool, call };
  }

  it('maps taskSupport and the effective routing into metadata', async () => {
    const { tool } = await connect();
    expect(tool('slow_task').metadata).toMatchObject({ taskSupport: 'required', task: true });
    expect(tool('optional_task').metadata).toMatchObject({ taskSupport: 'optional', task: true });
    expect(tool('forbidden_tool').metadata).toMatchObject({ taskSupport: 'forbidden', task: false });
    expect(tool('echo').metadata).toMatchObject({ taskSupport: null, task: false });
  });

  it('routes optional tools inline when preferTasks is false, required ones still as tasks', async () => {
    const { tool, call, fixture } = await connect({ preferTasks: false });
    expect(tool('optional_task').metadata.task).toBe(false);
    expect(tool('slow_task').metadata.task).toBe(true);
    expect(await call('optional_task')).toMatchObject({ ranAsTask: false });
    await call('slow_task', { value: 'x' });
    const calls = await fixture.inspector.calls();
    expect(calls.map((entry) => [entry.tool, entry.asTask])).toEqual([
      ['optional_task', false],
      ['slow_task', true],
    ]);
  });

  it('calls each kind of tool correctly by the spec', async () => {
    const { call, fixture } = await connect();
    await callsEachKindBySpec(call, fixture);
  });

  it('keeps routing for definitions that went through JSON and back', async () => {
    const { tools, toolset, fixture } = await connect();
    const revived = JSON.parse(JSON.stringify(tools)) as ToolDefinition[];
    expect(revived).toEqual(tools);
    const optional = revived.find((tool) => tool.name === 'optional_task') as ToolDefinition;
    expect(await toolset.callTool('optional_task', {}, createRunContext(), optional)).toMatchObject({
      ranAsTask: true,
    });
    const inline = { ...optional, metadata: { ...optional.metadata, task: false } };
    expect(await toolset.callTool('optional_task', {}, createRunContext(), inline)).toMatchObject({ ranAsTask: false });
    expect((await fixture.inspector.calls()).map((entry) => entry.asTask)).toEqual([true, false]);
  });

  it('never breaks the spec when a definition forces the task flag', async () => {
    const { tool, call, fixture } = await connect();
    const forbidden = tool('forbidden_tool');
    const required = tool('slow_task');
    await call('forbidden_tool', {}, createRunContext(), {
      ...forbidden,
      metadata: { ...forbidden.metadata, task: true },
    });
    await call('slow_task', { value: 'x' }, createRunContext(), {
      ...required,
      metadata: { ...required.metadata, task: false },
    });
    await call('echo', { text: 'x' }, createRunContext(), { ...tool('echo'), metadata: { task: true } });
    expect((await fixture.inspector.calls()).map((entry) => [entry.tool, entry.asTask])).toEqual([
      ['forbidden_tool', false],
      ['slow_task', true],
      ['echo', false],
    ]);
  });

  it('runs no task on a server without the tasks capability', async () => {
    const { tools, call, fixture } = await connect({}, { tasks: false });
    for (const tool of tools) expect(tool.metadata.task).toBe(false);
    expect(await call('echo', { text: 'plain' })).toBe('plain');
    if (tools.some((tool) => tool.name === 'optional_task')) {
      expect(await call('optional_task')).toMatchObject({ ranAsTask: false });
    }
    expect((await fixture.inspector.calls()).every((entry) => !entry.asTask)).toBe(true);
  });

  it('lets processToolCall pass through, add _meta, change arguments or answer itself', async () => {
    const seen: string[] = [];
    const { call, fixture } = await connect({
      processToolCall: async (_ctx, next, name, args) => {
        seen.push(name);
        if (name === 'echo' && args.text === 'skip') return 'answered locally';
        if (name === 'echo') return next(name, { text: `${String(args.text)}!` }, { traceId: 'abc' });
        return next(name, args);
      },
    });
    expect(await call('echo', { text: 'hi' })).toBe('hi!');
    expect(await call('echo', { text: 'skip' })).toBe('answered locally');
    expect(await call('slow_task', { value: 'routed' })).toBe('done: routed');
    expect(seen).toEqual(['echo', 'echo', 'slow_task']);
    const calls = await fixture.inspector.calls();
    expect(calls.map((entry) => [entry.tool, entry.asTask])).toEqual([
      ['echo', false],
      ['slow_task', true],
    ]);
    expect(calls[0]?.meta).toMatchObject({ traceId: 'abc' });
    expect(calls[0]?.arguments).toEqual({ text: 'hi!' });
  });

  it('caches the tool list until the server says it changed', async () => {
    let changed = 0;
    const { toolset, tools, fixture } = await connect({ onToolsListChanged: () => changed++ });
    expect(await toolset.getTools()).toBe(tools);
    await fixture.changeTools();
    await expect.poll(() => changed).toBe(1);
    const after = await toolset.getTools();
    expect(after).not.toBe(tools);
    expect(after.some((tool) => tool.name === 'late_tool')).not.toBe(tools.some((tool) => tool.name === 'late_tool'));
  });

  it('lists afresh each time with cacheTools: false', async () => {
    const { toolset, tools } = await connect({ cacheTools: false });
    const again = await toolset.getTools();
    expect(again).not.toBe(tools);
    expect(again).toEqual(tools);
  });

  it('maps every kind of result', async () => {
    const { call } = await connect();
    expect(await call('add', { a: 2, b: 3 })).toBe(5);
    const structured = await call('structured_output');
    expect(structured).toBeTypeOf('object');
    const image = await call('image_result');
    expect(isBinaryContent(image) && image.mediaType).toBe('image/png');
    const audio = await call('audio_result');
    expect(isBinaryContent(audio) && audio.mediaType).toBe('audio/wav');
    expect(await call('resource_link_result')).toMatchObject({ type: 'resource-link', uri: expect.any(String) });
    expect(await call('embedded_resource_result')).toMatchObject({
      type: 'resource',
      uri: expect.any(String),
      text: expect.any(String),
    });
    const multi = await call('multi_content');
    expect(Array.isArray(multi) && multi.length).toBe(3);
    expect(await call('echo', { text: '{"a":[1,2]}' })).toEqual({ a: [1, 2] });
    expect(await call('echo', { text: '{not json' })).toBe('{not json');
    expect(await call('echo', { text: '[1,' })).toBe('[1,');
  });

  it.each([
    ['retry', ModelRetry],
    ['failed', ToolFailed],
    ['error', ToolError],
  ] as const)("maps a failed task with toolErrorBehavior '%s'", async (behavior, type) => {
    const { call } = await connect({ toolErrorBehavior: behavior });
    const error = await call('failing_task', { message: 'disk full' }).catch((caught: unknown) => caught);
    expect(type.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('disk full');
  });

  it.each([
    ['retry', ModelRetry],
    ['failed', ToolFailed],
    ['error', ToolError],
  ] as const)("maps an isError result with toolErrorBehavior '%s'", async (behavior, type) => {
    const { call } = await connect({ toolErrorBehavior: behavior });
    const error = await call('add', { a: 'not a number', b: 1 }).catch((caught: unknown) => caught);
    expect(type.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('a and b must be numbers');
  });

  it('maps a JSON-RPC error to ModelRetry, or to ToolError with toolErrorBehavior error', async () => {
    const retry = await connect({}, { misbehaving: true });
    const asRetry = await retry.call('rpc_error_tool').catch((caught: unknown) => caught);
    expect(ModelRetry.isInstance(asRetry)).toBe(true);
    expect((asRetry as Error).message).toContain('the argument "when" must be a date');
    const strict = await connect({ toolErrorBehavior: 'error' }, { misbehaving: true });
    const asError = await strict.call('rpc_error_tool').catch((caught: unknown) => caught);
    expect(ToolError.isInstance(asError)).toBe(true);
    expect((asError as ToolError).toolName).toBe('rpc_error_tool');
  });

  it('reads every page of a long tool list', async () => {
    const { tools } = await connect({}, { generatedTools: 25, pageSize: 10 });
    expect(tools.filter((tool) => tool.name.startsWith('generated_'))).toHaveLength(25);
    expect(new Set(tools.map((tool) => tool.name)).size).toBe(tools.length);
  });

  it("keeps annotations with the wire's camelCase keys, and __proto__ keys as plain data", async () => {
    const { tool } = await connect({}, { misbehaving: true });
    expect(tool('echo').metadata.annotations).toEqual({ readOnlyHint: true, openWorldHint: false, title: 'Echo' });
    const proto = tool('proto_keys').metadata;
    expect(Object.hasOwn(proto.meta as object, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(proto.meta)).toBe(Object.prototype);
    expect(Object.hasOwn(proto.annotations as object, 'constructor')).toBe(true);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(JSON.parse(JSON.stringify(tool('proto_keys')))).toEqual(tool('proto_keys'));
  });

  it("answers the server's sampling requests and receives its log messages", async () => {
    const logs: unknown[] = [];
    const { call } = await connect({
      sampling: async (request) => ({
        role: 'assistant',
        content: { type: 'text', text: `echo of ${JSON.stringify(request.messages[0]?.content)}` },
        model: 'test-model',
      }),
      onLog: (message) => logs.push(message.data),
    });
    expect(await call('sampling_tool', { prompt: 'hi there' })).toMatch(/^the model said: echo of .*hi there/);
    expect(await call('log_tool', { message: 'look' })).toBe('logged');
    await expect.poll(() => logs).toEqual(['look']);
  });

  it('names the closest tools for an unknown name', async () => {
    const { toolset } = await connect();
    const error = await toolset.directCallTool('ecko', { text: 'x' }).catch((caught: unknown) => caught);
    expect(UserError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/'ecko'.*'echo'/);
  });

  it('calls a tool without its definition, routed as its listing routes it, listing the tools once', async () => {
    const fixture = await start();
    cleanups.push(() => fixture.close());
    const toolset = new MCPToolset(fixture.source, { id: 'fixture' });
    await toolset.open();
    cleanups.push(() => toolset.close());
    const ctx = createRunContext();
    const created: string[] = [];
    ctx.events.on('task-created', (event) => created.push(event.toolName));
    // No getTools() first: the toolset lists by itself.
    await callsEachKindBySpec((name, args = {}) => toolset.callTool(name, args, ctx), fixture);
    expect(created).toEqual(['slow_task', 'optional_task']);
    expect(await fixture.inspector.received('tools/list')).toHaveLength(1);
    // A name the server does not offer: the UserError with the closest names, as with a definition.
    const error = await toolset.callTool('ecko', { text: 'x' }, ctx).catch((caught: unknown) => caught);
    expect(UserError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/Tool 'ecko' is not offered .*Did you mean 'echo'/);
  });

  it('turns a server that dies mid-call into a ConnectionLostError, not a hang', async () => {
    const { call } = await connect({}, { misbehaving: true });
    const error = await call('dies_mid_task', { afterMs: 50 }).catch((caught: unknown) => caught);
    expect(ConnectionLostError.isInstance(error)).toBe(true);
  });
});

describe('MCPToolset lifecycle and options', () => {
  it('refuses use before open and closing more than opened, with clear errors', async () => {
    await using fixture = await startInMemoryFixture();
    const toolset = new MCPToolset(fixture.clientTransport, { id: 'fixture' });
    await expect(toolset.getTools()).rejects.toThrow(/not open.*open\(\)/);
    expect(() => toolset.serverInfo).toThrow(UserError);
    await toolset.open();
    expect(toolset.serverInfo.name).toBeTypeOf('string');
    await toolset.close();
    await expect(toolset.close()).rejects.toThrow(/closed more often than it was opened/);
  });

  it('opens once for several users and closes at the last close', async () => {
    await using fixture = await startInMemoryFixture();
    const toolset = new MCPToolset(fixture.clientTransport);
    await Promise.all([toolset.open(), toolset.open()]);
    await toolset.close();
    expect((await toolset.getTools()).length).toBeGreaterThan(0);
    await toolset.close();
    expect(toolset.isOpen).toBe(false);
  });

  it('closes with await using', async () => {
    await using fixture = await startInMemoryFixture();
    let outer: MCPToolset | undefined;
    {
      await using toolset = new MCPToolset(fixture.clientTransport);
      outer = toolset;
      await toolset.open();
    }
    expect(outer.isOpen).toBe(false);
  });

  it('rejects contradicting options at construction, naming them', async () => {
    expect(() => new MCPToolset('http://127.0.0.1:1/mcp', { toolErrorBehavior: 'explode' as never })).toThrow(
      /toolErrorBehavior/,
    );
    expect(
      () => new MCPToolset('http://127.0.0.1:1/mcp', { taskPolling: { minIntervalMs: 500, maxIntervalMs: 100 } }),
    ).toThrow(/minIntervalMs/);
    expect(() => new MCPToolset('http://127.0.0.1:1/mcp', { timeouts: { requestMs: 0 } })).toThrow(/requestMs/);
    expect(
      () => new MCPToolset('http://127.0.0.1:1/mcp', { timeouts: { pingMs: -1, ttlGraceMs: Number.NaN } }),
    ).toThrow(/timeouts\.pingMs must be a positive number.*timeouts\.ttlGraceMs must be a positive number/);
    expect(() => new MCPToolset('http://127.0.0.1:1/mcp', { taskPolling: { inputRetryMs: 0 } })).toThrow(
      /taskPolling\.inputRetryMs/,
    );
    await using fixture = await startInMemoryFixture();
    const client = new Client({ name: 'test', version: '1' });
    await client.connect(fixture.clientTransport);
    expect(() => new MCPToolset(client, { elicitation: async () => ({ action: 'decline' }) })).toThrow(
      /elicitation cannot apply to an already connected Client/,
    );
    await client.close();
  });

  it('rejects a source that is neither URL, command, transport nor client', async () => {
    await expect(new MCPToolset('not a url').open()).rejects.toThrow(/is not a URL/);
    await expect(new MCPToolset({ nothing: true } as never).open()).rejects.toThrow(UserError);
  });

  it('says clearly when a stdio command cannot start', async () => {
    const toolset = new MCPToolset({ command: '/nonexistent/toolwright-server' });
    await expect(toolset.open()).rejects.toThrow(/Could not connect to the MCP server/);
  });

  it('uses a Client connected by the caller, and leaves it open on close', async () => {
    await using fixture = await startInMemoryFixture();
    const client = new Client({ name: 'app', version: '1' });
    await client.connect(fixture.clientTransport);
    const toolset = new MCPToolset(client, { id: 'shared' });
    await toolset.open();
    expect(await toolset.directCallTool('slow_task', { value: 'shared' })).toBe('done: shared');
    await toolset.close();
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    await client.close();
  });

  it('ends the stdio child on close', async () => {
    await using fixture = stdioFixture();
    const toolset = new MCPToolset({ command: fixture.command, args: fixture.args, stderr: 'ignore' });
    await toolset.open();
    const pid = await fixture.pid();
    expect(pid !== undefined && isAlive(pid)).toBe(true);
    await toolset.close();
    await expect.poll(() => isAlive(pid as number)).toBe(false);
  });

  it('ends its HTTP session on close', async () => {
    await using fixture = await startHttpFixture();
    const toolset = new MCPToolset(fixture.url);
    await toolset.open();
    expect(fixture.sessionCount()).toBe(1);
    await toolset.close();
    expect(fixture.sessionCount()).toBe(0);
  });

  it('offers server instructions only with includeInstructions', async () => {
    await using fixture = await startInMemoryFixture();
    await using toolset = new MCPToolset(fixture.clientTransport, { includeInstructions: false });
    await toolset.open();
    expect(toolset.instructions).toBeUndefined();
    await using other = await startInMemoryFixture();
    await using including = new MCPToolset(other.clientTransport, { includeInstructions: true });
    await including.open();
    expect(including.instructions).toBe('A Toolwright fixture server for tests.');
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
