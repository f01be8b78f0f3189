import { Agent, run } from '@openai/agents';
import { countListeners, failingToolset, fixtureToolset2026 } from '@toolwright/adapter-contract';
import { createRunContext, isTaskStatusOutput } from '@toolwright/core';
import { describe, expect, it } from 'vitest';
import { type TaskStatusStreamEvent, withTaskStatus } from './task-status.ts';
import { callTools, fixtureToolset, modelInput, say, scriptedModel, toolOutputsSeen } from './test-support.ts';
import { openAIAgentsTools } from './tools.ts';

describe('OpenAI Agents tools', () => {
  it("run a required-task MCP tool in the SDK's agent loop, with the SDK's call id in the run events", async () => {
    const { toolset } = await fixtureToolset();
    const ctx = createRunContext();
    const created: (string | undefined)[] = [];
    ctx.events.on('task-created', (event) => created.push(event.toolCallId));
    const model = scriptedModel(callTools(['slow_task', { value: 'tides' }, 'call-1']), say('The report is done.'));
    const agent = new Agent({ name: 'writer', model, tools: await openAIAgentsTools(toolset, ctx) });
    const result = await run(agent, 'Write the report.');
    expect(result.finalOutput).toBe('The report is done.');
    expect(created).toEqual(['call-1']);
    expect(toolOutputsSeen(model, 1).get('call-1')).toEqual({ type: 'text', text: 'done: tides' });
  });

  it('run a task tool of an MCP 2026-07-28 server (tasks extension) over HTTP, its status in the stream', async () => {
    const { toolset } = await fixtureToolset2026();
    const ctx = createRunContext();
    const model = scriptedModel(
      callTools(['slow_task', { value: 'tides', steps: 2, delayMs: 600 }, 'call-1']),
      say('Done.'),
    );
    const agent = new Agent({ name: 'writer', model, tools: await openAIAgentsTools(toolset, ctx) });
    const result = await run(agent, 'Go.', { stream: true });
    const statuses: TaskStatusStreamEvent[] = [];
    for await (const event of withTaskStatus(result, ctx)) if (isTaskStatusOutput(event)) statuses.push(event);
    await result.completed;
    expect(result.finalOutput).toBe('Done.');
    expect(statuses[0]).toMatchObject({ toolName: 'slow_task', toolCallId: 'call-1', status: 'working' });
    expect(statuses.map((status) => status.statusMessage)).toContain('step 2 of 2');
    expect(toolOutputsSeen(model, 1).get('call-1')).toEqual({ type: 'text', text: 'done: tides' });
  });
});

describe('task status in the run stream', () => {
  it("stream each status change and progress update between the call's tool_called and tool_output items", async () => {
    const { toolset } = await fixtureToolset();
    const ctx = createRunContext();
    const model = scriptedModel(
      callTools(['progress_task', { steps: 3, stepMs: 30 }, 'call-1']),
      say('All three done.'),
    );
    const agent = new Agent({ name: 'runner', model, tools: await openAIAgentsTools(toolset, ctx) });
    const result = await run(agent, 'Run it.', { stream: true });
    const seen: string[] = [];
    const statuses: TaskStatusStreamEvent[] = [];
    for await (const event of withTaskStatus(result, ctx)) {
      if (isTaskStatusOutput(event)) {
        statuses.push(event);
        seen.push('status');
      } else if (event.type === 'run_item_stream_event') seen.push(event.name);
    }
    await result.completed;
    expect(result.finalOutput).toBe('All three done.');
    const firstStatus = seen.indexOf('status');
    expect(seen.indexOf('tool_called')).toBeLessThan(firstStatus);
    expect(seen.lastIndexOf('status')).toBeLessThan(seen.indexOf('tool_output'));
    expect(statuses[0]).toMatchObject({ status: 'working', taskId: expect.any(String), toolCallId: 'call-1' });
    const messages = statuses.flatMap((status) => (status.statusMessage === undefined ? [] : [status.statusMessage]));
    expect([...new Set(messages)]).toEqual(['step 1 of 3', 'step 2 of 3', 'step 3 of 3']);
    const progress = statuses.flatMap((status) => (status.progress === undefined ? [] : [status.progress]));
    expect([...new Set(progress)]).toEqual([1, 2, 3]);
    expect(progress).toEqual([...progress].sort());
    expect(statuses.find((status) => status.progress === 3)).toMatchObject({ total: 3 });
    expect(statuses.at(-1)).toMatchObject({ status: 'completed', progress: 3 });
    expect(JSON.stringify(modelInput(model, 1))).not.toContain('task-status');
    for (const type of ['task-created', 'task-status', 'progress'] as const)
      expect(ctx.events.listens(type)).toBe(false);
  });

  it('keep apart the updates of two calls running side by side', async () => {
    const { toolset } = await fixtureToolset();
    const ctx = createRunContext();
    const model = scriptedModel(
      callTools(['progress_task', { steps: 2, stepMs: 20 }, 'a'], ['progress_task', { steps: 3, stepMs: 15 }, 'b']),
      say('Both done.'),
    );
    const agent = new Agent({ name: 'runner', model, tools: await openAIAgentsTools(toolset, ctx) });
    const result = await run(agent, 'Run both.', { stream: true });
    const byCall = new Map<string | undefined, TaskStatusStreamEvent[]>();
    for await (const event of withTaskStatus(result, ctx))
      if (isTaskStatusOutput(event)) byCall.set(event.toolCallId, [...(byCall.get(event.toolCallId) ?? []), event]);
    await result.completed;
    expect(byCall.get('a')?.at(-1)).toMatchObject({ status: 'completed', progress: 2, total: 2 });
    expect(byCall.get('b')?.at(-1)).toMatchObject({ status: 'completed', progress: 3, total: 3 });
    expect(new Set(byCall.get('a')?.map((status) => status.taskId)).size).toBe(1);
    expect(byCall.get('a')?.[0]?.taskId).not.toBe(byCall.get('b')?.[0]?.taskId);
  });
});

describe('model output', () => {
  it('give the model an image as an image input, audio as a file input, and text as text', async () => {
    const { toolset } = await fixtureToolset();
    const model = scriptedModel(
      callTools(
        ['image_result', {}, 'image'],
        ['audio_result', {}, 'audio'],
        ['multi_content', {}, 'multi'],
        ['echo', { text: 'hi' }, 'echo'],
      ),
      say('I see a pixel.'),
    );
    const agent = new Agent({ name: 'viewer', model, tools: await openAIAgentsTools(toolset, createRunContext()) });
    await run(agent, 'Look.');
    const outputs = toolOutputsSeen(model, 1);
    expect(outputs.get('image')).toEqual([
      { type: 'input_image', image: expect.stringMatching(/^data:image\/png;base64,iVBOR/) },
    ]);
    expect(outputs.get('audio')).toEqual([
      { type: 'input_file', file: expect.stringMatching(/^data:audio\/wav;base64,/), filename: 'output-1.wav' },
    ]);
    expect(outputs.get('multi')).toEqual([
      { type: 'input_text', text: 'first' },
      { type: 'input_text', text: 'second' },
      { type: 'input_image', image: expect.stringMatching(/^data:image\/png;base64,/) },
    ]);
    expect(outputs.get('echo')).toEqual({ type: 'text', text: 'hi' });
  });

  it('give the model JSON results as JSON text', async () => {
    const { toolset } = await fixtureToolset();
    const model = scriptedModel(callTools(['optional_task', {}, 'json']), say('ok'));
    const agent = new Agent({ name: 'json', model, tools: await openAIAgentsTools(toolset, createRunContext()) });
    await run(agent, 'Go.');
    expect(toolOutputsSeen(model, 1).get('json')).toEqual({ type: 'text', text: '{"ranAsTask":true}' });
  });

  it('give the model a task that failed on the server as the tool error output saying the tool failed', async () => {
    for (const behavior of ['retry', 'failed'] as const) {
      const { toolset } = await fixtureToolset({ toolErrorBehavior: behavior });
      const model = scriptedModel(
        callTools(['failing_task', { message: 'quota exceeded' }, 'call-1']),
        say('I will try later.'),
      );
      const agent = new Agent({ name: 'failing', model, tools: await openAIAgentsTools(toolset, createRunContext()) });
      const result = await run(agent, 'Go.');
      expect(result.finalOutput).toBe('I will try later.');
      expect(toolOutputsSeen(model, 1).get('call-1')).toEqual({
        type: 'text',
        text: "Tool 'failing_task' failed: quota exceeded",
      });
    }
  });

  it("mark each output item of the run stream as a failure or not, in the item's custom data", async () => {
    const { toolset } = await fixtureToolset();
    const ctx = createRunContext();
    const model = scriptedModel(
      callTools(['echo', { text: 'hi' }, 'ok'], ['failing_task', { message: 'disk on fire' }, 'failed']),
      say('Noted.'),
    );
    const agent = new Agent({ name: 'marker', model, tools: await openAIAgentsTools(toolset, ctx) });
    const result = await run(agent, 'Go.', { stream: true });
    const marks = new Map<string, unknown>();
    for await (const event of withTaskStatus(result, ctx))
      if (event.type === 'run_item_stream_event' && event.item.type === 'tool_call_output_item') {
        const raw = event.item.rawItem;
        if (raw.type === 'function_call_result') marks.set(raw.callId, event.item.customData);
      }
    await result.completed;
    expect(marks.get('ok')).toEqual({ toolwright: { isError: false } });
    expect(marks.get('failed')).toEqual({ toolwright: { isError: true } });
    expect(JSON.stringify(modelInput(model, 1))).not.toContain('isError');
  });

  it("ask the model to fix a call the tool refused (an error result, with the toolset's retry behaviour)", async () => {
    const { toolset } = await fixtureToolset({ toolErrorBehavior: 'retry' });
    const model = scriptedModel(callTools(['add', { a: 'one', b: 2 }, 'call-1']), say('I will fix it.'));
    const agent = new Agent({ name: 'adder', model, tools: await openAIAgentsTools(toolset, createRunContext()) });
    await run(agent, 'Add.');
    expect(toolOutputsSeen(model, 1).get('call-1')).toEqual({
      type: 'text',
      text: "a and b must be numbers Fix the call to tool 'add' and try again.",
    });
  });

  it('word failed and cancelled tasks for the model, show other Toolwright errors, and hide foreign ones', async () => {
    const names = ['failed', 'cancelled', 'misused', 'refused', 'crashed'];
    const model = scriptedModel(callTools(...names.map((name) => [name, {}, name] as const)), say('Noted.'));
    const tools = await openAIAgentsTools(failingToolset(), createRunContext());
    const result = await run(new Agent({ name: 'errors', model, tools }), 'Go.');
    expect(result.finalOutput).toBe('Noted.');
    const text = (id: string) => (toolOutputsSeen(model, 1).get(id) as { text?: string } | undefined)?.text;
    expect(text('failed')).toBe("Tool 'failed' failed: the disk is full");
    expect(text('cancelled')).toBe("Tool 'cancelled' was cancelled: the server stopped it");
    expect(text('misused')).toBe('UserError: the app passed a bad option');
    expect(text('refused')).toBe("the date must be in the future. Fix the call to tool 'refused' and try again.");
    expect(text('crashed')).toBe("An error occurred while running tool 'crashed'. Please try again.");
  });
});

describe('tool definitions', () => {
  it('reach the model with their names, descriptions and input schemas', async () => {
    const { toolset } = await fixtureToolset();
    const model = scriptedModel(say('Nothing to do.'));
    const agent = new Agent({ name: 'lister', model, tools: await openAIAgentsTools(toolset, createRunContext()) });
    await run(agent, 'Hello.');
    const sent = model.calls[0]?.request.tools ?? [];
    const definitions = await toolset.getTools(createRunContext());
    expect(sent.map((tool) => tool.name)).toEqual(definitions.map((definition) => definition.name));
    const echo = sent.find((tool) => tool.name === 'echo');
    expect(echo).toMatchObject({
      type: 'function',
      description: 'Returns its text.',
      strict: false,
      parameters: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
    });
    expect(sent.find((tool) => tool.name === 'image_result')).toMatchObject({
      parameters: { type: 'object', properties: {}, required: [] },
    });
  });
});

describe('aborting', () => {
  it("cancel the server task when the run's signal aborts", async () => {
    const { toolset, fixture } = await fixtureToolset();
    const controller = new AbortController();
    const ctx = createRunContext();
    ctx.events.on('task-created', () => controller.abort(new Error('user stopped')));
    const model = scriptedModel(callTools(['cancellable_task', { durationMs: 10_000 }]), say('unreachable'));
    const agent = new Agent({ name: 'stopper', model, tools: await openAIAgentsTools(toolset, ctx) });
    await expect(run(agent, 'Go.', { signal: controller.signal })).rejects.toThrow('user stopped');
    await expect.poll(async () => (await fixture.inspector.cancelsReceived()).length).toBe(1);
    expect(model.calls).toHaveLength(1);
  });

  it('cancel the server task when the reader of a streamed run stops reading', async () => {
    const { toolset, fixture } = await fixtureToolset();
    const ctx = createRunContext();
    const model = scriptedModel(callTools(['cancellable_task', { durationMs: 10_000 }]), say('unreachable'));
    const agent = new Agent({ name: 'stopper', model, tools: await openAIAgentsTools(toolset, ctx) });
    const result = await run(agent, 'Go.', { stream: true });
    for await (const event of withTaskStatus(result, ctx)) if (isTaskStatusOutput(event)) break;
    await result.completed;
    expect(result.cancelled).toBe(true);
    await expect.poll(async () => (await fixture.inspector.cancelsReceived()).length).toBe(1);
    expect((await fixture.inspector.tasks())[0]?.cancelObserved).toBe(true);
    for (const type of ['task-created', 'task-status', 'progress'] as const)
      expect(ctx.events.listens(type)).toBe(false);
  });

  it("cancel the server task when the SDK's tool timeout passes, and tell the model", async () => {
    const { toolset, fixture } = await fixtureToolset();
    const model = scriptedModel(
      callTools(['cancellable_task', { durationMs: 10_000 }, 'call-1']),
      say('It timed out.'),
    );
    const tools = await openAIAgentsTools(toolset, createRunContext(), { timeoutMs: 100 });
    const result = await run(new Agent({ name: 'timer', model, tools }), 'Go.');
    expect(result.finalOutput).toBe('It timed out.');
    expect(toolOutputsSeen(model, 1).get('call-1')).toMatchObject({ text: expect.stringContaining('timed out') });
    await expect.poll(async () => (await fixture.inspector.cancelsReceived()).length).toBe(1);
  });

  it("link each call to the run's signal while it runs, and leave no listener behind", async () => {
    const { toolset } = await fixtureToolset();
    const runController = new AbortController();
    const ctx = createRunContext({ signal: runController.signal });
    const listeners = countListeners(runController.signal);
    const turns = Array.from({ length: 6 }, (_, index) =>
      index % 2 === 0
        ? callTools(['echo', { text: `${index}` }, `call-${index}`])
        : callTools(['progress_task', { steps: 2, stepMs: 5 }, `call-${index}`]),
    );
    const model = scriptedModel(...turns, say('done'));
    const agent = new Agent({ name: 'looper', model, tools: await openAIAgentsTools(toolset, ctx) });
    const result = await run(agent, 'Go.', { signal: new AbortController().signal });
    expect(result.finalOutput).toBe('done');
    expect(listeners.peak).toBeGreaterThan(0);
    expect(listeners.current).toBe(0);
  });
});
