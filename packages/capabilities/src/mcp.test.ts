import { createRunContext, forToolCall, type RunContext, type ToolDefinition } from '@toolwright/core';
import { type MCPServerSource, MCPToolset } from '@toolwright/mcp-toolset';
import { type FixtureInspector, startHttpFixture, startInMemoryFixture, stdioFixture } from '@toolwright/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { BackgroundTools } from './background-tools.ts';
import { applyCapabilities } from './capability.ts';
import { SetToolMetadata } from './set-tool-metadata.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Start = () => Promise<{ source: MCPServerSource; inspector: FixtureInspector; close(): Promise<void> }>;
const options = { pollInterval: 20 };
const transports: { name: string; start: Start }[] = [
  {
    name: 'in-memory',
    start: async () => {
      const f = await startInMemoryFixture(options);
      return { source: f.clientTransport, inspector: f.inspector, close: f.close };
    },
  },
  {
    name: 'stdio',
    start: async () => {
      const f = stdioFixture(options);
      return { source: { command: f.command, args: f.args, stderr: 'ignore' }, inspector: f.inspector, close: f.close };
    },
  },
  {
    name: 'http',
    start: async () => {
      const f = await startHttpFixture(options);
      return { source: f.url, inspector: f.inspector, close: f.close };
    },
  },
];

describe.each(transports)('capabilities on an MCP toolset over $name', ({ start }) => {
  async function setup() {
    const fixture = await start();
    cleanups.push(() => fixture.close());
    const mcp = new MCPToolset(fixture.source, { id: 'fixture' });
    const background = new BackgroundTools();
    const toolset = applyCapabilities(mcp, [
      new SetToolMetadata({ tools: { task: true }, metadata: { background: true } }),
      background,
    ]);
    await toolset.open();
    cleanups.push(() => toolset.close());
    const ctx = createRunContext();
    const defs = Object.fromEntries((await toolset.getTools(ctx)).map((tool) => [tool.name, tool]));
    let calls = 0;
    const call = (name: string, args: Record<string, unknown>, run: RunContext = ctx) =>
      toolset.callTool(name, args, forToolCall(run, { toolCallId: `call-${++calls}` }), defs[name] as ToolDefinition);
    return { fixture, toolset, background, ctx, defs, call };
  }

  it('tags task tools as background tools, and runs them without blocking', async () => {
    const { defs, call, ctx, fixture } = await setup();
    expect(defs.slow_task?.metadata).toMatchObject({ task: true, background: true });
    expect(defs.echo?.metadata).not.toHaveProperty('background');
    const ack = String(await call('slow_task', { value: 'v', delayMs: 300 }));
    const taskId = /as task (\S+)\./.exec(ack)?.[1] as string;
    expect(taskId).toBeTruthy();
    expect((await fixture.inspector.task(taskId))?.status).toBe('working');
    const followUp = await ctx.followUps.next();
    expect(followUp).toMatchObject({ toolName: 'slow_task', id: taskId, outcome: 'result', content: 'done: v' });
  });

  it('turns a failed task into a failure follow-up, leaving its sibling running', async () => {
    const { call, ctx } = await setup();
    await call('slow_task', { value: 'survivor', delayMs: 200 });
    await call('failing_task', { message: 'quota exceeded' });
    const first = await ctx.followUps.next();
    expect(first).toMatchObject({ toolName: 'failing_task', outcome: 'failure' });
    expect(first.message).toContain('quota exceeded');
    expect(await ctx.followUps.next()).toMatchObject({
      toolName: 'slow_task',
      outcome: 'result',
      content: 'done: survivor',
    });
  });

  it('does not hold a fast follow-up behind a slow one', async () => {
    const { call, ctx } = await setup();
    await call('cancellable_task', { durationMs: 5_000 });
    await call('slow_task', { value: 'fast', delayMs: 10 });
    expect(await ctx.followUps.next()).toMatchObject({ toolName: 'slow_task', content: 'done: fast' });
  });

  it('cancels the server task when the run is aborted', async () => {
    const { call, fixture } = await setup();
    const controller = new AbortController();
    const run = createRunContext({ signal: controller.signal });
    const ack = String(await call('cancellable_task', { durationMs: 10_000 }, run));
    const taskId = /as task (\S+)\./.exec(ack)?.[1] as string;
    controller.abort(new Error('run aborted'));
    const followUp = await run.followUps.next();
    expect(followUp).toMatchObject({ outcome: 'failure', id: taskId });
    expect(await fixture.inspector.cancelsReceived()).toEqual([taskId]);
  });

  it('keeps two runs apart', async () => {
    const { call } = await setup();
    const first = createRunContext();
    const second = createRunContext();
    await call('slow_task', { value: 'one', delayMs: 50 }, first);
    await call('slow_task', { value: 'two', delayMs: 10 }, second);
    expect((await second.followUps.next()).content).toBe('done: two');
    expect((await first.followUps.next()).content).toBe('done: one');
  });

  it('switches the routing of an optional task tool with SetToolMetadata', async () => {
    const fixture = await start();
    cleanups.push(() => fixture.close());
    const toolset = applyCapabilities(new MCPToolset(fixture.source), [
      new SetToolMetadata({ tools: 'optional_task', metadata: { task: false } }),
    ]);
    await toolset.open();
    cleanups.push(() => toolset.close());
    const ctx = createRunContext();
    const tool = (await toolset.getTools(ctx)).find(
      (candidate) => candidate.name === 'optional_task',
    ) as ToolDefinition;
    expect(await toolset.callTool('optional_task', {}, ctx, tool)).toEqual({ ranAsTask: false });
    expect((await fixture.inspector.calls()).map((entry) => entry.asTask)).toEqual([false]);
  });
});
