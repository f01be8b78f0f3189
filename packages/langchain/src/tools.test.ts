import { AIMessage } from '@langchain/core/messages';
import { convertToOpenAITool } from '@langchain/core/utils/function_calling';
import { MessagesAnnotation, StateGraph } from '@langchain/langgraph';
import { ToolNode } from '@langchain/langgraph/prebuilt';
import { countListeners, failingToolset, fixtureToolset2026 } from '@toolwright/adapter-contract';
import { createRunContext, ToolFailed } from '@toolwright/core';
import { createAgent } from 'langchain';
import { describe, expect, it } from 'vitest';
import { isTaskStatusUpdate, TASK_STATUS_EVENT, type TaskStatusUpdate } from './task-status.ts';
import { fixtureToolset, messagesSeen, scriptedModel, toolMessagesSeen } from './test-support.ts';
import { langChainTools } from './tools.ts';

const ask = (content: string) => ({ messages: [{ role: 'user' as const, content }] });

describe('LangChain tools', () => {
  it("run a required-task MCP tool in createAgent's loop, with the tool call's id in the run events", async () => {
    const { toolset } = await fixtureToolset();
    const ctx = createRunContext();
    const created: (string | undefined)[] = [];
    ctx.events.on('task-created', (event) => created.push(event.toolCallId));
    const model = scriptedModel([['slow_task', { value: 'tides' }, 'call-1']], 'The report is done.');
    const agent = createAgent({ model, tools: await langChainTools(toolset, ctx) });
    const result = await agent.invoke(ask('Write the report.'));
    expect(result.messages.at(-1)?.text).toBe('The report is done.');
    expect(created).toEqual(['call-1']);
    const seen = toolMessagesSeen(model, 1).get('call-1');
    expect(seen).toMatchObject({ status: 'success', content: 'done: tides', name: 'slow_task' });
  });

  it('run a task tool of an MCP 2026-07-28 server (tasks extension) over HTTP, its status in the custom stream', async () => {
    const { toolset } = await fixtureToolset2026();
    const ctx = createRunContext();
    const model = scriptedModel([['slow_task', { value: 'tides', steps: 2, delayMs: 600 }, 'call-1']], 'Done.');
    const agent = createAgent({ model, tools: await langChainTools(toolset, ctx) });
    const statuses: TaskStatusUpdate[] = [];
    for await (const chunk of await agent.stream(ask('Go.'), { streamMode: 'custom' }))
      if (isTaskStatusUpdate(chunk)) statuses.push(chunk);
    expect(statuses[0]).toMatchObject({ toolName: 'slow_task', toolCallId: 'call-1', status: 'working' });
    expect(statuses.map((status) => status.statusMessage)).toContain('step 2 of 2');
    expect(toolMessagesSeen(model, 1).get('call-1')).toMatchObject({ status: 'success', content: 'done: tides' });
  });

  it('work in a LangGraph graph of its own, through the prebuilt ToolNode', async () => {
    const { toolset } = await fixtureToolset();
    const ctx = createRunContext();
    const tools = await langChainTools(toolset, ctx);
    const graph = new StateGraph(MessagesAnnotation)
      .addNode('tools', new ToolNode(tools))
      .addEdge('__start__', 'tools')
      .compile();
    const call = new AIMessage({
      content: '',
      tool_calls: [{ name: 'progress_task', args: { steps: 2, stepMs: 5 }, id: 'call-1', type: 'tool_call' }],
    });
    const chunks: [string, unknown][] = [];
    for await (const chunk of await graph.stream({ messages: [call] }, { streamMode: ['custom', 'values'] }))
      chunks.push(chunk as [string, unknown]);
    const statuses = chunks.flatMap(([mode, chunk]) => (mode === 'custom' && isTaskStatusUpdate(chunk) ? [chunk] : []));
    expect(statuses.at(-1)).toMatchObject({ status: 'completed', progress: 2, total: 2 });
    const [, last] = chunks.at(-1) as [string, { messages: { content: unknown }[] }];
    expect(last.messages.at(-1)?.content).toBe('finished 2 steps');
  });
});

describe('task status as stream events', () => {
  it('stream each status change and progress update to the custom and tools modes, before the tool ends', async () => {
    const { toolset } = await fixtureToolset();
    const ctx = createRunContext();
    const model = scriptedModel([['progress_task', { steps: 3, stepMs: 30 }, 'call-1']], 'All three done.');
    const agent = createAgent({ model, tools: await langChainTools(toolset, ctx) });
    const custom: TaskStatusUpdate[] = [];
    const toolEvents: { event: string; data?: unknown }[] = [];
    const stream = await agent.stream(ask('Run it.'), { streamMode: ['custom', 'tools'] });
    for await (const [mode, chunk] of stream) {
      if (mode === 'custom' && isTaskStatusUpdate(chunk)) custom.push(chunk);
      if (mode === 'tools') toolEvents.push(chunk as { event: string; data?: unknown });
    }
    expect(custom[0]).toMatchObject({ status: 'working', taskId: expect.any(String), toolCallId: 'call-1' });
    const messages = custom.flatMap((status) => (status.statusMessage === undefined ? [] : [status.statusMessage]));
    expect([...new Set(messages)]).toEqual(['step 1 of 3', 'step 2 of 3', 'step 3 of 3']);
    const progress = custom.flatMap((status) => (status.progress === undefined ? [] : [status.progress]));
    expect([...new Set(progress)]).toEqual([1, 2, 3]);
    expect(progress).toEqual([...progress].sort());
    expect(custom.find((status) => status.progress === 3)).toMatchObject({ total: 3 });
    expect(custom.at(-1)).toMatchObject({ status: 'completed', progress: 3 });
    // The tools mode carries the same updates as on_tool_event, between the tool's start and its end.
    expect(toolEvents[0]).toMatchObject({ event: 'on_tool_start', toolCallId: 'call-1', name: 'progress_task' });
    expect(toolEvents.at(-1)).toMatchObject({ event: 'on_tool_end', toolCallId: 'call-1' });
    expect(toolEvents.slice(1, -1).map((event) => event.data)).toEqual(custom);
    expect(JSON.stringify(messagesSeen(model, 1))).not.toContain(TASK_STATUS_EVENT);
    for (const type of ['task-created', 'task-status', 'progress'] as const)
      expect(ctx.events.listens(type)).toBe(false);
  });

  it('dispatch them as custom events to streamEvents', async () => {
    const { toolset } = await fixtureToolset();
    const ctx = createRunContext();
    const model = scriptedModel([['progress_task', { steps: 2, stepMs: 20 }, 'call-1']], 'Done.');
    const agent = createAgent({ model, tools: await langChainTools(toolset, ctx) });
    const seen: string[] = [];
    const custom: unknown[] = [];
    for await (const event of agent.streamEvents(ask('Run it.'), { version: 'v2' })) {
      if (event.event === 'on_custom_event' && event.name === TASK_STATUS_EVENT) {
        custom.push(event.data);
        seen.push('status');
      }
      if (event.event === 'on_tool_end') seen.push('tool end');
    }
    expect(custom.at(-1)).toMatchObject({
      type: 'task-status',
      toolCallId: 'call-1',
      status: 'completed',
      progress: 2,
    });
    expect(seen.indexOf('tool end')).toBe(seen.length - 1);
    expect(seen.filter((entry) => entry === 'status').length).toBeGreaterThan(2);
  });

  it('stream none when taskStatus is false', async () => {
    const { toolset } = await fixtureToolset();
    const ctx = createRunContext();
    const model = scriptedModel([['progress_task', { steps: 2, stepMs: 10 }]], 'Done.');
    const agent = createAgent({ model, tools: await langChainTools(toolset, ctx, { taskStatus: false }) });
    const chunks: unknown[] = [];
    for await (const [mode, chunk] of await agent.stream(ask('Run it.'), { streamMode: ['custom', 'tools'] }))
      if (mode === 'custom' || (chunk as { event?: string }).event === 'on_tool_event') chunks.push(chunk);
    expect(chunks).toEqual([]);
    expect(toolMessagesSeen(model, 1).get('call-progress_task')?.content).toBe('finished 2 steps');
  });
});

describe('model output', () => {
  it('give the model an image and audio as standard media blocks, and text as text', async () => {
    const { toolset } = await fixtureToolset();
    const model = scriptedModel(
      [
        ['image_result', {}, 'image'],
        ['audio_result', {}, 'audio'],
        ['multi_content', {}, 'multi'],
        ['echo', { text: 'hi' }, 'echo'],
        ['optional_task', {}, 'json'],
      ],
      'I see a pixel.',
    );
    const agent = createAgent({ model, tools: await langChainTools(toolset, createRunContext()) });
    await agent.invoke(ask('Look.'));
    const seen = toolMessagesSeen(model, 1);
    expect(seen.get('image')?.content).toEqual([
      { type: 'image', data: expect.stringMatching(/^iVBOR/), mimeType: 'image/png' },
    ]);
    expect(seen.get('audio')?.content).toEqual([{ type: 'audio', data: expect.any(String), mimeType: 'audio/wav' }]);
    expect(seen.get('multi')?.content).toEqual([
      { type: 'text', text: 'first' },
      { type: 'text', text: 'second' },
      { type: 'image', data: expect.any(String), mimeType: 'image/png' },
    ]);
    expect(seen.get('echo')?.content).toBe('hi');
    expect(seen.get('json')?.content).toBe('{"ranAsTask":true}');
  });

  it('give the model a task that failed on the server as an error tool message saying the tool failed', async () => {
    for (const behavior of ['retry', 'failed'] as const) {
      const { toolset } = await fixtureToolset({ toolErrorBehavior: behavior });
      const model = scriptedModel([['failing_task', { message: 'quota exceeded' }, 'call-1']], 'I will try later.');
      const agent = createAgent({ model, tools: await langChainTools(toolset, createRunContext()) });
      const result = await agent.invoke(ask('Go.'));
      expect(result.messages.at(-1)?.text).toBe('I will try later.');
      expect(toolMessagesSeen(model, 1).get('call-1')).toMatchObject({
        status: 'error',
        content: "Tool 'failing_task' failed: quota exceeded",
      });
    }
  });

  it("word failed and cancelled tasks for the model, and leave other errors to LangChain's tool error handling", async () => {
    const names = ['failed', 'cancelled', 'misused', 'refused', 'crashed'];
    const model = scriptedModel(
      names.map((name) => [name, {}, name] as const),
      'Noted.',
    );
    const agent = createAgent({ model, tools: await langChainTools(failingToolset(), createRunContext()) });
    await agent.invoke(ask('Go.'));
    const seen = toolMessagesSeen(model, 1);
    expect(seen.get('failed')).toMatchObject({ status: 'error', content: "Tool 'failed' failed: the disk is full" });
    expect(seen.get('cancelled')).toMatchObject({
      status: 'error',
      content: "Tool 'cancelled' was cancelled: the server stopped it",
    });
    // A call the tool refused (ModelRetry, no task failed) asks the model to fix it.
    expect(seen.get('refused')).toMatchObject({
      status: 'error',
      content: "the date must be in the future. Fix the call to tool 'refused' and try again.",
    });
    // createAgent's ToolNode turns any other error into an error message of its own.
    expect(seen.get('misused')).toMatchObject({ status: 'error', content: expect.stringContaining('the app passed') });
    expect(seen.get('crashed')).toMatchObject({ status: 'error' });
  });

  it('throw the worded failure when invoked directly, with no tool call to answer', async () => {
    const { toolset } = await fixtureToolset({ toolErrorBehavior: 'failed' });
    const tools = await langChainTools(toolset, createRunContext());
    const failing = tools.find((tool) => tool.name === 'failing_task');
    const error = await failing?.invoke({ message: 'no disk' }).catch((caught: unknown) => caught);
    expect(ToolFailed.isInstance(error) && error.message).toBe("Tool 'failing_task' failed: no disk");
    expect(await tools.find((tool) => tool.name === 'echo')?.invoke({ text: 'hi' })).toBe('hi');
  });
});

describe('tool definitions', () => {
  it('carry names, descriptions, input schemas, and the metadata (JSON) of each tool', async () => {
    const { toolset } = await fixtureToolset();
    const tools = await langChainTools(toolset, createRunContext());
    const definitions = await toolset.getTools(createRunContext());
    expect(tools.map((tool) => tool.name)).toEqual(definitions.map((definition) => definition.name));
    const echo = tools.find((tool) => tool.name === 'echo');
    expect(convertToOpenAITool(echo as NonNullable<typeof echo>)).toEqual({
      type: 'function',
      function: {
        name: 'echo',
        description: 'Returns its text.',
        parameters: expect.objectContaining({
          type: 'object',
          properties: { text: { type: 'string' } },
          required: ['text'],
        }),
      },
    });
    expect(echo?.metadata).toEqual(definitions.find((definition) => definition.name === 'echo')?.metadata);
    expect(echo?.metadata).toMatchObject({ annotations: { title: 'Echo', readOnlyHint: true }, task: false });
    expect(tools.find((tool) => tool.name === 'slow_task')?.metadata).toMatchObject({
      taskSupport: 'required',
      task: true,
    });
    expect(JSON.parse(JSON.stringify(echo?.metadata))).toEqual(echo?.metadata);
  });
});

describe('aborting', () => {
  it("cancel the server task when the agent's signal aborts", async () => {
    const { toolset, fixture } = await fixtureToolset();
    const controller = new AbortController();
    const ctx = createRunContext();
    ctx.events.on('task-created', () => controller.abort(new Error('user stopped')));
    const model = scriptedModel([['cancellable_task', { durationMs: 10_000 }]], 'unreachable');
    const agent = createAgent({ model, tools: await langChainTools(toolset, ctx) });
    await expect(agent.invoke(ask('Go.'), { signal: controller.signal })).rejects.toThrow();
    await expect.poll(async () => (await fixture.inspector.cancelsReceived()).length).toBe(1);
    expect((await fixture.inspector.tasks())[0]?.cancelObserved).toBe(true);
    expect(model.callCount).toBe(1);
  });

  it('cancel the server task when a streamed run is aborted while it streams status', async () => {
    const { toolset, fixture } = await fixtureToolset();
    const controller = new AbortController();
    const ctx = createRunContext();
    const model = scriptedModel([['cancellable_task', { durationMs: 10_000 }]], 'unreachable');
    const agent = createAgent({ model, tools: await langChainTools(toolset, ctx) });
    const stream = await agent.stream(ask('Go.'), { streamMode: 'custom', signal: controller.signal });
    const reading = (async () => {
      for await (const chunk of stream) if (isTaskStatusUpdate(chunk)) controller.abort(new Error('user stopped'));
    })();
    await expect(reading).rejects.toThrow();
    await expect.poll(async () => (await fixture.inspector.cancelsReceived()).length).toBe(1);
    expect(model.callCount).toBe(1);
  });

  it("link each call to the run's signal while it runs, and leave no listener behind", async () => {
    const { toolset } = await fixtureToolset();
    const run = new AbortController();
    const ctx = createRunContext({ signal: run.signal });
    const listeners = countListeners(run.signal);
    const turns = Array.from({ length: 6 }, (_, index) =>
      index % 2 === 0
        ? [['echo', { text: `${index}` }, `call-${index}`] as const]
        : [['progress_task', { steps: 2, stepMs: 5 }, `call-${index}`] as const],
    );
    const model = scriptedModel(...turns, 'done');
    const agent = createAgent({ model, tools: await langChainTools(toolset, ctx) });
    const result = await agent.invoke(ask('Go.'), { signal: new AbortController().signal });
    expect(result.messages.at(-1)?.text).toBe('done');
    expect(listeners.peak).toBeGreaterThan(0);
    expect(listeners.current).toBe(0);
  });
});
