// A LangChain agent (createAgent) with MCP task tools, through @toolwright/langchain.
//
// The model: LangChain's own fake chat model (no API key needed) by default; OpenAI when
// OPENAI_API_KEY is set (OPENAI_MODEL chooses the model, default gpt-4.1-mini).
import { AIMessage, type BaseMessage, ToolMessage } from '@langchain/core/messages';
import { fakeModel } from '@langchain/core/testing';
import { createRunContext } from '@toolwright/core';
import { isTaskStatusUpdate, langChainTools } from '@toolwright/langchain';
import { MCPToolset } from '@toolwright/mcp-toolset';
import { stdioFixture } from '@toolwright/testing';
import { createAgent } from 'langchain';

await using server = stdioFixture({ pollInterval: 1000 });
await using toolset = new MCPToolset(
  { command: server.command, args: server.args, stderr: 'ignore' },
  { id: 'fixture' },
);
await toolset.open();

const ctx = createRunContext({ signal: AbortSignal.timeout(120_000) });
const agent = createAgent({
  model: await chooseModel(),
  tools: await langChainTools(toolset.filtered(['progress_task', 'add']), ctx),
  systemPrompt: 'You run long jobs with the tools you have, then say what you got.',
});

const input = {
  messages: [{ role: 'user' as const, content: 'Add 19 and 23, and run progress_task with 3 steps of 400 ms.' }],
};
let last: BaseMessage | undefined;
for await (const [mode, chunk] of await agent.stream(input, {
  streamMode: ['custom', 'updates'],
  signal: ctx.signal,
})) {
  if (mode === 'custom' && isTaskStatusUpdate(chunk)) {
    const { taskId, status, statusMessage, progress, total } = chunk;
    const done = progress === undefined ? '' : ` (${progress}${total === undefined ? '' : `/${total}`})`;
    console.log(`    [task ${taskId?.slice(0, 8)}…] ${status}${statusMessage ? `: ${statusMessage}` : ''}${done}`);
  }
  if (mode !== 'updates') continue;
  for (const update of Object.values(chunk as Record<string, { messages?: BaseMessage[] }>))
    for (const message of update?.messages ?? []) {
      last = message;
      if (AIMessage.isInstance(message))
        for (const call of message.tool_calls ?? []) console.log(`  → ${call.name}(${JSON.stringify(call.args)})`);
      if (ToolMessage.isInstance(message)) console.log(`  ← ${message.name}: ${JSON.stringify(message.content)}`);
    }
}
console.log(`\n${last?.text}`);

/** OpenAI when a key is set, else LangChain's fake model: it calls both tools, then reports what they returned. */
async function chooseModel() {
  if (process.env.OPENAI_API_KEY) {
    const name = process.env.OPENAI_MODEL ?? 'gpt-4.1-mini';
    console.log(`Model: OpenAI ${name}\n`);
    const { ChatOpenAI } = await import('@langchain/openai');
    return new ChatOpenAI({ model: name });
  }
  console.log('Model: a fake model (set OPENAI_API_KEY to use OpenAI)\n');
  return fakeModel()
    .respondWithTools([
      { name: 'add', args: { a: 19, b: 23 }, id: 'call-add' },
      { name: 'progress_task', args: { steps: 3, stepMs: 400 }, id: 'call-report' },
    ])
    .respond((messages) => {
      const seen = JSON.stringify(messages);
      const done = seen.includes('finished 3 steps') && seen.includes('42');
      return new AIMessage(done ? '19 + 23 = 42, and progress_task finished its 3 steps.' : 'Something failed.');
    });
}
