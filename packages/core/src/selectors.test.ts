import { describe, expect, it } from 'vitest';
import { createRunContext } from './run-context.ts';
import { includesPattern, matchesToolSelector, selectTools } from './selectors.ts';
import { type ToolDefinition, toolDefinition } from './tool-definition.ts';

const tools: ToolDefinition[] = [
  toolDefinition({ name: 'my_tool', metadata: { task: true, annotations: { readOnlyHint: true, title: 'Mine' } } }),
  toolDefinition({ name: 'my', metadata: { task: false, annotations: { readOnlyHint: false } } }),
  toolDefinition({ name: 'other', metadata: { task: true, tags: ['a', 'b'] } }),
];
const ctx = createRunContext({ deps: { allowed: ['other'] } });
const names = async (selector: Parameters<typeof selectTools<{ allowed: string[] }>>[0]) =>
  (await selectTools(selector, ctx, tools)).map((tool) => tool.name);

describe('tool selectors', () => {
  it("select everything with 'all'", async () => {
    expect(await names('all')).toEqual(['my_tool', 'my', 'other']);
  });

  it('select an exact name only', async () => {
    expect(await names('my')).toEqual(['my']);
    expect(await names('my_')).toEqual([]);
  });

  it('select a list of names, in tool order', async () => {
    expect(await names(['other', 'my_tool'])).toEqual(['my_tool', 'other']);
  });

  it('select by metadata pattern with deep inclusion', async () => {
    expect(await names({ task: true })).toEqual(['my_tool', 'other']);
    expect(await names({ annotations: { readOnlyHint: true } })).toEqual(['my_tool']);
    expect(await names({ annotations: { readOnlyHint: false } })).toEqual(['my']);
    expect(await names({ annotations: {} })).toEqual(['my_tool', 'my']);
    expect(await names({ tags: ['a', 'b'] })).toEqual(['other']);
    expect(await names({ tags: ['a'] })).toEqual([]);
    expect(await names({ missing: null })).toEqual([]);
  });

  it('select with sync and async predicates that see the run context', async () => {
    expect(await names((_ctx, tool) => tool.name.startsWith('my'))).toEqual(['my_tool', 'my']);
    expect(await names(async (run, tool) => run.deps.allowed.includes(tool.name))).toEqual(['other']);
  });

  it('match synchronously for every selector but a predicate', () => {
    const tool = tools[0] as ToolDefinition;
    expect(matchesToolSelector({ task: true }, ctx, tool)).toBe(true);
    expect(matchesToolSelector('all', ctx, tool)).toBe(true);
    expect(matchesToolSelector(async () => true, ctx, tool)).toBeInstanceOf(Promise);
  });

  it('compare scalars and arrays by value, objects by inclusion', () => {
    expect(includesPattern({ a: { b: 1, c: 2 } }, { a: { b: 1 } })).toBe(true);
    expect(includesPattern({ a: { b: 1 } }, { a: { b: 1, c: 2 } })).toBe(false);
    expect(includesPattern({ a: 1 }, { a: '1' })).toBe(false);
    expect(includesPattern({ a: null }, { a: null })).toBe(true);
    expect(includesPattern({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
  });
});
