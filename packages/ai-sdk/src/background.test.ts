import { applyCapabilities, BackgroundTools, SetToolMetadata } from '@toolwright/capabilities';
import { createRunContext } from '@toolwright/core';
import { generateText, isStepCount, type ModelMessage } from 'ai';
import { describe, expect, it } from 'vitest';
import { runWithBackgroundWork } from './background.ts';
import { callTool, fixtureToolset, promptText, say, scriptedModel } from './test-support.ts';
import { aiSdkTools } from './tools.ts';

/** slow_task as a background tool. */
const inBackground = (background: BackgroundTools) => ({
  wrap: (mcp: Parameters<typeof applyCapabilities>[0]) =>
    applyCapabilities(mcp, [new SetToolMetadata({ tools: 'slow_task', metadata: { background: true } }), background]),
});

describe('runWithBackgroundWork', () => {
  it('feed background results back to the model and keep the run going until they arrive', async () => {
    const background = new BackgroundTools();
    const { toolset, fixture } = await fixtureToolset(inBackground(background));
    const ctx = createRunContext();
    const model = scriptedModel(
      callTool('slow_task', { value: 'the report', delayMs: 200 }),
      say('Started it; waiting.'),
      say('The report is in: done: the report.'),
    );
    const tools = await aiSdkTools(toolset, ctx);
    const messages: ModelMessage[] = [{ role: 'user', content: 'Write the report in the background.' }];
    const followUps: ModelMessage[] = [];
    const result = await runWithBackgroundWork({
      ctx,
      background,
      messages,
      generate: (history) => generateText({ model, tools, messages: history, stopWhen: isStepCount(5) }),
      onFollowUp: (message) => followUps.push(message),
    });
    expect(result.text).toBe('The report is in: done: the report.');
    expect(promptText(model, 1)).toMatch(/running in the background as task/);
    expect(followUps).toHaveLength(1);
    expect(promptText(model, 2)).toContain('done: the report');
    expect((await fixture.inspector.tasks())[0]?.status).toBe('completed');
    expect(background.pending(ctx)).toEqual([]);
  });

  it('end after the first turn when the app does not wait for background work', async () => {
    const background = new BackgroundTools();
    const { toolset } = await fixtureToolset(inBackground(background));
    const ctx = createRunContext();
    const model = scriptedModel(callTool('slow_task', { value: 'x', delayMs: 100 }), say('Started.'));
    const tools = await aiSdkTools(toolset, ctx);
    const result = await runWithBackgroundWork({
      ctx,
      background,
      messages: [{ role: 'user', content: 'Go.' }],
      generate: (history) => generateText({ model, tools, messages: history, stopWhen: isStepCount(5) }),
      waitForBackground: false,
    });
    expect(result.text).toBe('Started.');
    expect(model.doGenerateCalls).toHaveLength(2);
    await background.waitForAll(ctx);
  });
});
