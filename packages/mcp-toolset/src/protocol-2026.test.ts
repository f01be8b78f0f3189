// A 2026-07-28 server (the tasks-extension fixture of @toolwright/testing) over every transport: the
// toolset negotiates the version by itself, calls plain tools, and refuses task work (the extension is
// not spoken yet) with typed errors that say why, without ever declaring the extension.
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { ConnectionLostError, createRunContext, UserError } from '@toolwright/core';
import {
  startHttpTasksExtensionFixture,
  startInMemoryFixture,
  startInMemoryTasksExtensionFixture,
  type TasksExtensionInspector,
  tasksExtensionStdioFixture,
} from '@toolwright/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { MCPToolset } from './mcp-toolset.ts';
import type { MCPServerSource, MCPToolsetOptions } from './options.ts';
import { withEchoHeader, withoutResultType } from './test-2026-servers.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Running {
  readonly source: MCPServerSource;
  readonly inspector: TasksExtensionInspector;
}

const transports: { name: string; start: () => Promise<Running> }[] = [
  {
    name: 'in-memory',
    start: async () => {
      const fixture = await startInMemoryTasksExtensionFixture();
      cleanups.push(() => fixture.close());
      return {
        source: new StreamableHTTPClientTransport(fixture.url, { fetch: fixture.fetch }),
        inspector: fixture.inspector,
      };
    },
  },
  {
    name: 'stdio',
    start: async () => {
      const fixture = tasksExtensionStdioFixture();
      cleanups.push(() => fixture.close());
      return {
        source: { command: fixture.command, args: fixture.args, stderr: 'ignore' },
        inspector: fixture.inspector,
      };
    },
  },
  {
    name: 'http',
    start: async () => {
      const fixture = await startHttpTasksExtensionFixture();
      cleanups.push(() => fixture.close());
      return { source: fixture.url, inspector: fixture.inspector };
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

describe.each(transports)('a 2026-07-28 server over $name', ({ start }) => {
  it('negotiates 2026-07-28 by itself, lists the tools and calls a plain one', async () => {
    const { source, inspector } = await start();
    const toolset = await open(source);
    expect(toolset.protocolVersion).toBe('2026-07-28');
    const tools = await toolset.getTools();
    const echo = tools.find((tool) => tool.name === 'echo');
    expect(echo?.metadata).toMatchObject({ task: false, taskSupport: null });
    expect(await toolset.callTool('echo', { text: 'hi' }, createRunContext(), echo as NonNullable<typeof echo>)).toBe(
      'hi',
    );
    const calls = await inspector.calls();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ tool: 'echo', answer: 'inline' });
    // The extension is never declared, so the server may not turn the call into a task.
    expect(calls[0]?.declaredCapabilities?.extensions).toBeUndefined();
  });

  it('refuses task work with UserErrors that say why: a task-only tool, startTask, listTasks, resumeTask', async () => {
    const { source } = await start();
    const toolset = await open(source);
    const taskOnly = await toolset.directCallTool('slow_task', { delayMs: 10 }).catch((error: unknown) => error);
    expect(UserError.isInstance(taskOnly)).toBe(true);
    expect((taskOnly as Error).message).toMatch(/'slow_task' runs only as a task.*2026-07-28/);
    const started = await toolset.startTask('slow_task', {}).catch((error: unknown) => error);
    expect(UserError.isInstance(started)).toBe(true);
    expect((started as Error).message).toMatch(/cannot run as a task: tasks of MCP 2026-07-28/);
    const listed = await toolset.listTasks().catch((error: unknown) => error);
    expect(UserError.isInstance(listed)).toBe(true);
    expect((listed as Error).message).toMatch(/has no task listing/);
    const resumed = await toolset
      .resumeTask({ type: 'mcp-task', protocol: '2025-11-25', server: 'fixture-2026', taskId: 't', toolName: 'x' })
      .catch((error: unknown) => error);
    expect(UserError.isInstance(resumed)).toBe(true);
    expect((resumed as Error).message).toMatch(/tasks 2025-11-25.*tasks 2026-07-28/);
  });

  it('runs a tool the server may run either way inline', async () => {
    const { source, inspector } = await start();
    const toolset = await open(source);
    await toolset.directCallTool('optional_task', {});
    expect((await inspector.calls()).at(-1)).toMatchObject({ tool: 'optional_task', answer: 'inline' });
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
