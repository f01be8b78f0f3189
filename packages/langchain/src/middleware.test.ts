import { HumanMessage } from '@langchain/core/messages';
import { applyCapabilities, BackgroundTools, SetToolMetadata } from '@toolwright/capabilities';
import { createRunContext } from '@toolwright/core';
import { createAgent } from 'langchain';
import { describe, expect, it } from 'vitest';
import { backgroundFollowUps } from './middleware.ts';
import { fixtureToolset, messagesSeen, scriptedModel } from './test-support.ts';
import { langChainTools } from './tools.ts';

/** `tool` as a background tool. */
const inBackground = (background: BackgroundTools, tool = 'slow_task') => ({
  wrap: (mcp: Parameters<typeof applyCapabilities>[0]) =>
    applyCapabilities(mcp, [new SetToolMetadata({ tools: tool, metadata: { background: true } }), background]),
});

const ask = (content: string) => ({ messages: [{ role: 'user' as const, content }] });

/** The text of the user messages among `messages`. */
const userTexts = (messages: readonly unknown[]) =>
  messages.flatMap((message) => (HumanMessage.isInstance(message) ? [message.text] : []));

describe('backgroundFollowUps middleware', () => {
  it('keep a createAgent run going until the background result arrives, and keep it in the state', async () => {
    const background = new BackgroundTools();
    const { toolset, fixture } = await fixtureToolset(inBackground(background));
    const ctx = createRunContext();
    const model = scriptedModel(
      [['slow_task', { value: 'the report', delayMs: 200 }, 'call-1']],
      'Started it; waiting.',
      'The report is in: done: the report.',
    );
    const delivered: HumanMessage[] = [];
    const agent = createAgent({
      model,
      tools: await langChainTools(toolset, ctx),
      middleware: [backgroundFollowUps({ ctx, background, onFollowUp: (message) => delivered.push(message) })],
    });
    const result = await agent.invoke(ask('Write the report in the background.'));
    expect(result.messages.at(-1)?.text).toBe('The report is in: done: the report.');
    expect(JSON.stringify(messagesSeen(model, 1))).toMatch(/running in the background as task/);
    expect(delivered).toHaveLength(1);
    expect(userTexts(messagesSeen(model, 2)).at(-1)).toMatch(/^\[background result\] .*done: the report/);
    expect(userTexts(result.messages)).toEqual([
      'Write the report in the background.',
      expect.stringMatching(/^\[background result\]/),
    ]);
    expect(model.callCount).toBe(3);
    expect((await fixture.inspector.tasks())[0]?.status).toBe('completed');
    expect(background.pending(ctx)).toEqual([]);
  });

  it('hand a result that arrives during a tool step to the next model call, without waiting', async () => {
    const background = new BackgroundTools();
    const { toolset } = await fixtureToolset(inBackground(background));
    const ctx = createRunContext();
    const model = scriptedModel(
      [
        ['slow_task', { value: 'quick', delayMs: 10 }, 'bg'],
        ['progress_task', { steps: 2, stepMs: 150 }, 'fg'],
      ],
      'Both are done.',
    );
    const agent = createAgent({
      model,
      tools: await langChainTools(toolset, ctx),
      middleware: [backgroundFollowUps({ ctx, background })],
    });
    const result = await agent.invoke(ask('Do both.'));
    expect(result.messages.at(-1)?.text).toBe('Both are done.');
    expect(model.callCount).toBe(2);
    expect(userTexts(messagesSeen(model, 1)).at(-1)).toMatch(/done: quick/);
  });

  it('end at the final answer when not waiting, leaving the later result queued for the app', async () => {
    const background = new BackgroundTools();
    const { toolset } = await fixtureToolset(inBackground(background));
    const ctx = createRunContext();
    const model = scriptedModel([['slow_task', { value: 'later', delayMs: 100 }]], 'Started.');
    const agent = createAgent({
      model,
      tools: await langChainTools(toolset, ctx),
      middleware: [backgroundFollowUps({ ctx, background, waitForBackground: false })],
    });
    const result = await agent.invoke(ask('Go.'));
    expect(result.messages.at(-1)?.text).toBe('Started.');
    expect(model.callCount).toBe(2);
    await background.waitForAll(ctx);
    expect(ctx.followUps.take().map((followUp) => followUp.message)).toEqual([expect.stringContaining('done: later')]);
  });

  it('stop waiting when the agent is aborted, and cancel the background task', async () => {
    const background = new BackgroundTools();
    const { toolset, fixture } = await fixtureToolset(inBackground(background, 'cancellable_task'));
    const controller = new AbortController();
    const ctx = createRunContext({ signal: controller.signal });
    const model = scriptedModel([['cancellable_task', { durationMs: 10_000 }]], 'Waiting.');
    const agent = createAgent({
      model,
      tools: await langChainTools(toolset, ctx),
      middleware: [backgroundFollowUps({ ctx, background })],
    });
    const started = Date.now();
    const pending = agent.invoke(ask('Go.'), { signal: controller.signal });
    await expect.poll(() => model.callCount).toBe(2);
    controller.abort(new Error('user left'));
    await expect(pending).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect.poll(async () => (await fixture.inspector.cancelsReceived()).length).toBe(1);
  });
});
