import { countListeners, failingToolset, fixtureToolset, fixtureToolset2026 } from '@toolwright/adapter-contract';
import {
  createRunContext,
  isTaskStatusOutput,
  ModelRetry,
  TaskCancelledError,
  TaskFailedError,
  type TaskStatusOutput,
  ToolFailed,
  UserError,
} from '@toolwright/core';
import { dynamicTool, generateText, isStepCount, jsonSchema, streamText } from 'ai';
import { describe, expect, it } from 'vitest';
import { statusOnlyPreliminaries } from './task-status.ts';
import { callTool, promptOf, promptText, say, scriptedModel } from './testing.ts';
import { aiSdkTools } from './tools.ts';

/** The tool message the model was shown in call `index`, with its outputs. */
function toolOutputs(prompt: ReturnType<typeof promptOf>) {
  return prompt.flatMap((message) =>
    message.role === 'tool'
      ? message.content.flatMap((part) => (part.type === 'tool-result' ? [part.output] : []))
      : [],
  );
}

describe('AI SDK tools', () => {
  it('run a required-task MCP tool inside generateText, with the tool call id in the run events', async () => {
    const { toolset } = await fixtureToolset();
    const ctx = createRunContext();
    const created: (string | undefined)[] = [];
    ctx.events.on('task-created', (event) => created.push(event.toolCallId));
    const model = scriptedModel(callTool('slow_task', { value: 'tides' }, 'call-1'), say('The report is done.'));
    const result = await generateText({
      model,
      tools: await aiSdkTools(toolset, ctx),
      prompt: 'Write the report.',
      stopWhen: isStepCount(5),
    });
    expect(result.text).toBe('The report is done.');
    expect(result.steps[0]?.toolResults[0]).toMatchObject({ toolName: 'slow_task', output: 'done: tides' });
    expect(created).toEqual(['call-1']);
    expect(promptText(model, 1)).toContain('done: tides');
  });
});

describe('AI SDK tools of an MCP 2026-07-28 server', () => {
  it('run a task tool of the tasks extension, streaming its status, then the result', async () => {
    const { toolset } = await fixtureToolset2026();
    const ctx = createRunContext();
    const model = scriptedModel(
      callTool('slow_task', { value: 'tides', steps: 2, delayMs: 100 }, 'call-1'),
      say('Done.'),
    );
    const result = streamText({
      model,
      tools: await aiSdkTools(toolset, ctx),
      prompt: 'Go.',
      stopWhen: isStepCount(5),
    });
    const outputs: unknown[] = [];
    for await (const part of result.fullStream) {
      if (part.type === 'tool-result') outputs.push(part.output);
      if (part.type === 'error') throw part.error;
    }
    expect(outputs.at(-1)).toBe('done: tides');
    const statuses = outputs.filter(isTaskStatusOutput);
    expect(statuses[0]).toMatchObject({ type: 'task-status', status: 'working' });
    expect(statuses.map((status) => status.statusMessage)).toContain('step 2 of 2');
    expect(await result.text).toBe('Done.');
    expect(promptText(model, 1)).toContain('done: tides');
  });

  it('stream the status message a task was created with as the first preliminary result', async () => {
    const { toolset } = await fixtureToolset2026();
    const model = scriptedModel(
      callTool('slow_task', { value: 'tides', steps: 2, delayMs: 100, firstStepAtCreation: true }, 'call-1'),
      say('Done.'),
    );
    const result = streamText({
      model,
      tools: await aiSdkTools(toolset, createRunContext()),
      prompt: 'Go.',
      stopWhen: isStepCount(5),
      experimental_transform: statusOnlyPreliminaries(),
    });
    const statuses: TaskStatusOutput[] = [];
    for await (const part of result.fullStream)
      if (part.type === 'tool-result' && isTaskStatusOutput(part.output)) statuses.push(part.output);
    expect(statuses[0]).toMatchObject({ status: 'working', statusMessage: 'step 1 of 2', taskId: expect.any(String) });
    expect(statuses.map((status) => status.statusMessage)).toContain('step 2 of 2');
  });

  it('tell the model the tool failed when its task failed on the server, with the reason, not to fix its call', async () => {
    const { toolset } = await fixtureToolset2026();
    const model = scriptedModel(
      callTool('failing_task', { kind: 'protocol-error', code: -32050, message: 'disk on fire' }),
      say('The backup failed.'),
    );
    const result = await generateText({
      model,
      tools: await aiSdkTools(toolset, createRunContext()),
      prompt: 'Back up.',
      stopWhen: isStepCount(5),
    });
    expect(result.text).toBe('The backup failed.');
    const [output] = toolOutputs(promptOf(model, 1));
    expect(output).toEqual({
      type: 'error-text',
      value: expect.stringMatching(/^Tool 'failing_task' failed: .*disk on fire/),
    });
    expect(JSON.stringify(output)).not.toMatch(/Fix the call|try again/);
  });
});

describe('task status as preliminary tool results', () => {
  it('streams each status change and progress update in order, then the final result once (streamText)', async () => {
    const { toolset } = await fixtureToolset();
    const ctx = createRunContext();
    const model = scriptedModel(callTool('progress_task', { steps: 3, stepMs: 30 }, 'call-1'), say('All three done.'));
    const result = streamText({
      model,
      tools: await aiSdkTools(toolset, ctx),
      prompt: 'Run it.',
      stopWhen: isStepCount(5),
      experimental_transform: statusOnlyPreliminaries(),
    });
    const results: { output: unknown; preliminary: boolean }[] = [];
    for await (const part of result.fullStream) {
      if (part.type === 'tool-result') results.push({ output: part.output, preliminary: part.preliminary === true });
      if (part.type === 'error') throw part.error;
    }
    const final = results.at(-1);
    expect(final).toEqual({ output: 'finished 3 steps', preliminary: false });
    // Preliminary results are status only: the AI SDK's preliminary copy of the result is not streamed.
    const updates = results.filter((update) => update.preliminary && isTaskStatusOutput(update.output));
    expect(results.slice(updates.length)).toEqual([final]);
    const statuses = updates.map((update) => update.output as TaskStatusOutput);
    expect(statuses[0]).toMatchObject({ type: 'task-status', status: 'working', taskId: expect.any(String) });
    const messages = statuses.map((status) => status.statusMessage).filter((message) => message !== undefined);
    expect([...new Set(messages)]).toEqual(['step 1 of 3', 'step 2 of 3', 'step 3 of 3']);
    const progress = statuses.flatMap((status) => (status.progress === undefined ? [] : [status.progress]));
    expect([...new Set(progress)]).toEqual([1, 2, 3]);
    expect(progress).toEqual([...progress].sort());
    expect(statuses.find((status) => status.progress === 3)).toMatchObject({ total: 3 });
    expect(new Set(statuses.map((status) => status.taskId)).size).toBe(1);
    expect(statuses.at(-1)).toMatchObject({ status: 'completed', progress: 3 });
    expect(await result.text).toBe('All three done.');
    expect(promptText(model, 1)).toContain('finished 3 steps');
    expect(promptText(model, 1)).not.toContain('task-status');
    for (const type of ['task-created', 'task-status', 'progress'] as const)
      expect(ctx.events.listens(type)).toBe(false);
  });

  it("stream the result once to a UI, and without the transform show the AI SDK's preliminary copy of it", async () => {
    const outputsOf = async (transform: boolean) => {
      const { toolset } = await fixtureToolset();
      const model = scriptedModel(callTool('slow_task', { value: 'tides' }, 'call-1'), say('Done.'));
      const result = streamText({
        model,
        tools: await aiSdkTools(toolset, createRunContext()),
        prompt: 'Go.',
        stopWhen: isStepCount(5),
        ...(transform ? { experimental_transform: statusOnlyPreliminaries() } : {}),
      });
      const outputs: { output: unknown; preliminary: boolean }[] = [];
      for await (const chunk of result.toUIMessageStream())
        if (chunk.type === 'tool-output-available')
          outputs.push({ output: chunk.output, preliminary: chunk.preliminary === true });
      return outputs;
    };
    const isResult = (update: { output: unknown }) => !isTaskStatusOutput(update.output);
    expect((await outputsOf(true)).filter(isResult)).toEqual([{ output: 'done: tides', preliminary: false }]);
    expect((await outputsOf(false)).filter(isResult)).toEqual([
      { output: 'done: tides', preliminary: true },
      { output: 'done: tides', preliminary: false },
    ]);
  });

  it('pass the preliminary results of other tools through the transform untouched', async () => {
    const model = scriptedModel(callTool('counter', {}, 'call-1'), say('Done.'));
    const counter = dynamicTool({
      inputSchema: jsonSchema({ type: 'object' }),
      async *execute() {
        yield 1;
        yield 2;
      },
    });
    const result = streamText({
      model,
      tools: { counter },
      prompt: 'Go.',
      stopWhen: isStepCount(5),
      experimental_transform: statusOnlyPreliminaries(),
    });
    const outputs: unknown[] = [];
    for await (const part of result.fullStream) if (part.type === 'tool-result') outputs.push(part.output);
    expect(outputs).toEqual([1, 2, 2]);
  });

  it('leave generateText with the final result only', async () => {
    const { toolset } = await fixtureToolset();
    const model = scriptedModel(callTool('progress_task', { steps: 3, stepMs: 10 }), say('Done.'));
    const result = await generateText({
      model,
      tools: await aiSdkTools(toolset, createRunContext()),
      prompt: 'Run it.',
      stopWhen: isStepCount(5),
    });
    expect(result.steps[0]?.toolResults.map((part) => part.output)).toEqual(['finished 3 steps']);
    expect(toolOutputs(promptOf(model, 1))).toEqual([{ type: 'text', value: 'finished 3 steps' }]);
  });

  it('yield no preliminary results when taskStatus is false', async () => {
    const { toolset } = await fixtureToolset();
    const model = scriptedModel(callTool('progress_task', { steps: 3, stepMs: 10 }), say('Done.'));
    const result = streamText({
      model,
      tools: await aiSdkTools(toolset, createRunContext(), { taskStatus: false }),
      prompt: 'Run it.',
      stopWhen: isStepCount(5),
    });
    const outputs: unknown[] = [];
    for await (const part of result.fullStream) if (part.type === 'tool-result') outputs.push(part.output);
    expect(outputs).toEqual(['finished 3 steps']);
  });
});

describe('model output', () => {
  it('give the model an image and audio as media parts, and text as text', async () => {
    const { toolset } = await fixtureToolset();
    const model = scriptedModel(
      {
        kind: 'tools',
        calls: [
          { toolCallId: 'image', toolName: 'image_result', input: '{}' },
          { toolCallId: 'audio', toolName: 'audio_result', input: '{}' },
          { toolCallId: 'multi', toolName: 'multi_content', input: '{}' },
          { toolCallId: 'echo', toolName: 'echo', input: '{"text":"hi"}' },
        ],
      },
      say('I see a pixel.'),
    );
    await generateText({
      model,
      tools: await aiSdkTools(toolset, createRunContext()),
      prompt: 'Look.',
      stopWhen: isStepCount(5),
    });
    const [image, audio, multi, echo] = toolOutputs(promptOf(model, 1));
    expect(image).toEqual({
      type: 'content',
      value: [{ type: 'file', mediaType: 'image/png', data: { type: 'data', data: expect.stringMatching(/^iVBOR/) } }],
    });
    expect(audio).toMatchObject({ type: 'content', value: [{ type: 'file', mediaType: 'audio/wav' }] });
    expect(multi).toMatchObject({
      type: 'content',
      value: [
        { type: 'text', text: 'first' },
        { type: 'text', text: 'second' },
        { type: 'file', mediaType: 'image/png' },
      ],
    });
    expect(echo).toEqual({ type: 'text', value: 'hi' });
  });

  it('report a task that failed on the server as a tool error saying the tool failed, as ModelRetry or ToolFailed', async () => {
    for (const [behavior, expected] of [
      ['retry', "Tool 'failing_task' failed: quota exceeded"],
      ['failed', "Tool 'failing_task' failed: quota exceeded"],
    ] as const) {
      const { toolset } = await fixtureToolset({ toolErrorBehavior: behavior });
      const model = scriptedModel(callTool('failing_task', { message: 'quota exceeded' }), say('I will try later.'));
      const result = await generateText({
        model,
        tools: await aiSdkTools(toolset, createRunContext()),
        prompt: 'Go.',
        stopWhen: isStepCount(5),
      });
      expect(result.text).toBe('I will try later.');
      const step = result.steps[0];
      expect(step?.toolResults).toEqual([]);
      const error = step?.content.find((part) => part.type === 'tool-error');
      expect(error).toMatchObject({ toolName: 'failing_task' });
      const kind = behavior === 'retry' ? ModelRetry : ToolFailed;
      expect(kind.isInstance(error?.type === 'tool-error' ? error.error : undefined)).toBe(true);
      expect(toolOutputs(promptOf(model, 1))).toEqual([{ type: 'error-text', value: expected }]);
    }
  });

  it("ask the model to fix its call when the tool's own error result says so (ModelRetry of a call, not a task)", async () => {
    const { toolset } = await fixtureToolset({ toolErrorBehavior: 'retry' });
    const model = scriptedModel(callTool('add', { a: 'one', b: 2 }), say('Let me fix that.'));
    const result = await generateText({
      model,
      tools: await aiSdkTools(toolset, createRunContext()),
      prompt: 'Add.',
      stopWhen: isStepCount(5),
    });
    const error = result.steps[0]?.content.find((part) => part.type === 'tool-error');
    expect(ModelRetry.isInstance(error?.type === 'tool-error' ? error.error : undefined)).toBe(true);
    expect(toolOutputs(promptOf(model, 1))).toEqual([
      { type: 'error-text', value: "a and b must be numbers Fix the call to tool 'add' and try again." },
    ]);
  });

  it('report a failed or cancelled task as a tool error, and leave other errors as they are', async () => {
    const toolset = failingToolset();
    const model = scriptedModel(
      {
        kind: 'tools',
        calls: ['failed', 'cancelled', 'misused'].map((name) => ({ toolCallId: name, toolName: name, input: '{}' })),
      },
      say('Noted.'),
    );
    const result = streamText({
      model,
      tools: await aiSdkTools(toolset, createRunContext()),
      prompt: 'Go.',
      stopWhen: isStepCount(5),
    });
    const errors: unknown[] = [];
    for await (const part of result.fullStream) if (part.type === 'tool-error') errors.push(part.error);
    expect(errors).toHaveLength(3);
    expect(TaskFailedError.isInstance(errors[0]) && errors[0].taskId).toBe('t1');
    expect(TaskCancelledError.isInstance(errors[1])).toBe(true);
    expect(UserError.isInstance(errors[2]) && errors[2].message).toBe('the app passed a bad option');
    expect(toolOutputs(promptOf(model, 1))).toEqual([
      { type: 'error-text', value: "Tool 'failed' failed: the disk is full" },
      { type: 'error-text', value: "Tool 'cancelled' was cancelled: the server stopped it" },
      { type: 'error-text', value: 'UserError: the app passed a bad option' },
    ]);
  });
});

describe('tool definitions', () => {
  it('carry the metadata (JSON) and title of each tool, with the description unchanged', async () => {
    const { toolset } = await fixtureToolset();
    const tools = await aiSdkTools(toolset, createRunContext());
    expect(tools.echo?.title).toBe('Echo');
    expect(tools.echo?.metadata).toMatchObject({ annotations: { title: 'Echo', readOnlyHint: true }, task: false });
    expect(tools.slow_task?.metadata).toMatchObject({ taskSupport: 'required', task: true });
    expect(tools.slow_task?.title).toBeUndefined();
    expect(tools.echo?.description).toBe('Returns its text.');
    expect(JSON.parse(JSON.stringify(tools.echo?.metadata))).toEqual(tools.echo?.metadata);

    const model = scriptedModel(callTool('echo', { text: 'hi' }), say('ok'));
    const result = streamText({ model, tools, prompt: 'Go.', stopWhen: isStepCount(5) });
    const chunks: { type: string; title?: string; toolMetadata?: unknown }[] = [];
    for await (const chunk of result.toUIMessageStream()) chunks.push(chunk as (typeof chunks)[number]);
    const input = chunks.find((chunk) => chunk.type === 'tool-input-available');
    expect(input).toMatchObject({ title: 'Echo', toolMetadata: { annotations: { title: 'Echo' } } });
  });
});

describe('aborting', () => {
  it("cancel the server task when the AI SDK's abort signal fires", async () => {
    const { toolset, fixture } = await fixtureToolset();
    const controller = new AbortController();
    const ctx = createRunContext();
    ctx.events.on('task-created', () => controller.abort(new Error('user stopped')));
    const model = scriptedModel(callTool('cancellable_task', { durationMs: 10_000 }), say('unreachable'));
    await expect(
      generateText({
        model,
        tools: await aiSdkTools(toolset, ctx),
        prompt: 'Go.',
        abortSignal: controller.signal,
        stopWhen: isStepCount(5),
      }),
    ).rejects.toThrow();
    await expect.poll(async () => (await fixture.inspector.cancelsReceived()).length).toBe(1);
  });

  it('cancel the server task when a streamText run is aborted while it streams status', async () => {
    const { toolset, fixture } = await fixtureToolset();
    const controller = new AbortController();
    const ctx = createRunContext();
    const model = scriptedModel(callTool('cancellable_task', { durationMs: 10_000 }), say('unreachable'));
    const result = streamText({
      model,
      tools: await aiSdkTools(toolset, ctx),
      prompt: 'Go.',
      abortSignal: controller.signal,
      stopWhen: isStepCount(5),
    });
    const seen: string[] = [];
    for await (const part of result.fullStream) {
      seen.push(part.type);
      if (part.type === 'tool-result' && part.preliminary) controller.abort(new Error('user stopped'));
    }
    expect(seen).toContain('abort');
    await expect.poll(async () => (await fixture.inspector.cancelsReceived()).length).toBe(1);
    expect(model.doStreamCalls).toHaveLength(1);
  });

  it('link each call to the run signal while it runs, and leave no listener behind', async () => {
    const { toolset } = await fixtureToolset();
    const run = new AbortController();
    const ctx = createRunContext({ signal: run.signal });
    const listeners = countListeners(run.signal);
    const turns = Array.from({ length: 6 }, (_, index) =>
      index % 2 === 0
        ? callTool('echo', { text: `${index}` }, `call-${index}`)
        : callTool('progress_task', { steps: 2, stepMs: 5 }, `call-${index}`),
    );
    const model = scriptedModel(...turns, say('done'));
    const result = await generateText({
      model,
      tools: await aiSdkTools(toolset, ctx),
      prompt: 'Go.',
      abortSignal: new AbortController().signal,
      stopWhen: isStepCount(10),
    });
    expect(result.text).toBe('done');
    // Each call linked the run's signal while it ran, and unlinked it when it ended.
    expect(listeners.peak).toBeGreaterThan(0);
    expect(listeners.current).toBe(0);
  });
});
