// An OpenAI Agents SDK agent with MCP task tools, through @toolwright/openai-agents.
//
// The model: the SDK's own scripted test model (no API key needed) by default; OpenAI when
// OPENAI_API_KEY is set (OPENAI_MODEL chooses the model, default gpt-4.1-mini).
import { Agent, type Model, run, setTracingDisabled } from '@openai/agents';
import { assistantMessage, functionCall, modelResponder, ScriptedModel } from '@openai/agents/testing';
import { createRunContext, isTaskStatusOutput } from '@toolwright/core';
import { MCPToolset } from '@toolwright/mcp-toolset';
import { openAIAgentsTools, withTaskStatus } from '@toolwright/openai-agents';
import { stdioFixture } from '@toolwright/testing';

await using server = stdioFixture({ pollInterval: 1000 });
await using toolset = new MCPToolset(
  { command: server.command, args: server.args, stderr: 'ignore' },
  { id: 'fixture' },
);
await toolset.open();

const ctx = createRunContext({ signal: AbortSignal.timeout(120_000) });
const agent = new Agent({
  name: 'Reporter',
  instructions: 'You run long jobs with the tools you have, then say what you got.',
  model: chooseModel(),
  tools: await openAIAgentsTools(toolset.filtered(['progress_task', 'add']), ctx),
});

const prompt = 'Add 19 and 23, and run progress_task with 3 steps of 400 ms.';
const result = await run(agent, prompt, { stream: true, signal: ctx.signal, maxTurns: 6 });
for await (const event of withTaskStatus(result, ctx)) {
  if (isTaskStatusOutput(event)) {
    const { taskId, status, statusMessage, progress, total } = event;
    const done = progress === undefined ? '' : ` (${progress}${total === undefined ? '' : `/${total}`})`;
    console.log(`    [task ${taskId?.slice(0, 8)}…] ${status}${statusMessage ? `: ${statusMessage}` : ''}${done}`);
  } else if (event.type === 'run_item_stream_event') {
    const item = event.item.rawItem;
    if (item.type === 'function_call') console.log(`  → ${item.name}(${item.arguments})`);
    if (item.type === 'function_call_result') console.log(`  ← ${item.name}: ${JSON.stringify(item.output)}`);
  }
}
await result.completed;
console.log(`\n${result.finalOutput}`);

/** OpenAI when a key is set, else the SDK's scripted model: it calls both tools, then reports what they returned. */
function chooseModel(): Model | string {
  if (process.env.OPENAI_API_KEY) {
    const name = process.env.OPENAI_MODEL ?? 'gpt-4.1-mini';
    console.log(`Model: OpenAI ${name}\n`);
    return name;
  }
  console.log('Model: a scripted model (set OPENAI_API_KEY to use OpenAI)\n');
  // Nothing to export traces to without a key.
  setTracingDisabled(true);
  return new ScriptedModel([
    [
      functionCall('add', { a: 19, b: 23 }, { callId: 'call-add' }),
      functionCall('progress_task', { steps: 3, stepMs: 400 }, { callId: 'call-report' }),
    ],
    modelResponder(({ request }) => {
      const seen = JSON.stringify(request.input);
      const done = seen.includes('finished 3 steps') && seen.includes('42');
      return [assistantMessage(done ? '19 + 23 = 42, and progress_task finished its 3 steps.' : 'Something failed.')];
    }),
  ]);
}
