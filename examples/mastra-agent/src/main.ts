// A Mastra agent with MCP task tools, through @toolwright/mastra.
//
// The model: a scripted mock (Mastra's own, no API key needed) by default; OpenAI through Mastra's
// model router when OPENAI_API_KEY is set (OPENAI_MODEL chooses the model, default gpt-4.1-mini).
import { Agent } from '@mastra/core/agent';
import { MastraLanguageModelV2Mock } from '@mastra/core/test-utils/llm-mock';
import { createRunContext, isTaskStatusOutput } from '@toolwright/core';
import { mastraTools } from '@toolwright/mastra';
import { MCPToolset } from '@toolwright/mcp-toolset';
import { stdioFixture } from '@toolwright/testing';

await using server = stdioFixture({ pollInterval: 1000 });
await using toolset = new MCPToolset(
  { command: server.command, args: server.args, stderr: 'ignore' },
  { id: 'fixture' },
);
await toolset.open();

const ctx = createRunContext({ signal: AbortSignal.timeout(120_000) });
const agent = new Agent({
  id: 'reporter',
  name: 'Reporter',
  instructions: 'You run long jobs with the tools you have, then say what you got.',
  model: chooseModel(),
  tools: await mastraTools(toolset.filtered(['progress_task', 'add']), ctx),
});

const stream = await agent.stream('Add 19 and 23, and run progress_task with 3 steps of 400 ms.', {
  maxSteps: 6,
  abortSignal: ctx.signal,
});
for await (const chunk of stream.fullStream) {
  if (chunk.type === 'tool-call') console.log(`  → ${chunk.payload.toolName}(${JSON.stringify(chunk.payload.args)})`);
  if (chunk.type === 'tool-output' && isTaskStatusOutput(chunk.payload.output)) {
    const { taskId, status, statusMessage, progress, total } = chunk.payload.output;
    const done = progress === undefined ? '' : ` (${progress}${total === undefined ? '' : `/${total}`})`;
    console.log(`    [task ${taskId?.slice(0, 8)}…] ${status}${statusMessage ? `: ${statusMessage}` : ''}${done}`);
  }
  if (chunk.type === 'tool-result')
    console.log(`  ← ${chunk.payload.toolName}: ${JSON.stringify(chunk.payload.result)}`);
  if (chunk.type === 'tool-error') console.log(`  ✗ ${chunk.payload.toolName}: ${String(chunk.payload.error)}`);
}
console.log(`\n${await stream.text}`);

/** OpenAI when a key is set, else a mock that calls both tools, then reports what they returned. */
function chooseModel() {
  if (process.env.OPENAI_API_KEY) {
    const name = process.env.OPENAI_MODEL ?? 'gpt-4.1-mini';
    console.log(`Model: OpenAI ${name}\n`);
    return `openai/${name}` as const;
  }
  console.log('Model: a scripted mock (set OPENAI_API_KEY to use OpenAI)\n');
  const usage = { inputTokens: 0, outputTokens: 0, totalTokens: 0 };
  const script = (parts: unknown[]) =>
    new ReadableStream({
      start(controller) {
        for (const part of [{ type: 'stream-start', warnings: [] }, ...parts]) controller.enqueue(part);
        controller.close();
      },
    });
  const model = new MastraLanguageModelV2Mock({
    doStream: async ({ prompt }) => {
      const seen = JSON.stringify(prompt);
      if (!seen.includes('finished 3 steps')) {
        const calls = [
          ['call-add', 'add', { a: 19, b: 23 }],
          ['call-report', 'progress_task', { steps: 3, stepMs: 400 }],
        ] as const;
        return {
          stream: script([
            ...calls.map(([toolCallId, toolName, input]) => ({
              type: 'tool-call',
              toolCallId,
              toolName,
              input: JSON.stringify(input),
            })),
            { type: 'finish', finishReason: 'tool-calls', usage },
          ]) as never,
        };
      }
      const text = '19 + 23 = 42, and progress_task finished its 3 steps (it ran as an MCP task).';
      return {
        stream: script([
          { type: 'text-start', id: 'answer' },
          { type: 'text-delta', id: 'answer', delta: text },
          { type: 'text-end', id: 'answer' },
          { type: 'finish', finishReason: 'stop', usage },
        ]) as never,
      };
    },
  });
  // Mastra's declarations of its mock do not pass exactOptionalPropertyTypes; it is a model at run time.
  return model as unknown as ConstructorParameters<typeof Agent>[0]['model'];
}
