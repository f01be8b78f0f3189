import { fixtureToolset } from '@toolwright/adapter-contract';
import { applyCapabilities, BackgroundTools, SetToolMetadata } from '@toolwright/capabilities';
import { createRunContext } from '@toolwright/core';
import { generateText, isStepCount, type ModelMessage, streamText } from 'ai';
import { describe, expect, it } from 'vitest';
import { backgroundFollowUps, followUpMessages, runWithBackgroundWork } from './background.ts';
import { callTool, promptOf, promptText, say, scriptedModel } from './testing.ts';
import { aiSdkTools } from './tools.ts';

/** slow_task as a background tool. */
const inBackground = (background: BackgroundTools) => ({
  wrap: (mcp: Parameters<typeof applyCapabilities>[0]) =>
    applyCapabilities(mcp, [new SetToolMetadata({ tools: 'slow_task', metadata: { background: true } }), background]),
});

/** A run whose model starts slow_task in the background, waits, then reports its result. */
async function backgroundReport() {
  const background = new BackgroundTools();
  const { toolset, fixture } = await fixtureToolset(inBackground(background));
  const model = scriptedModel(
    callTool('slow_task', { value: 'the report', delayMs: 200 }),
    say('Started it; waiting.'),
    say('The report is in: done: the report.'),
  );
  return { background, toolset, fixture, ctx: createRunContext(), model };
}

describe('runWithBackgroundWork', () => {
  it('feed background results back to the model and keep the run going until they arrive', async () => {
    const { background, toolset, fixture, ctx, model } = await backgroundReport();
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

describe('backgroundFollowUps (no app loop)', () => {
  it('keep a generateText run going until the background result arrives, and give it to the model', async () => {
    const { background, toolset, fixture, ctx, model } = await backgroundReport();
    const delivered: ModelMessage[] = [];
    const result = await generateText({
      model,
      tools: await aiSdkTools(toolset, ctx),
      prompt: 'Write the report in the background.',
      stopWhen: isStepCount(10),
      ...backgroundFollowUps({ ctx, background, onFollowUp: (message) => delivered.push(message) }),
    });
    expect(result.text).toBe('The report is in: done: the report.');
    expect(result.steps.map((step) => step.text)).toEqual([
      '',
      'Started it; waiting.',
      'The report is in: done: the report.',
    ]);
    expect(delivered).toHaveLength(1);
    expect(result.steps[2]?.experimental_steeringMessages).toEqual(delivered);
    const lastPrompt = promptOf(model, 2);
    expect(lastPrompt.at(-1)).toMatchObject({ role: 'user' });
    expect(JSON.stringify(lastPrompt.at(-1))).toContain('done: the report');
    expect((await fixture.inspector.tasks())[0]?.status).toBe('completed');
    expect(background.pending(ctx)).toEqual([]);
    expect(ctx.followUps.size).toBe(0);
  });

  it('keep a streamText run going until the background result arrives, streaming the steering message', async () => {
    const { background, toolset, ctx, model } = await backgroundReport();
    const result = streamText({
      model,
      tools: await aiSdkTools(toolset, ctx),
      prompt: 'Write the report in the background.',
      stopWhen: isStepCount(10),
      ...backgroundFollowUps({ ctx, background }),
    });
    const chunks: string[] = [];
    for await (const chunk of result.toUIMessageStream()) chunks.push(JSON.stringify(chunk));
    expect(await result.text).toBe('The report is in: done: the report.');
    expect(model.doStreamCalls).toHaveLength(3);
    expect(chunks.some((chunk) => chunk.includes('steering-message') && chunk.includes('done: the report'))).toBe(true);
    expect(promptText(model, 2)).toContain('done: the report');
  });

  it('hand a result that arrives during a tool step to the next step, without waiting (streamText)', async () => {
    const background = new BackgroundTools();
    const { toolset } = await fixtureToolset(inBackground(background));
    const ctx = createRunContext();
    const model = scriptedModel(
      {
        kind: 'tools',
        calls: [
          { toolCallId: 'bg', toolName: 'slow_task', input: '{"value":"quick","delayMs":10}' },
          { toolCallId: 'fg', toolName: 'progress_task', input: '{"steps":2,"stepMs":150}' },
        ],
      },
      say('Both are done.'),
    );
    const result = streamText({
      model,
      tools: await aiSdkTools(toolset, ctx),
      prompt: 'Do both.',
      stopWhen: isStepCount(10),
      ...backgroundFollowUps({ ctx, background }),
    });
    const steered: unknown[] = [];
    for await (const part of result.fullStream) if (part.type === 'steering-message') steered.push(part.message);
    expect(await result.text).toBe('Both are done.');
    expect(model.doStreamCalls).toHaveLength(2);
    expect(JSON.stringify(steered)).toContain('done: quick');
    expect(promptText(model, 1)).toContain('done: quick');
  });

  it('end at the final answer when not waiting, and leave the later result queued for the app', async () => {
    const background = new BackgroundTools();
    const { toolset } = await fixtureToolset(inBackground(background));
    const ctx = createRunContext();
    const model = scriptedModel(callTool('slow_task', { value: 'later', delayMs: 100 }), say('Started.'));
    const result = await generateText({
      model,
      tools: await aiSdkTools(toolset, ctx),
      prompt: 'Go.',
      stopWhen: isStepCount(10),
      ...backgroundFollowUps({ ctx, background, waitForBackground: false }),
    });
    expect(result.text).toBe('Started.');
    expect(model.doGenerateCalls).toHaveLength(2);
    await background.waitForAll(ctx);
    expect(JSON.stringify(followUpMessages(ctx))).toContain('done: later');
  });

  it('stop waiting when the run is aborted, and cancel the background task', async () => {
    const background = new BackgroundTools();
    const { toolset, fixture } = await fixtureToolset({
      wrap: (mcp) =>
        applyCapabilities(mcp, [
          new SetToolMetadata({ tools: 'cancellable_task', metadata: { background: true } }),
          background,
        ]),
    });
    const run = new AbortController();
    const ctx = createRunContext({ signal: run.signal });
    const model = scriptedModel(callTool('cancellable_task', { durationMs: 10_000 }), say('Waiting.'), say('never'));
    const started = Date.now();
    const pending = generateText({
      model,
      tools: await aiSdkTools(toolset, ctx),
      prompt: 'Go.',
      stopWhen: isStepCount(10),
      abortSignal: run.signal,
      ...backgroundFollowUps({ ctx, background, abortSignal: run.signal }),
    });
    await expect.poll(() => model.doGenerateCalls.length).toBe(2);
    run.abort(new Error('user left'));
    // The abort ends the wait after the final answer: the run ends with that answer, at once.
    const result = await pending;
    expect(result.text).toBe('Waiting.');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(model.doGenerateCalls).toHaveLength(2);
    await expect.poll(async () => (await fixture.inspector.cancelsReceived()).length).toBe(1);
  });
});
