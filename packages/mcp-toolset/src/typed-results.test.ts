import {
  createRunContext,
  ModelRetry,
  ResultValidationError,
  TaskError,
  type ToolDefinition,
  UserError,
} from '@toolwright/core';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MCPToolset } from './mcp-toolset.ts';
import { type RunningFixture, transports } from './test-support/test-transports.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const Forecast = z.object({ city: z.string(), celsius: z.number() });

async function connect(start: (typeof transports)[number]['start']) {
  const fixture: RunningFixture = await start({ taskDelayMs: 10 });
  cleanups.push(() => fixture.close());
  const toolset = new MCPToolset(fixture.source);
  cleanups.push(async () => {
    if (toolset.isOpen) await toolset.close();
  });
  await toolset.open();
  const tools = await toolset.getTools();
  const tool = (name: string): ToolDefinition => {
    const found = tools.find((candidate) => candidate.name === name);
    if (!found) throw new Error(`fixture has no tool ${name}`);
    return found;
  };
  return { fixture, toolset, tool };
}

const inMemory = transports[0]?.start;
if (!inMemory) throw new Error('no in-memory transport');

describe.each(transports)('typed results over $name', ({ start }) => {
  it("validates structuredContent by the caller's zod schema on callTool, directCallTool and a task's result", async () => {
    const { toolset, tool } = await connect(start);
    const ctx = createRunContext();
    const viaCall = await toolset.callTool('structured_output', {}, ctx, tool('structured_output'), {
      resultSchema: Forecast,
    });
    expect(viaCall).toEqual({ city: 'Oslo', celsius: 4 });
    expect(await toolset.directCallTool('structured_output', {}, { resultSchema: Forecast })).toEqual(viaCall);
    // The lone { result } wrapper is validated as the server sent it (a plain call unwraps it).
    expect(
      await toolset.directCallTool('add', { a: 2, b: 3 }, { resultSchema: z.object({ result: z.number() }) }),
    ).toEqual({ result: 5 });
    expect(await toolset.directCallTool('add', { a: 2, b: 3 })).toBe(5);
    const handle = await toolset.startTask('optional_task', {}, { resultSchema: z.object({ ranAsTask: z.boolean() }) });
    expect(await handle.result()).toEqual({ ranAsTask: true });
    // callTool of a tool that runs as a task validates the task's result.
    expect(
      await toolset.callTool('optional_task', {}, ctx, tool('optional_task'), {
        resultSchema: z.object({ ranAsTask: z.literal(true) }),
      }),
    ).toEqual({ ranAsTask: true });
  });
});

describe('typed results', () => {
  it("returns the schema's output, transforms included", async () => {
    const { toolset } = await connect(inMemory);
    const schema = z.object({ city: z.string().toUpperCase(), celsius: z.number().transform((c) => `${c} °C`) });
    expect(await toolset.directCallTool('structured_output', {}, { resultSchema: schema })).toEqual({
      city: 'OSLO',
      celsius: '4 °C',
    });
  });

  it('turns a result that does not fit into a ResultValidationError naming the tool, the field and what was sent', async () => {
    const { toolset } = await connect(inMemory);
    const error = await toolset
      .directCallTool('structured_output', {}, { resultSchema: z.object({ city: z.string(), celsius: z.string() }) })
      .catch((caught: unknown) => caught);
    expect(ResultValidationError.isInstance(error)).toBe(true);
    const invalid = error as ResultValidationError;
    expect(invalid).toMatchObject({ code: 'result_invalid', toolName: 'structured_output', field: 'celsius' });
    expect(invalid.message).toContain("Tool 'structured_output' returned structuredContent that does not fit");
    expect(invalid.message).toContain('field celsius');
    expect(invalid.message).toContain('the server sent 4');
    expect(TaskError.isInstance(invalid)).toBe(false);

    const missing = await toolset
      .directCallTool('structured_output', {}, { resultSchema: Forecast.extend({ wind: z.number() }) })
      .catch((caught: unknown) => caught);
    expect(missing).toMatchObject({ field: 'wind' });
    expect((missing as Error).message).toContain('the server sent nothing');
  });

  it('says so when the tool sent no structuredContent at all', async () => {
    const { toolset } = await connect(inMemory);
    const error = await toolset
      .directCallTool('echo', { text: 'hello' }, { resultSchema: z.object({ text: z.string() }) })
      .catch((caught: unknown) => caught);
    expect(ResultValidationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ toolName: 'echo', field: undefined });
    expect((error as Error).message).toContain(`returned no structuredContent`);
    expect((error as Error).message).toContain('the text "hello"');
  });

  it("gives a task's ResultValidationError the task id and reference, so it is a TaskError too", async () => {
    const { toolset } = await connect(inMemory);
    const handle = await toolset.startTask('optional_task', {}, { resultSchema: z.object({ ranAsTask: z.string() }) });
    const error = await handle.result().catch((caught: unknown) => caught);
    expect(ResultValidationError.isInstance(error)).toBe(true);
    expect(TaskError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      toolName: 'optional_task',
      taskId: handle.taskId,
      field: 'ranAsTask',
      reference: handle.toJSON(),
    });
    // A resumed handle validates with the schema it is given.
    const resumed = await toolset.resumeTask(handle.toJSON(), { resultSchema: z.object({ ranAsTask: z.boolean() }) });
    expect(await resumed.result()).toEqual({ ranAsTask: true });
  });

  it('still maps a tool error by toolErrorBehavior, before any schema', async () => {
    const { toolset } = await connect(inMemory);
    const error = await toolset
      .directCallTool('add', { a: 'x', b: 1 }, { resultSchema: z.object({ result: z.number() }) })
      .catch((caught: unknown) => caught);
    expect(ModelRetry.isInstance(error)).toBe(true);
  });

  it('refuses something that is no schema before anything is sent', async () => {
    const { toolset, fixture } = await connect(inMemory);
    const notASchema = { type: 'object' } as never;
    for (const attempt of [
      () => toolset.directCallTool('structured_output', {}, { resultSchema: notASchema }),
      () => toolset.startTask('optional_task', {}, { resultSchema: notASchema }),
    ]) {
      const error = await attempt().catch((caught: unknown) => caught);
      expect(UserError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('is not a schema: pass a zod schema');
    }
    expect(await fixture.inspector.calls()).toEqual([]);
  });
});
