// The MCP reference server "everything" (from the npm registry), over stdio, through a Toolwright
// toolset: its task tool simulate-research-query runs as an MCP task, goes to input_required to ask
// for a clarification (answered here by the elicitation handler), and completes. Status changes are
// printed as they come.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createRunContext } from '@toolwright/core';
import { MCPToolset } from '@toolwright/mcp-toolset';

const require = createRequire(import.meta.url);
const server = join(
  dirname(require.resolve('@modelcontextprotocol/server-everything/package.json')),
  'dist',
  'index.js',
);
const started = performance.now();
const at = () => `${((performance.now() - started) / 1000).toFixed(2)} s`;

await using everything = new MCPToolset(
  { command: process.execPath, args: [server, 'stdio'], stderr: 'ignore' },
  {
    id: 'everything',
    // The server asks which meaning of the topic we want: choose the first it offers.
    elicitation: async (request, { taskId }) => {
      // A URL request (open a page) has no schema to answer: narrow it away first.
      if (request.mode === 'url') return { action: 'decline' };
      // One field, `interpretation`: an enum of titled options (`oneOf: [{ const, title }, …]`).
      const field = request.requestedSchema.properties.interpretation;
      const options = field !== undefined && 'oneOf' in field ? field.oneOf : [];
      const choice = options[0]?.const ?? 'technical';
      console.log(
        `  ${at()} the server asks (task ${taskId?.slice(0, 8)}…): "${request.message}" → answering "${choice}"`,
      );
      return { action: 'accept', content: { interpretation: choice } };
    },
  },
);
await everything.open();
console.log(`Connected to ${everything.serverInfo.name} ${everything.serverInfo.version} over stdio.`);

const tools = await everything.getTools();
const research = tools.find((tool) => tool.name === 'simulate-research-query');
if (!research)
  throw new Error(
    `the server offers no simulate-research-query tool; it offers ${tools.map((tool) => tool.name).join(', ')}`,
  );
console.log(
  `simulate-research-query: taskSupport ${String(research.metadata.taskSupport)}, called as ${research.metadata.task ? 'a task' : 'a direct call'}.\n`,
);

const ctx = createRunContext({ signal: AbortSignal.timeout(60_000) });
ctx.events.on('task-created', (event) =>
  console.log(`  ${at()} task ${event.taskId.slice(0, 8)}… created (${event.status})`),
);
ctx.events.on('task-status', (event) =>
  console.log(`  ${at()} ${event.status}${event.statusMessage ? `: ${event.statusMessage}` : ''}`),
);
const report = await everything.callTool(
  'simulate-research-query',
  { topic: 'python', ambiguous: true },
  ctx,
  research,
);
const text = String(report);
console.log(`\n${at()} result (${text.length} characters), first lines:\n${text.split('\n').slice(0, 6).join('\n')}`);
