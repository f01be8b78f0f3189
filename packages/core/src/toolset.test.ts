import { describe, expect, it } from 'vitest';
import { UserError } from './errors.ts';
import { FunctionToolset, functionTool } from './function-toolset.ts';
import { createRunContext, type RunContext } from './run-context.ts';
import type { ToolDefinition } from './tool-definition.ts';
import { BaseToolset, combineToolsets, type ToolArguments, type Toolset, WrapperToolset } from './toolset.ts';

/** A local toolset whose calls report the name and definition they received. */
function weather(id = 'weather') {
  const received: { name: string; tool: ToolDefinition }[] = [];
  const tool = (name: string, metadata: Record<string, boolean | string> = {}) =>
    functionTool({
      name,
      description: `${name} tool`,
      metadata,
      execute: (args, _ctx, definition) => {
        received.push({ name, tool: definition });
        return { name, args };
      },
    });
  const toolset = new FunctionToolset([tool('forecast', { task: true }), tool('alerts', { readOnly: 'yes' })], { id });
  return { toolset, received };
}

/** Counts onOpen and onClose; can be told to fail opening. */
class CountingToolset extends BaseToolset {
  opened = 0;
  closed = 0;
  failOpen = false;
  protected override async onOpen() {
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (this.failOpen) throw new Error('cannot connect');
    this.opened++;
  }
  protected override async onClose() {
    this.closed++;
  }
  async getTools() {
    return [];
  }
  async callTool() {
    return null;
  }
}

const ctx = createRunContext();
const names = async (toolset: Toolset) => (await toolset.getTools(ctx)).map((tool) => tool.name);
const call = async (toolset: Toolset, name: string, args: ToolArguments = {}, run: RunContext = ctx) => {
  const tool = (await toolset.getTools(run)).find((candidate) => candidate.name === name);
  if (!tool) throw new Error(`no tool ${name}`);
  return toolset.callTool(name, args, run, tool);
};

describe('combined toolsets', () => {
  it('offer the tools of all and route each call to its owner', async () => {
    const { toolset: first } = weather('weather');
    const second = new FunctionToolset([functionTool({ name: 'search', execute: () => 'found' })], { id: 'web' });
    const combined = combineToolsets(first, second);
    expect(await names(combined)).toEqual(['forecast', 'alerts', 'search']);
    expect(await call(combined, 'search')).toBe('found');
    expect(await call(combined, 'forecast', { city: 'Oslo' })).toEqual({ name: 'forecast', args: { city: 'Oslo' } });
  });

  it('refuse a name clash, naming the tool and both toolsets and suggesting a prefix', async () => {
    const combined = combineToolsets(weather('weather').toolset, weather('backup').toolset);
    await expect(combined.getTools(ctx)).rejects.toThrow(UserError);
    await expect(combined.getTools(ctx)).rejects.toThrow(
      /Tool 'forecast' is offered by both 'weather' and 'backup'.*prefixed\('backup'\)/,
    );
  });
});

describe('wrapped toolsets', () => {
  it('filter by predicate (sync or async) or metadata pattern', async () => {
    const { toolset } = weather();
    expect(await names(toolset.filtered((_ctx, tool) => tool.name === 'alerts'))).toEqual(['alerts']);
    expect(await names(toolset.filtered(async (_ctx, tool) => tool.name === 'forecast'))).toEqual(['forecast']);
    expect(await names(toolset.filtered({ task: true }))).toEqual(['forecast']);
  });

  it('prefix names and strip the prefix on calls, passing the definition as handed', async () => {
    const { toolset, received } = weather();
    const prefixed = toolset.prefixed('weather');
    expect(await names(prefixed)).toEqual(['weather_forecast', 'weather_alerts']);
    const [listed] = await prefixed.getTools(ctx);
    const overridden = { ...(listed as ToolDefinition), metadata: { task: false, extra: 'kept' } };
    await prefixed.callTool('weather_forecast', {}, ctx, overridden);
    expect(received[0]).toEqual({ name: 'forecast', tool: { ...overridden, name: 'forecast' } });
    expect((listed as ToolDefinition).metadata).toEqual({ task: true });
    await expect(prefixed.callTool('forecast', {}, ctx, overridden)).rejects.toThrow(/start with 'weather_'/);
  });

  it('rename tools, map calls back, and refuse clashes', async () => {
    const { toolset, received } = weather();
    const renamed = toolset.renamed({ predict: 'forecast' });
    expect(await names(renamed)).toEqual(['predict', 'alerts']);
    await call(renamed, 'predict');
    expect(received[0]?.name).toBe('forecast');
    await expect(toolset.renamed({ alerts: 'forecast' }).getTools(ctx)).rejects.toThrow(/two tools the name 'alerts'/);
    expect(() => toolset.renamed({ a: 'forecast', b: 'forecast' })).toThrow(/renamed twice/);
  });

  it('prepare definitions but never add, rename or duplicate tools', async () => {
    const { toolset } = weather();
    const described = toolset.prepared((_ctx, tools) => tools.map((tool) => ({ ...tool, description: 'changed' })));
    expect((await described.getTools(ctx)).map((tool) => tool.description)).toEqual(['changed', 'changed']);
    expect(await names(toolset.prepared((_ctx, tools) => tools.slice(1)))).toEqual(['alerts']);
    await expect(
      toolset.prepared((_ctx, tools) => [...tools, { ...(tools[0] as ToolDefinition), name: 'new' }]).getTools(ctx),
    ).rejects.toThrow(/named 'new', which it does not have/);
    await expect(
      toolset.prepared((_ctx, tools) => tools.map((tool) => ({ ...tool, name: `x_${tool.name}` }))).getTools(ctx),
    ).rejects.toThrow(UserError);
    await expect(toolset.prepared((_ctx, tools) => [...tools, ...tools]).getTools(ctx)).rejects.toThrow(/twice/);
  });

  it('merge metadata into every tool, keeping what is there', async () => {
    const { toolset } = weather();
    const tools = await toolset.withMetadata({ source: 'weather', task: false }).getTools(ctx);
    expect(tools.map((tool) => tool.metadata)).toEqual([
      { task: false, source: 'weather' },
      { readOnly: 'yes', source: 'weather', task: false },
    ]);
  });

  it('delegate everything through a plain wrapper', async () => {
    const inner = new CountingToolset({ id: 'inner' });
    const wrapper = new WrapperToolset(inner);
    expect(wrapper.id).toBe('inner');
    expect(wrapper.label).toBe('inner');
    await wrapper.open();
    expect(inner.isOpen).toBe(true);
    await wrapper.close();
    expect(inner.closed).toBe(1);
  });
});

describe('toolset lifecycle', () => {
  it('opens once and closes at the last close', async () => {
    const toolset = new CountingToolset();
    await toolset.open();
    await toolset.open();
    await toolset.close();
    expect(toolset).toMatchObject({ opened: 1, closed: 0, isOpen: true });
    await toolset.close();
    expect(toolset).toMatchObject({ opened: 1, closed: 1, isOpen: false });
  });

  it('is safe under concurrent calls', async () => {
    const toolset = new CountingToolset();
    await Promise.all([toolset.open(), toolset.open(), toolset.open()]);
    expect(toolset.opened).toBe(1);
    // 3 opens, then close, open, close, close, close: back to zero exactly once.
    await Promise.all([toolset.close(), toolset.open(), toolset.close(), toolset.close(), toolset.close()]);
    expect(toolset).toMatchObject({ opened: 1, closed: 1, isOpen: false });
  });

  it('lets a later open retry after a failed one', async () => {
    const toolset = new CountingToolset();
    toolset.failOpen = true;
    await expect(toolset.open()).rejects.toThrow('cannot connect');
    expect(toolset.isOpen).toBe(false);
    toolset.failOpen = false;
    await toolset.open();
    expect(toolset.opened).toBe(1);
    await toolset.close();
  });

  it('refuses closing more often than opened, naming the toolset', async () => {
    const toolset = new CountingToolset({ id: 'db' });
    await expect(toolset.close()).rejects.toThrow(/Toolset 'db' was closed more often than it was opened/);
  });

  it('closes with await using', async () => {
    const toolset = new CountingToolset();
    {
      await using opened = toolset;
      await opened.open();
    }
    expect(toolset.closed).toBe(1);
  });

  it('passes lifecycle through wrappers, and a combined open closes the others when one fails', async () => {
    const good = new CountingToolset({ id: 'good' });
    const bad = new CountingToolset({ id: 'bad' });
    bad.failOpen = true;
    await expect(combineToolsets(good.prefixed('g'), bad).open()).rejects.toThrow('cannot connect');
    expect(good).toMatchObject({ opened: 1, closed: 1, isOpen: false });
    bad.failOpen = false;
    const combined = combineToolsets(good.prefixed('g'), bad.renamed({}));
    await combined.open();
    expect(good.isOpen && bad.isOpen).toBe(true);
    await combined.close();
    expect(good.isOpen || bad.isOpen).toBe(false);
  });
});

describe('function toolsets', () => {
  it('refuse a duplicate tool and say which tools exist for an unknown one', async () => {
    expect(
      () =>
        new FunctionToolset([
          functionTool({ name: 'a', execute: () => 1 }),
          functionTool({ name: 'a', execute: () => 2 }),
        ]),
    ).toThrow(/defines tool 'a' twice/);
    const { toolset } = weather();
    await expect(toolset.callTool('nope', {}, ctx, { name: 'nope', inputSchema: {}, metadata: {} })).rejects.toThrow(
      /Its tools: forecast, alerts/,
    );
  });
});
