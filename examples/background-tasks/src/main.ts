// The demo: what an MCP task is, and an agent that keeps working while one runs.
//
//   npm run demo                (from the repository root)
//   ... src/main.ts --quick     (a shorter task, for CI)
//
// Ctrl-C while the task runs cancels it on the server, says so, and exits (code 130).
import { aiSdkTools, runWithBackgroundWork } from '@toolwright/ai-sdk';
import { applyCapabilities, BackgroundTools, SetToolMetadata } from '@toolwright/capabilities';
import { createRunContext } from '@toolwright/core';
import { MCPToolset } from '@toolwright/mcp-toolset';
import { stdioFixture } from '@toolwright/testing';
import { generateText, type ModelMessage, stepCountIs } from 'ai';
import { orderedProgress } from './ordered-progress.ts';
import { scriptedModel } from './scripted-model.ts';
import { terminal } from './terminal.ts';

const quick = process.argv.includes('--quick');
const steps = quick ? 3 : 8;
const stepMs = quick ? 50 : 500;
const out = terminal();

// 1. An MCP server (a Toolwright fixture) as a child process over stdio. It suggests polling every
//    1000 ms and sends status notifications.
await using server = stdioFixture({ pollInterval: 1000 });
// Ctrl-C in a terminal reaches every process in the foreground, this server child too. The server
// ignores it and lives on, so the client can cancel the task there; it ends when the toolset closes.
const ignoreCtrlC = ['--import', 'data:text/javascript,process.on("SIGINT",()=>{})'];
const mcp = new MCPToolset(
  { command: server.command, args: [...ignoreCtrlC, ...server.args], stderr: 'ignore' },
  { id: 'fixture' },
);

// 2. Capabilities: every tool that must run as a task runs in the background.
const background = new BackgroundTools();
await using toolset = applyCapabilities(mcp, [
  new SetToolMetadata({ tools: { taskSupport: 'required' }, metadata: { background: true } }),
  background,
]);
await toolset.open();
out.heading(`Connected to ${mcp.serverInfo.name} over stdio.`);

// Ctrl-C aborts the run; aborting a run cancels its tasks on the server.
const interrupt = new AbortController();
let interruptedAt = 0;
process.on('SIGINT', () => {
  if (!interrupt.signal.aborted) {
    interruptedAt = Date.now();
    out.line(out.warning('Ctrl-C: cancelling the run and its task on the server…'));
    interrupt.abort(new Error('interrupted by Ctrl-C'));
    return;
  }
  // npm and pnpm pass the terminal's Ctrl-C on to the demo, so one key press can arrive twice.
  if (Date.now() - interruptedAt < 1000) return;
  out.line(out.warning('Ctrl-C again: quitting without waiting for the cancellation.'));
  process.exit(130);
});

console.log('Its tools, and how MCP lets them run (execution.taskSupport):');
const ctx = createRunContext({ signal: AbortSignal.any([interrupt.signal, AbortSignal.timeout(120_000)]) });
const tools = await toolset.getTools(ctx);
const listed = tools.slice(0, 8);
for (const tool of listed) {
  const support = String(tool.metadata.taskSupport ?? 'absent');
  const route = tool.metadata.task
    ? tool.metadata.background
      ? 'a task, in the background'
      : 'a task'
    : 'a direct call';
  console.log(`  ${tool.name.padEnd(18)} ${support.padEnd(10)} → ${route}`);
}
out.dim(
  `  … and ${tools.length - listed.length} more, ${tools.length} tools in all. A 'required' tool must run as a task; agent frameworks without task support fail on it.\n`,
);

// 3. Live status and progress, from the run's event sink.
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(2)} s`;
const lastStatus = new Map<string, string>(); // task id → the last status the server reported
ctx.events.on('task-created', (event) => {
  lastStatus.set(event.taskId, event.status);
  out.line(`${out.time(elapsed())} task ${event.taskId.slice(0, 8)}… created on the server (${event.status})`);
});
// A step's bar follows its status line (the two notifications may arrive in either order).
const progress = orderedProgress((update) => out.bar(update.progress, update.total ?? steps, update.message));
ctx.events.on('task-status', (event) => {
  lastStatus.set(event.taskId, event.status);
  out.line(
    `${out.time(elapsed())} status ${out.status(event.status)}${event.statusMessage ? `: ${event.statusMessage}` : ''}`,
  );
  progress.status(event.statusMessage);
  if (event.status !== 'working' && event.status !== 'input_required') progress.flush();
});
ctx.events.on('progress', (event) => progress.progress(event));

// 4. The agent: the AI SDK's generateText with a scripted model (no API key needed).
out.heading(`An agent asks for an analysis (${steps} steps of ${stepMs} ms) and keeps talking meanwhile.`);
const messages: ModelMessage[] = [{ role: 'user', content: 'Analyse the tides, and tell me when it is done.' }];
const aiTools = await aiSdkTools(toolset, ctx);
const model = scriptedModel({ steps, stepMs });
try {
  await runWithBackgroundWork({
    ctx,
    background,
    messages,
    generate: async (history) => {
      const turn = await generateText({
        model,
        tools: aiTools,
        messages: history,
        stopWhen: stepCountIs(4),
        abortSignal: ctx.signal,
      });
      out.line(`${out.time(elapsed())} ${out.model(turn.text)}`);
      return turn;
    },
    onFollowUp: () => out.line(`${out.time(elapsed())} the background result arrived as a message for the model`),
  });
} catch (error) {
  if (!interrupt.signal.aborted) throw error;
  // The abort reached the background work, which sends tasks/cancel; wait until it has stopped.
  await background.cancelAll(ctx);
  const outcomes = new Map(ctx.followUps.take().map((followUp) => [followUp.id, followUp.message]));
  out.heading(`Interrupted after ${elapsed()}.`);
  if (lastStatus.size === 0) out.line('No task had been created yet; nothing to cancel on the server.');
  for (const [taskId, status] of lastStatus) {
    const task = `Task ${taskId.slice(0, 8)}…`;
    if (status === 'cancelled') out.line(`${task} was cancelled on the server (its status: ${out.status(status)}).`);
    else if (status === 'completed' || status === 'failed')
      out.line(`${task} ended as ${out.status(status)} before the cancellation reached it.`);
    else
      out.line(
        `${task}: the server did not confirm the cancellation (last status: ${status}). ${outcomes.get(taskId) ?? ''}`,
      );
  }
  process.exitCode = 130;
}
if (!interrupt.signal.aborted) {
  out.heading(`Done after ${elapsed()}.`);
  out.dim(
    'The tool call returned at once; the task ran on the server; its result reached the agent as soon as the\nserver said it was done (a status notification), not at the next 1000 ms poll. Aborting ctx.signal\n(Ctrl-C here) cancels the task on the server.',
  );
}
