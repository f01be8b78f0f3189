import { FunctionToolset, functionTool, type ToolDefinition } from '@toolwright/core';
import { startInMemoryFixture } from '@toolwright/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { MCPToolset } from '../mcp-toolset.ts';
import { mcpMetadata } from './mcp-metadata.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fixtureTools(): Promise<readonly ToolDefinition[]> {
  const fixture = await startInMemoryFixture();
  const toolset = new MCPToolset(fixture.clientTransport);
  cleanups.push(async () => {
    await toolset.close();
    await fixture.close();
  });
  await toolset.open();
  return toolset.getTools();
}

function named(tools: readonly ToolDefinition[], name: string): ToolDefinition {
  const found = tools.find((tool) => tool.name === name);
  if (!found) throw new Error(`fixture has no tool ${name}`);
  return found;
}

describe('mcpMetadata', () => {
  it("reads a real server's task support, routing, annotations and title with their types", async () => {
    const tools = await fixtureTools();
    expect(mcpMetadata(named(tools, 'slow_task'))).toEqual({
      taskSupport: 'required',
      task: true,
      annotations: undefined,
      meta: undefined,
      title: undefined,
    });
    expect(mcpMetadata(named(tools, 'optional_task'))).toMatchObject({ taskSupport: 'optional', task: true });
    expect(mcpMetadata(named(tools, 'forbidden_tool'))).toMatchObject({ taskSupport: 'forbidden', task: false });
    const echo = mcpMetadata(named(tools, 'echo'));
    expect(echo).toMatchObject({ taskSupport: undefined, task: false, title: 'Echo' });
    expect(echo.annotations).toEqual({ readOnlyHint: true, openWorldHint: false, title: 'Echo' });
    expect(echo.annotations?.readOnlyHint).toBe(true);
  });

  it('survives JSON and back, and reads a definition without MCP metadata as undefined', async () => {
    const [first] = await fixtureTools();
    if (!first) throw new Error('the fixture lists no tools');
    expect(mcpMetadata(JSON.parse(JSON.stringify(first)) as ToolDefinition)).toEqual(mcpMetadata(first));
    await using local = new FunctionToolset([functionTool({ name: 'now', description: 'The time', execute: () => 1 })]);
    await local.open();
    const [now] = await local.getTools();
    if (!now) throw new Error('no local tool');
    expect(mcpMetadata(now)).toEqual({
      taskSupport: undefined,
      task: false,
      annotations: undefined,
      meta: undefined,
      title: undefined,
    });
  });

  it('drops values of the wrong type instead of passing them on as typed', () => {
    const view = mcpMetadata({
      metadata: {
        taskSupport: 'sometimes',
        task: 'yes',
        meta: ['not', 'an', 'object'],
        title: 42,
        annotations: { readOnlyHint: 'true', destructiveHint: false, title: 7, 'x-vendor': { level: 2 } },
      },
    });
    expect(view).toEqual({
      taskSupport: undefined,
      task: false,
      meta: undefined,
      title: undefined,
      annotations: { destructiveHint: false, 'x-vendor': { level: 2 } },
    });
  });

  it('prefers the top-level title and falls back to the annotations title', () => {
    expect(mcpMetadata({ metadata: { title: 'Top', annotations: { title: 'Old' } } }).title).toBe('Top');
    expect(mcpMetadata({ metadata: { annotations: { title: 'Old' } } }).title).toBe('Old');
    expect(mcpMetadata({ metadata: { meta: { 'io.example/a': 1 } } }).meta).toEqual({ 'io.example/a': 1 });
  });
});
