import { applyCapabilities, BackgroundTools } from '@toolwright/capabilities';
import { combineToolsets, createRunContext, FunctionToolset, functionTool } from '@toolwright/core';
import { MCPToolset } from '@toolwright/mcp-toolset';
import { startInMemoryFixture } from '@toolwright/testing';
import { generateText } from 'ai';
import { describe, expect, it, onTestFinished } from 'vitest';
import { toolsetInstructions, withToolsetInstructions } from './instructions.ts';
import { say, scriptedModel } from './testing.ts';

describe('toolset instructions', () => {
  it('gather server and capability instructions through wrappers into the model instructions', async () => {
    const fixture = await startInMemoryFixture();
    const mcp = new MCPToolset(fixture.clientTransport, { id: 'fixture', includeInstructions: true });
    const local = new FunctionToolset([functionTool({ name: 'noop', execute: () => 'ok' })]);
    const toolset = applyCapabilities(combineToolsets(mcp.prefixed('fx'), local), [new BackgroundTools()]);
    onTestFinished(async () => {
      await toolset.close();
      await fixture.close();
    });
    await toolset.open();
    const ctx = createRunContext();
    const text = await toolsetInstructions(toolset, ctx);
    expect(text).toBe(`A Toolwright fixture server for tests.\n\n${new BackgroundTools().instructions()}`);

    const instructions = await withToolsetInstructions('You are a careful assistant.', toolset, ctx);
    expect(instructions.startsWith('You are a careful assistant.\n\nA Toolwright fixture server')).toBe(true);
    const model = scriptedModel(say('ok'));
    await generateText({ model, instructions, prompt: 'Hi.' });
    expect(JSON.stringify(model.doGenerateCalls[0]?.prompt[0])).toContain('A Toolwright fixture server for tests.');
  });

  it('give undefined when nothing has instructions, and the app text alone', async () => {
    const toolset = new FunctionToolset([functionTool({ name: 'noop', execute: () => 'ok' })]);
    expect(await toolsetInstructions(toolset, createRunContext())).toBeUndefined();
    expect(await withToolsetInstructions('Be brief.', toolset, createRunContext())).toBe('Be brief.');
  });
});
