import { Agent, type AgentInputItem, run } from '@openai/agents';
import { applyCapabilities, BackgroundTools, SetToolMetadata } from '@toolwright/capabilities';
import { createRunContext } from '@toolwright/core';
import { describe, expect, it } from 'vitest';
import { BackgroundFollowUps, runWithBackgroundWork } from './background.ts';
import { callTools, fixtureToolset, modelInput, say, scriptedModel } from './test-support.ts';
import { openAIAgentsTools } from './tools.ts';

/** `tool` as a background tool. */
const inBackground = (background: BackgroundTools, tool = 'slow_task') => ({
  wrap: (mcp: Parameters<typeof applyCapabilities>[0]) =>
    applyCapabilities(mcp, [new SetToolMetadata({ tools: tool, metadata: { background: true } }), background]),
});

/** The text of the user messages in a model call's input. */
function userTexts(items: readonly AgentInputItem[]): string[] {
  return items.flatMap((item) =>
    item.type === 'message' && item.role === 'user' && typeof item.content === 'string' ? [item.content] : [],
  );
}

describe('runWithBackgroundWork', () => {
  it('start another run with the background result when the model answered while the work was pending', async () => {
    const background = new BackgroundTools();
    const { toolset, fixture } = await fixtureToolset(inBackground(background));
    const ctx = createRunContext();
    const model = scriptedModel(
      callTools(['slow_task', { value: 'the report', delayMs: 200 }, 'call-1']),
      say('Started it; waiting.'),
      say('The report is in: done: the report.'),
    );
    const agent = new Agent({ name: 'reporter', model, tools: await openAIAgentsTools(toolset, ctx) });
    const delivered: unknown[] = [];
    const { result, history } = await runWithBackgroundWork({
      ctx,
      background,
      input: 'Write the report in the background.',
      run: (input, options) => run(agent, input, options),
      onFollowUp: (message) => delivered.push(message),
    });
    expect(result.finalOutput).toBe('The report is in: done: the report.');
    expect(JSON.stringify(modelInput(model, 1))).toMatch(/running in the background as task/);
    expect(delivered).toHaveLength(1);
    const lastInput = modelInput(model, 2);
    expect(userTexts(lastInput).at(-1)).toMatch(/^\[background result\] .*done: the report/);
    // The whole conversation, in order: the request, the call, its acknowledgement, the first answer, the result, the last answer.
    expect(userTexts(history)).toEqual([
      'Write the report in the background.',
      expect.stringMatching(/^\[background result\]/),
    ]);
    expect(history.at(-1)).toMatchObject({ role: 'assistant' });
    expect((await fixture.inspector.tasks())[0]?.status).toBe('completed');
    expect(background.pending(ctx)).toEqual([]);
  });

  it('hand a result that arrives while the run goes on to its next model call, and keep it in the history', async () => {
    const background = new BackgroundTools();
    const { toolset } = await fixtureToolset(inBackground(background));
    const ctx = createRunContext();
    const model = scriptedModel(
      callTools(
        ['slow_task', { value: 'quick', delayMs: 10 }, 'bg'],
        ['progress_task', { steps: 2, stepMs: 150 }, 'fg'],
      ),
      say('Both are done.'),
    );
    const agent = new Agent({ name: 'both', model, tools: await openAIAgentsTools(toolset, ctx) });
    const { result, history } = await runWithBackgroundWork({
      ctx,
      background,
      input: 'Do both.',
      run: (input, options) => run(agent, input, options),
    });
    expect(result.finalOutput).toBe('Both are done.');
    expect(model.calls).toHaveLength(2);
    const secondInput = modelInput(model, 1);
    expect(userTexts(secondInput).at(-1)).toMatch(/done: quick/);
    // The follow-up sits where the model saw it: after the tool outputs of the step during which it arrived.
    const followUpAt = secondInput.findIndex((item) => JSON.stringify(item).includes('[background result]'));
    expect(secondInput.slice(followUpAt + 1)).toEqual([]);
    expect(history.findIndex((item) => JSON.stringify(item).includes('[background result]'))).toBe(followUpAt);
    expect(history.at(-1)).toMatchObject({ role: 'assistant' });
  });

  it('end after the first run when not waiting, leaving the later result queued for the app', async () => {
    const background = new BackgroundTools();
    const { toolset } = await fixtureToolset(inBackground(background));
    const ctx = createRunContext();
    const model = scriptedModel(callTools(['slow_task', { value: 'later', delayMs: 100 }]), say('Started.'));
    const agent = new Agent({ name: 'starter', model, tools: await openAIAgentsTools(toolset, ctx) });
    const { result } = await runWithBackgroundWork({
      ctx,
      background,
      input: 'Go.',
      run: (input, options) => run(agent, input, options),
      waitForBackground: false,
    });
    expect(result.finalOutput).toBe('Started.');
    expect(model.calls).toHaveLength(2);
    await background.waitForAll(ctx);
    expect(ctx.followUps.take().map((followUp) => followUp.message)).toEqual([expect.stringContaining('done: later')]);
  });

  it('stop waiting when the run is aborted, and cancel the background task', async () => {
    const background = new BackgroundTools();
    const { toolset, fixture } = await fixtureToolset(inBackground(background, 'cancellable_task'));
    const controller = new AbortController();
    const ctx = createRunContext({ signal: controller.signal });
    const model = scriptedModel(callTools(['cancellable_task', { durationMs: 10_000 }]), say('Waiting.'));
    const agent = new Agent({ name: 'waiter', model, tools: await openAIAgentsTools(toolset, ctx) });
    const pending = runWithBackgroundWork({
      ctx,
      background,
      input: 'Go.',
      run: (input, options) => run(agent, input, { ...options, signal: controller.signal }),
    });
    await expect.poll(() => model.calls.length).toBe(2);
    controller.abort(new Error('user left'));
    await expect(pending).rejects.toThrow('user left');
    await expect.poll(async () => (await fixture.inspector.cancelsReceived()).length).toBe(1);
  });
});

describe('BackgroundFollowUps', () => {
  it('add arrived follow-ups once, and keep them in place on later model calls', () => {
    const ctx = createRunContext();
    const followUps = new BackgroundFollowUps(ctx);
    const item = (text: string): AgentInputItem => ({ type: 'message', role: 'user', content: text });
    const filter = (input: AgentInputItem[]) =>
      followUps.callModelInputFilter({ modelData: { input }, agent: undefined as never, context: undefined });
    const push = (message: string) =>
      ctx.followUps.push({
        toolName: 't',
        id: message,
        toolCallId: undefined,
        outcome: 'result',
        content: message,
        message,
      });
    expect(filter([item('a')])).toEqual({ input: [item('a')] });
    push('one');
    const second = filter([item('a'), item('b')]) as { input: AgentInputItem[] };
    expect(userTexts(second.input)).toEqual(['a', 'b', '[background result] one']);
    push('two');
    const third = filter([item('a'), item('b'), item('c')]) as { input: AgentInputItem[] };
    expect(userTexts(third.input)).toEqual(['a', 'b', '[background result] one', 'c', '[background result] two']);
    expect(followUps.deliveredCount).toBe(2);
    expect(userTexts(followUps.history({ history: [item('a'), item('b'), item('c'), item('d')] }))).toEqual([
      'a',
      'b',
      '[background result] one',
      'c',
      '[background result] two',
      'd',
    ]);
  });
});
