import type { RunContext, ToolDefinition, Toolset } from '@toolwright/core';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { z as z4 } from 'zod/v4';
import { type MCPToolAnnotations, mcpMetadata } from './listing/mcp-metadata.ts';
import type { MCPToolset } from './mcp-toolset.ts';
import type { ResultOf, ResultSchema } from './result-schema.ts';
import type { TaskHandle } from './tasks/task-handle.ts';

declare const toolset: MCPToolset;
declare const ctx: RunContext;
declare const tool: ToolDefinition;
const Forecast = z.object({ city: z.string(), celsius: z.number() });
type Forecast = { city: string; celsius: number };

describe('typed results', () => {
  it('infer the result from a zod schema on every path', () => {
    expectTypeOf(toolset.callTool('forecast', {}, ctx, tool, { resultSchema: Forecast })).toEqualTypeOf<
      Promise<Forecast>
    >();
    expectTypeOf(toolset.directCallTool('forecast', {}, { resultSchema: Forecast })).toEqualTypeOf<Promise<Forecast>>();
    expectTypeOf(toolset.startTask('forecast', {}, { resultSchema: Forecast })).toEqualTypeOf<
      Promise<TaskHandle<Forecast>>
    >();
    expectTypeOf<ReturnType<TaskHandle<Forecast>['result']>>().toEqualTypeOf<Promise<Forecast>>();
    expectTypeOf(toolset.resumeTask({} as never, { resultSchema: Forecast })).toEqualTypeOf<
      Promise<TaskHandle<Forecast>>
    >();
  });

  it("use the schema's output, transforms included, and accept zod/v4 schemas", () => {
    const celsius = z.object({ celsius: z.number().transform((value) => `${value} °C`) });
    expectTypeOf(toolset.directCallTool('t', {}, { resultSchema: celsius })).toEqualTypeOf<
      Promise<{ celsius: string }>
    >();
    expectTypeOf(toolset.directCallTool('t', {}, { resultSchema: z4.object({ n: z4.number() }) })).toEqualTypeOf<
      Promise<{ n: number }>
    >();
    expectTypeOf<ResultOf<typeof Forecast>>().toEqualTypeOf<Forecast>();
    expectTypeOf(Forecast).toMatchTypeOf<ResultSchema<Forecast>>();
  });

  it('take a type parameter without a schema, and stay unknown by default', () => {
    expectTypeOf(toolset.directCallTool<Forecast>('forecast', {})).toEqualTypeOf<Promise<Forecast>>();
    expectTypeOf(toolset.directCallTool('forecast', {})).toEqualTypeOf<Promise<unknown>>();
    expectTypeOf(toolset.callTool('forecast', {}, ctx, tool)).toEqualTypeOf<Promise<unknown>>();
    expectTypeOf(toolset.startTask('forecast', {})).toEqualTypeOf<Promise<TaskHandle<unknown>>>();
  });

  it('reject a schema whose output contradicts the type parameter, and anything that is no schema', () => {
    // @ts-expect-error the schema outputs a Forecast, not a number
    void toolset.directCallTool<number>('forecast', {}, { resultSchema: Forecast });
    // @ts-expect-error a JSON Schema object is no result schema
    void toolset.directCallTool('forecast', {}, { resultSchema: { type: 'object' } });
  });

  it("keep core's Toolset contract: an MCPToolset is a Toolset whose callTool returns unknown", () => {
    expectTypeOf<MCPToolset>().toMatchTypeOf<Toolset>();
    expectTypeOf<ReturnType<Toolset['callTool']>>().toEqualTypeOf<Promise<unknown>>();
  });
});

describe('mcpMetadata', () => {
  it('types every field, undefined-safe', () => {
    const view = mcpMetadata(tool);
    expectTypeOf(view.taskSupport).toEqualTypeOf<'required' | 'optional' | 'forbidden' | undefined>();
    expectTypeOf(view.task).toEqualTypeOf<boolean>();
    expectTypeOf(view.annotations).toEqualTypeOf<MCPToolAnnotations | undefined>();
    expectTypeOf(view.title).toEqualTypeOf<string | undefined>();
    expectTypeOf<NonNullable<typeof view.annotations>['readOnlyHint']>().toEqualTypeOf<boolean | undefined>();
  });
});
