import { describe, expectTypeOf, it } from 'vitest';
import type * as core from './index.ts';
import {
  createRunContext,
  type JsonObject,
  ModelRetry,
  type ProgressEvent,
  type ProgressUpdate,
  type RunContext,
  type TaskError,
  type ToolDefinition,
  type ToolMetadata,
  type ToolSelector,
  type Toolset,
} from './index.ts';
import type * as internal from './internal.ts';

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

  it('keep the helpers the packages share out of the public entry point', () => {
    for (const name of [
      'isPlainObject',
      'isJsonObject',
      'toJsonValue',
      'mergeJsonObjects',
      'assertSameTools',
    ] as const) {
      expectTypeOf<typeof internal>().toHaveProperty(name);
    }
    expectTypeOf<typeof core>().not.toHaveProperty('isPlainObject');
    expectTypeOf<typeof core>().not.toHaveProperty('isJsonObject');
    expectTypeOf<typeof core>().not.toHaveProperty('toJsonValue');
    expectTypeOf<typeof core>().not.toHaveProperty('mergeJsonObjects');
    expectTypeOf<typeof core>().not.toHaveProperty('assertSameTools');
    expectTypeOf<typeof core>().not.toHaveProperty('setOwn');
    expectTypeOf<typeof core>().not.toHaveProperty('jsonEqual');
    expectTypeOf<typeof core>().not.toHaveProperty('withToolName');
    // What an application does use stays.
    expectTypeOf<typeof core>().toHaveProperty('selectTools');
    expectTypeOf<typeof core>().toHaveProperty('includesPattern');
  });

  it('describe progress with one shape that every progress event extends', () => {
    expectTypeOf<ProgressEvent>().toMatchTypeOf<ProgressUpdate>();
    expectTypeOf<ProgressUpdate>().toEqualTypeOf<{
      readonly progress: number;
      readonly total: number | undefined;
      readonly message: string | undefined;
    }>();
  });
});
