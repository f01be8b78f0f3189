import {
  createRunContext,
  FunctionToolset,
  forToolCall,
  functionTool,
  ModelRetry,
  type RunContext,
  type ToolDefinition,
  UserError,
} from '@toolwright/core';
import { describe, expect, it } from 'vitest';
import { BackgroundTools } from './background-tools.ts';
import { applyCapabilities, type Capability } from './capability.ts';
import { SetToolMetadata } from './set-tool-metadata.ts';

/** A promise resolved or rejected from outside: lets a test decide when a tool finishes. */
function deferred<T = unknown>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function tools() {
  const gates = new Map<string, ReturnType<typeof deferred>>();
  const signals = new Map<string, AbortSignal>();
  const gate = (name: string) => {
    const existing = gates.get(name) ?? deferred();
    gates.set(name, existing);
    return existing;
  };
  const slow = (name: string, metadata: Record<string, unknown> = {}, inputSchema?: Record<string, unknown>) =>
    functionTool({
      name,
      metadata,
      ...(inputSchema ? { inputSchema } : {}),
      execute: async (args, ctx) => {
        signals.set(name, ctx.signal);
        if (metadata.task === true) {
          ctx.events.emit({
            type: 'task-created',
            toolName: name,
            toolCallId: ctx.toolCallId,
            taskId: `task-of-${name}`,
            status: 'working',
            reference: {},
          });
        }
        const aborted = new Promise((_, reject) =>
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true }),
        );
        const value = await Promise.race([gate(name).promise, aborted]);
        return { tool: name, args, value };
      },
    });
  const toolset = new FunctionToolset([
    slow('search', { annotations: { readOnlyHint: true } }),
    slow('report', { task: true, background: true }),
    slow('quick', { background: true }),
    slow('maybe', { background: 'optional' }),
    slow('write', { annotations: { readOnlyHint: false } }),
  ]);
  return { toolset, gate, signals };
}

async function definitions(
  toolset: { getTools(ctx: RunContext): Promise<readonly ToolDefinition[]> },
  ctx: RunContext = createRunContext(),
) {
  return Object.fromEntries((await toolset.getTools(ctx)).map((tool) => [tool.name, tool]));
}

describe('applyCapabilities', () => {
  it('runs the first capability outermost around calls, and its prepareTools last', async () => {
    const trace: string[] = [];
    const tracing = (label: string): Capability => ({
      prepareTools: (_ctx, list) => {
        trace.push(`prepare ${label}`);
        return list.map((tool) => ({ ...tool, description: `${tool.description ?? ''}${label}` }));
      },
      wrapToolCall: async (_ctx, call, next) => {
        trace.push(`before ${label}`);
        const result = await next(call);
        trace.push(`after ${label}`);
        return `${String(result)}${label}`;
      },
      instructions: () => `use ${label}`,
    });
    const toolset = applyCapabilities(new FunctionToolset([functionTool({ name: 'echo', execute: () => 'r' })]), [
      tracing('A'),
      tracing('B'),
    ]);
    const ctx = createRunContext();
    const [echo] = await toolset.getTools(ctx);
    expect(echo?.description).toBe('BA');
    expect(await toolset.callTool('echo', {}, ctx, echo as ToolDefinition)).toBe('rBA');
    expect(trace).toEqual(['prepare B', 'prepare A', 'before A', 'before B', 'after B', 'after A']);
    expect(await toolset.instructions(ctx)).toBe('use A\n\nuse B');
  });

  it('refuses a capability that adds or renames tools', async () => {
    const base = new FunctionToolset([functionTool({ name: 'echo', execute: () => 'r' })]);
    const adding: Capability = {
      prepareTools: (_ctx, list) => [...list, { ...(list[0] as ToolDefinition), name: 'extra' }],
    };
    const renaming: Capability = { prepareTools: (_ctx, list) => list.map((tool) => ({ ...tool, name: 'renamed' })) };
    await expect(applyCapabilities(base, [adding]).getTools(createRunContext())).rejects.toThrow(
      /'extra', which it does not have/,
    );
    await expect(applyCapabilities(base, [renaming]).getTools(createRunContext())).rejects.toThrow(UserError);
  });

  it('lets a capability answer without calling the toolset, and passes lifecycle through', async () => {
    let called = false;
    const base = new FunctionToolset([functionTool({ name: 'echo', execute: () => (called = true) })]);
    const toolset = applyCapabilities(base, [{ wrapToolCall: async () => 'cached' }]);
    await toolset.open();
    expect(base.isOpen).toBe(true);
    const [echo] = await toolset.getTools(createRunContext());
    expect(await toolset.callTool('echo', {}, createRunContext(), echo as ToolDefinition)).toBe('cached');
    expect(called).toBe(false);
    await toolset.close();
    expect(base.isOpen).toBe(false);
  });
});

describe('SetToolMetadata', () => {
  it.each([
    ['a name', 'search', ['search']],
    ['a list of names', ['search', 'write'], ['search', 'write']],
    ['a nested pattern', { annotations: { readOnlyHint: true } }, ['search']],
    ['a flag pattern', { task: true }, ['report']],
    ['a predicate', (_ctx: RunContext, tool: ToolDefinition) => tool.name.startsWith('q'), ['quick']],
    ['an async predicate', async (_ctx: RunContext, tool: ToolDefinition) => tool.name === 'maybe', ['maybe']],
    ['all', 'all', ['search', 'report', 'quick', 'maybe', 'write']],
  ] as const)('merges metadata onto tools chosen by %s only', async (_kind, selector, expected) => {
    const { toolset } = tools();
    const tagged = await definitions(
      applyCapabilities(toolset, [new SetToolMetadata({ tools: selector as never, metadata: { tag: 'x' } })]),
    );
    expect(
      Object.values(tagged)
        .filter((tool) => tool.metadata.tag === 'x')
        .map((tool) => tool.name),
    ).toEqual(expected);
  });

  it('keeps existing keys, merging nested objects', async () => {
    const { toolset } = tools();
    const tagged = await definitions(
      applyCapabilities(toolset, [
        new SetToolMetadata({ tools: 'search', metadata: { annotations: { title: 'Search' }, extra: 1 } }),
      ]),
    );
    expect(tagged.search?.metadata).toEqual({ annotations: { readOnlyHint: true, title: 'Search' }, extra: 1 });
  });
});

describe('BackgroundTools', () => {
  async function setup() {
    const fixture = tools();
    const background = new BackgroundTools();
    const toolset = applyCapabilities(fixture.toolset, [background]);
    const ctx = createRunContext({ runId: 'run-1' });
    const defs = await definitions(toolset, ctx);
    const call = (name: string, args: Record<string, unknown> = {}, run: RunContext = ctx, id = `call-${name}`) =>
      toolset.callTool(name, args, forToolCall(run, { toolCallId: id }), defs[name] as ToolDefinition);
    return { ...fixture, background, toolset, ctx, defs, call };
  }

  it('returns an acknowledgement at once, and the real result follows', async () => {
    const { call, gate, ctx, background } = await setup();
    const ack = await call('quick', { q: 1 });
    expect(ack).toMatch(/Tool 'quick' is running in the background as call call-quick/);
    expect(background.pending(ctx).map((work) => work.id)).toEqual(['call-quick']);
    expect(ctx.followUps.size).toBe(0);
    gate('quick').resolve('answer');
    const followUp = await ctx.followUps.next();
    expect(followUp).toMatchObject({
      toolName: 'quick',
      id: 'call-quick',
      outcome: 'result',
      content: { tool: 'quick', args: { q: 1 }, value: 'answer' },
    });
    expect(followUp.message).toContain('answer');
    expect(background.pending(ctx)).toEqual([]);
  });

  it("names a task tool's work by the server's task id, in the acknowledgement and the follow-up", async () => {
    const { call, gate, ctx } = await setup();
    expect(await call('report')).toMatch(/as task task-of-report/);
    gate('report').resolve('done');
    expect((await ctx.followUps.next()).id).toBe('task-of-report');
  });

  it('turns a failure into a failure follow-up without touching siblings, and does not hold fast work behind slow', async () => {
    const { call, gate, ctx, signals } = await setup();
    await call('report');
    await call('quick');
    gate('quick').reject(new Error('quota exceeded'));
    const failure = await ctx.followUps.next();
    expect(failure).toMatchObject({ toolName: 'quick', outcome: 'failure' });
    expect(failure.message).toMatch(/failed: quota exceeded/);
    expect(signals.get('report')?.aborted).toBe(false);
    gate('report').resolve('fine');
    expect(await ctx.followUps.next()).toMatchObject({ toolName: 'report', outcome: 'result' });
  });

  it('cancels pending work when the run is aborted, and says so', async () => {
    const { call, signals } = await setup();
    const controller = new AbortController();
    const run = createRunContext({ signal: controller.signal });
    await call('quick', {}, run);
    controller.abort(new Error('user stopped'));
    expect(signals.get('quick')?.aborted).toBe(true);
    const followUp = await run.followUps.next();
    expect(followUp).toMatchObject({ outcome: 'failure' });
    expect(followUp.message).toMatch(/cancelled \(user stopped\)/);
  });

  it('cancels and waits for all work of a run', async () => {
    const { call, ctx, background, gate } = await setup();
    await call('quick');
    await call('report');
    const waiting = background.waitForAll(ctx);
    await background.cancelAll(ctx);
    await waiting;
    expect(background.pending(ctx)).toEqual([]);
    expect(ctx.followUps.take().map((item) => item.outcome)).toEqual(['failure', 'failure']);
    gate('quick').resolve('too late');
  });

  it('never delivers a result to another run', async () => {
    const { call, gate } = await setup();
    const first = createRunContext();
    const second = createRunContext();
    await call('quick', {}, first);
    await call('report', {}, second);
    gate('report').resolve('for the second');
    gate('quick').resolve('for the first');
    expect((await second.followUps.next()).toolName).toBe('report');
    expect((await first.followUps.next()).toolName).toBe('quick');
    expect(first.followUps.size + second.followUps.size).toBe(0);
  });

  it('adds a runInBackground argument to optional tools and honours it per call', async () => {
    const { defs, call, ctx, gate } = await setup();
    expect((defs.maybe?.inputSchema.properties as Record<string, unknown> | undefined)?.runInBackground).toMatchObject({
      type: 'boolean',
    });
    expect(defs.search?.inputSchema.properties).not.toHaveProperty('runInBackground');
    gate('maybe').resolve('v');
    expect(await call('maybe', { runInBackground: false, x: 1 })).toEqual({
      tool: 'maybe',
      args: { x: 1 },
      value: 'v',
    });
    expect(await call('maybe', { x: 2 })).toEqual({ tool: 'maybe', args: { x: 2 }, value: 'v' });
    expect(await call('maybe', { runInBackground: true, x: 3 })).toMatch(/running in the background/);
    expect((await ctx.followUps.next()).content).toEqual({ tool: 'maybe', args: { x: 3 }, value: 'v' });
    const wrong = await call('maybe', { runInBackground: 'yes' }).catch((error: unknown) => error);
    expect(ModelRetry.isInstance(wrong)).toBe(true);
    expect((wrong as Error).message).toMatch(/'runInBackground' argument of tool 'maybe' must be true or false/);
  });

  it('refuses background: optional on a tool that already has a runInBackground argument', async () => {
    const toolset = new FunctionToolset([
      functionTool({
        name: 'clash',
        metadata: { background: 'optional' },
        inputSchema: { type: 'object', properties: { runInBackground: { type: 'string' } } },
        execute: () => 1,
      }),
    ]);
    await expect(applyCapabilities(toolset, [new BackgroundTools()]).getTools(createRunContext())).rejects.toThrow(
      /Tool 'clash' already has an argument named 'runInBackground'/,
    );
  });

  it('runs other tools in the foreground', async () => {
    const { call, gate, ctx, background } = await setup();
    gate('search').resolve('now');
    expect(await call('search')).toEqual({ tool: 'search', args: {}, value: 'now' });
    expect(background.pending(ctx)).toEqual([]);
    expect(ctx.followUps.size).toBe(0);
  });
});
