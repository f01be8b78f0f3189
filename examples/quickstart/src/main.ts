// The demo: what an MCP task is, shown on a real MCP server (a Toolwright fixture, over stdio).
//
//   npm run demo            (from the repository root)
//   ... src/main.ts --quick (shorter task, for CI)
import { createRunContext } from '@toolwright/core';
import { MCPToolset } from '@toolwright/mcp-toolset';
import { stdioFixture } from '@toolwright/testing';

const quick = process.argv.includes('--quick');
const steps = quick ? 3 : 8;
const stepMs = quick ? 50 : 400;
const color = process.stdout.isTTY;
const dim = (text: string) => (color ? `\x1b[2m${text}\x1b[0m` : text);
const bold = (text: string) => (color ? `\x1b[1m${text}\x1b[0m` : text);

// A fixture MCP server as a child process. It suggests polling every 1000 ms and sends status notifications.
await using server = stdioFixture({ pollInterval: 1000 });
await using toolset = new MCPToolset(
  { command: server.command, args: server.args, stderr: 'ignore' },
  { id: 'fixture' },
);
await toolset.open();
console.log(bold(`Connected to ${toolset.serverInfo.name} over stdio.\n`));

console.log('Its tools and how MCP lets them run (execution.taskSupport):');
const tools = await toolset.getTools();
for (const tool of tools.slice(0, 8)) {
  const support = String(tool.metadata.taskSupport ?? 'absent');
  const route = tool.metadata.task ? 'called as a task' : 'called directly';
  console.log(`  ${tool.name.padEnd(22)} ${support.padEnd(10)} → ${route}`);
}
console.log(
  dim(
    `  … ${tools.length} tools in all. A 'required' tool must run as a task; frameworks without task support fail on it.\n`,
  ),
);

const tool = tools.find((candidate) => candidate.name === 'progress_task');
if (!tool) throw new Error('the fixture server has no progress_task tool');
console.log(
  bold(`Calling ${tool.name} (${steps} steps). The server answers at once with a task id; the work goes on.`),
);

const ctx = createRunContext({ signal: AbortSignal.timeout(60_000) });
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(2)} s`;
ctx.events.on('task-created', (event) =>
  console.log(`  ${dim(elapsed())} task ${event.taskId.slice(0, 8)}… created, status ${event.status}`),
);
ctx.events.on('task-status', (event) => {
  clearBar();
  console.log(`  ${dim(elapsed())} status ${event.status}${event.statusMessage ? `: ${event.statusMessage}` : ''}`);
});
ctx.events.on('progress', (event) => drawBar(event.progress, event.total ?? steps, event.message));

const result = await toolset.callTool(tool.name, { steps, stepMs }, ctx, tool);
clearBar();
console.log(bold(`\nResult after ${elapsed()}: ${JSON.stringify(result)}`));
console.log(
  dim(
    'The result arrived as soon as the server said the task was done (a status notification),\nnot at the next 1000 ms poll. Aborting ctx.signal would have cancelled the task on the server.',
  ),
);

function drawBar(progress: number, total: number, message: string | undefined): void {
  const width = 24;
  const filled = Math.round((Math.min(progress, total) / total) * width);
  const line = `  [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${progress}/${total} ${message ?? ''}`;
  if (color) process.stdout.write(`\r\x1b[2K${line}`);
  else console.log(line);
}

function clearBar(): void {
  if (color) process.stdout.write('\r\x1b[2K');
}
