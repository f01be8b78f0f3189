// A worker process of an agent app, for the tests that kill it: it starts background MCP tasks
// (mode `start`) and/or takes over stored ones (always), and reports on stdout, one JSON line each.
import { applyCapabilities, BackgroundTools, SetToolMetadata } from '@toolwright/capabilities';
import { createRunContext, forToolCall, type ToolDefinition } from '@toolwright/core';
import { MCPToolset } from '@toolwright/mcp-toolset';
import { openStore, type StoreLocation } from './stores.ts';

/** What the test hands a worker (as one JSON argument). */
export interface WorkerConfig {
  readonly store: StoreLocation;
  readonly url: string;
  readonly owner: string;
  readonly leaseMs: number;
  readonly concurrency: number;
  /** Start these tasks first (mode `start`), as calls of one run. */
  readonly start?: { readonly runId: string; readonly count: number; readonly delayMs: number };
}

const config = JSON.parse(process.argv[2] ?? '{}') as WorkerConfig;
const report = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);

const store = await openStore(config.store);
const mcp = new MCPToolset(new URL(config.url), { id: 'fixture' });
const background = new BackgroundTools({
  store,
  owner: config.owner,
  leaseMs: config.leaseMs,
  onStoreEvent: (event) => report({ type: event.type, toolCallId: event.toolCallId, taskId: event.taskId }),
});
const toolset = applyCapabilities(mcp, [
  new SetToolMetadata({ tools: { task: true }, metadata: { background: true } }),
  background,
]);
await toolset.open();

if (config.start) {
  const run = createRunContext({ runId: config.start.runId });
  const tools = await toolset.getTools(run);
  const slow = tools.find((tool) => tool.name === 'slow_task') as ToolDefinition;
  for (let index = 0; index < config.start.count; index++) {
    const ack = await toolset.callTool(
      'slow_task',
      { value: `v${index}`, delayMs: config.start.delayMs },
      forToolCall(run, { toolCallId: `call-${index}` }),
      slow,
    );
    report({ type: 'started', toolCallId: `call-${index}`, ack });
  }
}

const worker = background.startWorker({ toolset: mcp, concurrency: config.concurrency });
report({ type: 'ready' });

process.on('SIGTERM', () => {
  void worker
    .stop()
    .then(() => toolset.close())
    .then(() => store.close?.())
    .finally(() => process.exit(0));
});
