// generateText with MCP task tools, through @toolwright/ai-sdk.
//
// The model: a scripted mock (no API key needed) by default; OpenAI when OPENAI_API_KEY is set
// (OPENAI_MODEL chooses the model, default gpt-4.1-mini).
import { aiSdkTools } from '@toolwright/ai-sdk';
import { createRunContext } from '@toolwright/core';
import { MCPToolset } from '@toolwright/mcp-toolset';
import { stdioFixture } from '@toolwright/testing';
import { generateText, type LanguageModel, stepCountIs } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';

await using server = stdioFixture({ pollInterval: 1000, taskDelayMs: 1500 });
await using toolset = new MCPToolset(
  { command: server.command, args: server.args, stderr: 'ignore' },
  { id: 'fixture' },
);
await toolset.open();

const ctx = createRunContext({ signal: AbortSignal.timeout(120_000) });
ctx.events.on('task-created', (event) =>
  console.log(`  [task ${event.taskId.slice(0, 8)}…] created for ${event.toolName} (${event.status})`),
);
ctx.events.on('task-status', (event) => console.log(`  [task ${event.taskId.slice(0, 8)}…] ${event.status}`));
const tools = await aiSdkTools(toolset.filtered(['slow_task', 'add', 'failing_task']), ctx);

const model = await chooseModel();
const result = await generateText({
  model,
  tools,
  stopWhen: stepCountIs(6),
  prompt: "Add 19 and 23 with the add tool, and run slow_task with value 'the weekly report'. Then say what you got.",
  onStepEnd: ({ toolCalls, toolResults }) => {
    for (const call of toolCalls) console.log(`  → ${call.toolName}(${JSON.stringify(call.input)})`);
    for (const result of toolResults) console.log(`  ← ${result.toolName}: ${JSON.stringify(result.output)}`);
  },
});
console.log(`\n${result.text}`);

async function chooseModel(): Promise<LanguageModel> {
  if (process.env.OPENAI_API_KEY) {
    const { openai } = await import('@ai-sdk/openai');
    const name = process.env.OPENAI_MODEL ?? 'gpt-4.1-mini';
    console.log(`Model: OpenAI ${name}\n`);
    return openai(name);
  }
  console.log('Model: a scripted mock (set OPENAI_API_KEY to use OpenAI)\n');
  const usage = {
    inputTokens: { total: 0, noCache: 0, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: 0, text: 0, reasoning: 0 },
  };
  return new MockLanguageModelV4({
    doGenerate: async ({ prompt }) => {
      const seen = JSON.stringify(prompt);
      if (!seen.includes('done: the weekly report')) {
        return {
          content: [
            { type: 'tool-call', toolCallId: 'call-add', toolName: 'add', input: JSON.stringify({ a: 19, b: 23 }) },
            {
              type: 'tool-call',
              toolCallId: 'call-report',
              toolName: 'slow_task',
              input: JSON.stringify({ value: 'the weekly report' }),
            },
          ],
          finishReason: { unified: 'tool-calls', raw: undefined },
          usage,
          warnings: [],
        };
      }
      return {
        content: [
          {
            type: 'text',
            text: "19 + 23 = 42, and slow_task finished with 'done: the weekly report' (it ran as an MCP task).",
          },
        ],
        finishReason: { unified: 'stop', raw: undefined },
        usage,
        warnings: [],
      };
    },
  });
}
