import { applyCapabilities, BackgroundTools, SetToolMetadata } from '@toolwright/capabilities';
import { createRunContext } from '@toolwright/core';
import { MCPToolset } from '@toolwright/mcp-toolset';
import { startInMemoryFixture } from '@toolwright/testing';
import { generateText, type ModelMessage, stepCountIs } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { afterEach, describe, expect, it } from 'vitest';
import { runWithBackgroundWork } from './background.ts';
import { aiSdkTools } from './tools.ts';

/** What the mock model returns for one call. */
type LanguageModelV4GenerateResult = Extract<
  NonNullable<NonNullable<ConstructorParameters<typeof MockLanguageModelV4>[0]>['doGenerate']>,
  { content: unknown }
>;
const usage = {
  inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 1, text: 1, reasoning: 0 },
};
/** A model turn that calls one tool. */
const callTool = (
  toolName: string,
  input: Record<string, unknown>,
  toolCallId = `call-${toolName}`,
): LanguageModelV4GenerateResult => ({
  content: [{ type: 'tool-call', toolCallId, toolName, input: JSON.stringify(input) }],
  finishReason: { unified: 'tool-calls', raw: undefined },
  usage,
  warnings: [],
});
/** A model turn that answers with text. */
const say = (text: string): LanguageModelV4GenerateResult => ({
  content: [{ type: 'text', text }],
  finishReason: { unified: 'stop', raw: undefined },
  usage,
  warnings: [],
});

/** Everything the model was shown in a call, as text, to assert on. */
const promptText = (model: MockLanguageModelV4, call: number) => JSON.stringify(model.doGenerateCalls[call]?.prompt);

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fixtureToolset(wrap?: (toolset: MCPToolset) => ReturnType<typeof applyCapabilities>) {
  const fixture = await startInMemoryFixture({ pollInterval: 20 });
  cleanups.push(() => fixture.close());
  const mcp = new MCPToolset(fixture.clientTransport, { id: 'fixture' });
  const toolset = wrap ? wrap(mcp) : mcp;
  await toolset.open();
  cleanups.push(() => toolset.close());
  return { fixture, toolset };
}

describe('AI SDK tools', () => {
  it('run a required-task MCP tool inside generateText, with the tool call id in the run events', async () => {
    const { toolset } = await fixtureToolset();
    const ctx = createRunContext();
    const created: (string | undefined)[] = [];
    ctx.events.on('task-created', (event) => created.push(event.toolCallId));
    const model = new MockLanguageModelV4({
      doGenerate: [callTool('slow_task', { value: 'tides' }, 'call-1'), say('The report is done.')],
    });
    const result = await generateText({
      model,
      tools: await aiSdkTools(toolset, ctx),
      prompt: 'Write the report.',
      stopWhen: stepCountIs(5),
    });
    expect(result.text).toBe('The report is done.');
    expect(result.steps[0]?.toolResults[0]).toMatchObject({ toolName: 'slow_task', output: 'done: tides' });
    expect(created).toEqual(['call-1']);
    expect(promptText(model, 1)).toContain('done: tides');
  });

  it('give the model a readable result for ModelRetry and ToolFailed, not a crash', async () => {
    const { toolset } = await fixtureToolset();
    const model = new MockLanguageModelV4({
      doGenerate: [callTool('failing_task', { message: 'quota exceeded' }), say('I will try later.')],
    });
    const result = await generateText({
      model,
      tools: await aiSdkTools(toolset, createRunContext()),
      prompt: 'Go.',
      stopWhen: stepCountIs(5),
    });
    expect(result.text).toBe('I will try later.');
    expect(promptText(model, 1)).toMatch(/Error: quota exceeded/);
  });

  it("cancel the server task when the AI SDK's abort signal fires", async () => {
    const { toolset, fixture } = await fixtureToolset();
    const controller = new AbortController();
    const ctx = createRunContext();
    ctx.events.on('task-created', () => controller.abort(new Error('user stopped')));
    const model = new MockLanguageModelV4({
      doGenerate: [callTool('cancellable_task', { durationMs: 10_000 }), say('unreachable')],
    });
    await expect(
      generateText({
        model,
        tools: await aiSdkTools(toolset, ctx),
        prompt: 'Go.',
        abortSignal: controller.signal,
        stopWhen: stepCountIs(5),
      }),
    ).rejects.toThrow();
    await expect.poll(async () => (await fixture.inspector.cancelsReceived()).length).toBe(1);
  });

  it('feed background results back to the model and keep the run going until they arrive', async () => {
    const background = new BackgroundTools();
    const { toolset, fixture } = await fixtureToolset((mcp) =>
      applyCapabilities(mcp, [new SetToolMetadata({ tools: 'slow_task', metadata: { background: true } }), background]),
    );
    const ctx = createRunContext();
    const model = new MockLanguageModelV4({
      doGenerate: [
        callTool('slow_task', { value: 'the report', delayMs: 200 }),
        say('Started it; waiting.'),
        say('The report is in: done: the report.'),
      ],
    });
    const tools = await aiSdkTools(toolset, ctx);
    const messages: ModelMessage[] = [{ role: 'user', content: 'Write the report in the background.' }];
    const followUps: ModelMessage[] = [];
    const result = await runWithBackgroundWork({
      ctx,
      background,
      messages,
      generate: (history) => generateText({ model, tools, messages: history, stopWhen: stepCountIs(5) }),
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
    const { toolset } = await fixtureToolset((mcp) =>
      applyCapabilities(mcp, [new SetToolMetadata({ tools: 'slow_task', metadata: { background: true } }), background]),
    );
    const ctx = createRunContext();
    const model = new MockLanguageModelV4({
      doGenerate: [callTool('slow_task', { value: 'x', delayMs: 100 }), say('Started.')],
    });
    const tools = await aiSdkTools(toolset, ctx);
    const result = await runWithBackgroundWork({
      ctx,
      background,
      messages: [{ role: 'user', content: 'Go.' }],
      generate: (history) => generateText({ model, tools, messages: history, stopWhen: stepCountIs(5) }),
      waitForBackground: false,
    });
    expect(result.text).toBe('Started.');
    expect(model.doGenerateCalls).toHaveLength(2);
    await background.waitForAll(ctx);
  });
});
