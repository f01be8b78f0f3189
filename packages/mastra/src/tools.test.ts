import { Agent } from '@mastra/core/agent';
import { createWorkflow } from '@mastra/core/workflows';
import { fixtureToolset } from '@toolwright/adapter-contract';
import { applyCapabilities, BackgroundTools, SetToolMetadata } from '@toolwright/capabilities';
import {
  createRunContext,
  FunctionToolset,
  functionTool,
  isTaskStatusOutput,
  ModelRetry,
  type TaskStatusOutput,
  ToolFailed,
  UserError,
} from '@toolwright/core';
import type { MCPToolset } from '@toolwright/mcp-toolset';
import { describe, expect, it } from 'vitest';
import { backgroundFollowUps } from './background.ts';
import { mastraSteps } from './steps.ts';
import { agentModel, modelCalls, promptText, scriptedModel } from './test-support.ts';
import { type MastraTool, mastraTools } from './tools.ts';

function agentWith(tools: Record<string, MastraTool>, ...steps: Parameters<typeof scriptedModel>) {
  const model = scriptedModel(...steps);
  return {
    model,
    agent: new Agent({ id: 'test', name: 'Test', instructions: 'Use the tools.', model: agentModel(model), tools }),
  };
}

describe('Mastra tools', () => {
  it('carry the description, JSON Schema, title and MCP annotations and _meta of each tool', async () => {
    const { toolset } = await fixtureToolset();
    const tools = await mastraTools(toolset, createRunContext());
    expect(tools.echo?.description).toBe('Returns its text.');
    expect(tools.echo?.title).toBe('Echo');
    expect(tools.echo?.mcp?.annotations).toMatchObject({ title: 'Echo', readOnlyHint: true });
    expect(tools.slow_task?.title).toBeUndefined();
    expect(tools.slow_task?.mcp).toBeUndefined();
    const local = new FunctionToolset([
      functionTool({ name: 'tagged', metadata: { meta: { 'example.com/owner': 'ops' } }, execute: () => 'ok' }),
    ]);
    expect((await mastraTools(local, createRunContext())).tagged?.mcp).toEqual({
      _meta: { 'example.com/owner': 'ops' },
    });
    const { agent, model } = agentWith(
      tools,
      { toolName: 'echo', input: { text: 'hi' }, toolCallId: 'c1' },
      { text: 'ok' },
    );
    const result = await agent.generate('Go.', { maxSteps: 3 });
    expect(result.text).toBe('ok');
    const offered = modelCalls(model)[0]?.tools?.find((tool) => tool.name === 'echo');
    expect(offered).toMatchObject({
      description: 'Returns its text.',
      inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
    });
    expect(promptText(model, 1)).toContain('"value":"hi"');
  });

  it('write no status when taskStatus is false, and still return the result', async () => {
    const { toolset } = await fixtureToolset();
    const tools = await mastraTools(toolset, createRunContext(), { taskStatus: false });
    const { agent } = agentWith(
      tools,
      { toolName: 'progress_task', input: { steps: 2, stepMs: 10 }, toolCallId: 'c1' },
      {
        text: 'Done.',
      },
    );
    const stream = await agent.stream('Go.', { maxSteps: 3 });
    const types: string[] = [];
    let result: unknown;
    for await (const chunk of stream.fullStream) {
      types.push(chunk.type);
      if (chunk.type === 'tool-result') result = chunk.payload.result;
    }
    expect(types).not.toContain('tool-output');
    expect(result).toBe('finished 2 steps');
  });

  it('word failures for the model: the call fixed, the tool failed, other errors unchanged', async () => {
    const failures: Record<string, () => Error> = {
      retry: () => new ModelRetry('a must be a number.'),
      failed: () => new ToolFailed('quota exceeded'),
      misused: () => new UserError('the app passed a bad option'),
    };
    const toolset = new FunctionToolset(
      Object.entries(failures).map(([name, failure]) =>
        functionTool({ name, execute: () => Promise.reject(failure()) }),
      ),
    );
    const texts: string[] = [];
    for (const name of ['retry', 'failed', 'misused']) {
      const tools = await mastraTools(toolset, createRunContext());
      const { agent, model } = agentWith(tools, { toolName: name, input: {}, toolCallId: 'c1' }, { text: 'Noted.' });
      expect((await agent.generate('Go.', { maxSteps: 3 })).text).toBe('Noted.');
      const tool = modelCalls(model)[1]?.prompt.find((message) => message.role === 'tool');
      const part = tool?.role === 'tool' ? tool.content[0] : undefined;
      expect(part?.type === 'tool-result' && part.output.type).toBe('error-text');
      texts.push(part?.type === 'tool-result' && part.output.type === 'error-text' ? part.output.value : '');
    }
    expect(texts).toEqual([
      "a must be a number. Fix the call to tool 'retry' and try again.",
      "Tool 'failed' failed: quota exceeded",
      'the app passed a bad option',
    ]);
  });

  it("cancel the server task when the run context's signal aborts, and leave no listener behind", async () => {
    const { toolset, fixture } = await fixtureToolset();
    const run = new AbortController();
    const ctx = createRunContext({ signal: run.signal });
    const stop = ctx.events.on('task-created', () => run.abort(new Error('the user left')));
    const tools = await mastraTools(toolset, ctx);
    const { agent } = agentWith(
      tools,
      { toolName: 'cancellable_task', input: { durationMs: 10_000 }, toolCallId: 'c1' },
      {
        text: 'unreachable?',
      },
    );
    const stream = await agent.stream('Go.', { maxSteps: 3 });
    const errors: unknown[] = [];
    for await (const chunk of stream.fullStream) if (chunk.type === 'tool-error') errors.push(chunk.payload.error);
    expect(errors).toHaveLength(1);
    await expect.poll(async () => (await fixture.inspector.cancelsReceived()).length).toBe(1);
    stop();
    for (const type of ['task-created', 'task-status', 'progress'] as const)
      expect(ctx.events.listens(type)).toBe(false);
  });
});

describe('Mastra workflow steps', () => {
  it("stream a task's status as the step's output, then its result", async () => {
    const { toolset } = await fixtureToolset();
    const steps = await mastraSteps(toolset, createRunContext());
    const step = steps.progress_task;
    if (!step) throw new Error('no progress_task step');
    const workflow = createWorkflow({ id: 'progress', inputSchema: step.inputSchema, outputSchema: step.outputSchema })
      .then(step)
      .commit();
    const run = await workflow.createRun();
    const stream = run.stream({ inputData: { steps: 2, stepMs: 20 } });
    const statuses: TaskStatusOutput[] = [];
    for await (const chunk of stream.fullStream)
      if (chunk.type === 'workflow-step-output' && isTaskStatusOutput(chunk.payload.output))
        statuses.push(chunk.payload.output);
    const result = await stream.result;
    expect(result.status === 'success' && result.result).toBe('finished 2 steps');
    expect([...new Set(statuses.map((status) => status.statusMessage).filter(Boolean))]).toEqual([
      'step 1 of 2',
      'step 2 of 2',
    ]);
    expect(statuses.at(-1)).toMatchObject({ status: 'completed', progress: 2, total: 2 });
  });

  it('cancel the MCP task when the workflow run is cancelled', async () => {
    const { toolset, fixture } = await fixtureToolset();
    const step = (await mastraSteps(toolset, createRunContext())).cancellable_task;
    if (!step) throw new Error('no cancellable_task step');
    const workflow = createWorkflow({ id: 'cancel', inputSchema: step.inputSchema, outputSchema: step.outputSchema })
      .then(step)
      .commit();
    const run = await workflow.createRun();
    const started = run.start({ inputData: { durationMs: 30_000 } });
    await expect.poll(async () => (await fixture.inspector.tasks()).length).toBe(1);
    await run.cancel();
    expect((await started).status).toBe('canceled');
    await expect.poll(() => fixture.inspector.cancelsReceived()).toHaveLength(1);
  });
});

describe('backgroundFollowUps', () => {
  const inBackground = (background: BackgroundTools) => (mcp: MCPToolset) =>
    applyCapabilities(mcp, [new SetToolMetadata({ tools: 'slow_task', metadata: { background: true } }), background]);

  it('leave a result that arrived after the run in the queue when the run does not wait', async () => {
    const background = new BackgroundTools();
    const { toolset } = await fixtureToolset({ wrap: inBackground(background) });
    const ctx = createRunContext();
    const { agent, model } = agentWith(
      await mastraTools(toolset, ctx),
      { toolName: 'slow_task', input: { value: 'later', delayMs: 100 }, toolCallId: 'c1' },
      { text: 'Started.' },
    );
    const result = await agent.generate('Go.', {
      maxSteps: 5,
      ...backgroundFollowUps({ ctx, background, waitForBackground: false }),
    });
    expect(result.text).toBe('Started.');
    expect(modelCalls(model)).toHaveLength(2);
    const followUp = await ctx.followUps.next(AbortSignal.timeout(10_000));
    expect(followUp.message).toContain('done: later');
  });

  it('keep the follow-up queued when maxSteps leaves no room for another step', async () => {
    const background = new BackgroundTools();
    const { toolset } = await fixtureToolset({ wrap: inBackground(background) });
    const ctx = createRunContext();
    const delivered: string[] = [];
    const { agent, model } = agentWith(
      await mastraTools(toolset, ctx),
      { toolName: 'slow_task', input: { value: 'x', delayMs: 50 }, toolCallId: 'c1' },
      { text: 'Started.' },
    );
    await agent.generate('Go.', {
      maxSteps: 2,
      ...backgroundFollowUps({ ctx, background, onFollowUp: (text) => delivered.push(text) }),
    });
    expect(modelCalls(model)).toHaveLength(2);
    expect(delivered).toEqual([]);
    await background.waitForAll(ctx);
    expect(ctx.followUps.size).toBe(1);
  });
});
