import { describe, expectTypeOf, it } from 'vitest';
import {
  createRunContext,
  type JsonObject,
  ModelRetry,
  type RunContext,
  type TaskError,
  type ToolDefinition,
  type ToolMetadata,
  type ToolSelector,
  type Toolset,
} from './index.ts';

describe('public types', () => {
  it('make definitions read-only', () => {
    expectTypeOf<ToolDefinition['name']>().toEqualTypeOf<string>();
    const definition = {} as ToolDefinition;
    // @ts-expect-error definitions are read-only
    definition.name = 'other';
  });

  it('accept JSON metadata only', () => {
    const ok: ToolMetadata = { task: true, annotations: { readOnlyHint: true }, list: [1, 'a', null] };
    expectTypeOf(ok).toMatchTypeOf<JsonObject>();
    // @ts-expect-error a Date is not JSON
    const date: ToolMetadata = { when: new Date() };
    // @ts-expect-error a function is not JSON
    const fn: ToolMetadata = { run: () => 1 };
    void date;
    void fn;
  });

  it('accept every kind of selector', () => {
    expectTypeOf<'all'>().toMatchTypeOf<ToolSelector>();
    expectTypeOf<'my_tool'>().toMatchTypeOf<ToolSelector>();
    expectTypeOf<string[]>().toMatchTypeOf<ToolSelector>();
    expectTypeOf<{ annotations: { readOnlyHint: true } }>().toMatchTypeOf<ToolSelector>();
    expectTypeOf<(ctx: RunContext<{ a: 1 }>, tool: ToolDefinition) => Promise<boolean>>().toMatchTypeOf<
      ToolSelector<{ a: 1 }>
    >();
    // @ts-expect-error a number is no selector
    const wrong: ToolSelector = 42;
    void wrong;
  });

  it('type run contexts by their dependencies', () => {
    expectTypeOf(createRunContext()).toEqualTypeOf<RunContext<undefined>>();
    expectTypeOf(createRunContext({ deps: { db: 1 } })).toEqualTypeOf<RunContext<{ db: number }>>();
  });

  it('narrow errors with isInstance and carry task references', () => {
    const caught: unknown = new ModelRetry('x');
    if (ModelRetry.isInstance(caught)) expectTypeOf(caught).toEqualTypeOf<ModelRetry>();
    expectTypeOf<TaskError['reference']>().toEqualTypeOf<JsonObject | undefined>();
    expectTypeOf<ModelRetry['code']>().toEqualTypeOf<'model_retry'>();
  });

  it('return unknown from callTool', () => {
    expectTypeOf<ReturnType<Toolset['callTool']>>().toEqualTypeOf<Promise<unknown>>();
  });
});
