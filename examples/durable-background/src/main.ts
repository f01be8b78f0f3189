// Durable background tasks: a worker that dies does not lose its task's result.
//
// The parent runs an MCP server (a Toolwright fixture, over Streamable HTTP on 127.0.0.1) and two
// worker processes of one agent app, sharing a task store (a SQLite file, or PostgreSQL):
//   1. `first` calls the long tool `slow_task` in the background for a conversation; the call
//      answers at once, and the task is saved as pending work the worker holds with a lease;
//      the parent then kills it (SIGKILL) while the task runs;
//   2. `second` starts a worker that takes over pending work whose lease expired, resumes the task
//      from its saved reference, and records the result as the conversation's follow-up, which it
//      reads, applies by its stable id, and acknowledges.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { applyCapabilities, BackgroundTools, SetToolMetadata, type TaskStore } from '@toolwright/capabilities';
import { createRunContext, forToolCall, type ToolDefinition } from '@toolwright/core';
import { MCPToolset } from '@toolwright/mcp-toolset';
import { PostgresTaskStore } from '@toolwright/store-postgres';
import { SqliteTaskStore } from '@toolwright/store-sqlite';
import { startHttpFixture } from '@toolwright/testing';

const CONVERSATION = 'conversation-42';
const USAGE = 'Usage: main.ts [--quick] [--postgres postgresql://user:password@host:5432/database]';

/** The parent takes --quick and --postgres <url>; it starts each worker with its role and settings as arguments. */
function readArguments() {
  try {
    return parseArgs({
      options: { quick: { type: 'boolean', default: false }, postgres: { type: 'string' } },
      allowPositionals: true,
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}
const { values, positionals } = readArguments();
const [role, url, storeKind, storeAt, lease] = positionals;

function openStore(kind: string, at: string): TaskStore {
  return kind === 'postgres' ? new PostgresTaskStore({ connectionString: at }) : new SqliteTaskStore({ path: at });
}

async function worker(name: string, store: TaskStore) {
  const mcp = new MCPToolset(url as string, { id: 'research-server' });
  const background = new BackgroundTools({ store, owner: name, leaseMs: Number(lease) });
  const toolset = applyCapabilities(mcp, [
    new SetToolMetadata({ tools: { task: true }, metadata: { background: true } }),
    background,
  ]);
  await toolset.open();
  return { mcp, background, toolset };
}

if (role === 'first' && url && storeKind && storeAt) {
  const { toolset } = await worker('first', openStore(storeKind, storeAt));
  const run = createRunContext({ runId: CONVERSATION });
  const tool = (await toolset.getTools(run)).find((candidate) => candidate.name === 'slow_task') as ToolDefinition;
  const ack = await toolset.callTool(
    'slow_task',
    { value: 'the quarterly report' },
    forToolCall(run, { toolCallId: 'call-1' }),
    tool,
  );
  console.log(`[first, pid ${process.pid}] the model reads: ${ack}`);
  console.log(`[first, pid ${process.pid}] started`); // the parent kills this process now
  await new Promise(() => undefined); // an app worker keeps running…
} else if (role === 'second' && url && storeKind && storeAt) {
  const store = openStore(storeKind, storeAt);
  const { mcp, background, toolset } = await worker('second', store);
  const pending = await background.storedPending(CONVERSATION);
  for (const task of pending) {
    console.log(
      `[second, pid ${process.pid}] pending: task ${task.taskId} of '${task.toolName}', leased by '${task.lease?.owner}' until ${new Date(task.lease?.expiresAt ?? 0).toISOString()}`,
    );
  }
  const takeOver = background.startWorker({ toolset: mcp });
  const started = performance.now();
  const followUps = await background.nextFollowUps(CONVERSATION, { signal: AbortSignal.timeout(60_000) });
  for (const followUp of followUps) {
    // At least once: an app applies each followUpId once (a unique key where it stores messages),
    // then acknowledges it. A crash in between only delivers the same id again.
    console.log(
      `[second, pid ${process.pid}] follow-up ${followUp.followUpId} after ${Math.round(performance.now() - started)} ms, recorded by '${followUp.recordedBy}':`,
    );
    console.log(`  ${followUp.message}`);
  }
  await background.acknowledge(
    CONVERSATION,
    followUps.map((followUp) => followUp.followUpId),
  );
  await takeOver.stop();
  await toolset.close();
  await store.close?.();
} else {
  const quick = values.quick;
  const postgres = values.postgres;
  const usePostgres = postgres !== undefined;
  if (usePostgres && !postgres.startsWith('postgres')) {
    console.error(USAGE);
    process.exit(2);
  }
  const leaseMs = quick ? 1_000 : 3_000;
  await using server = await startHttpFixture({ taskDelayMs: quick ? 1_500 : 6_000 });
  const directory = mkdtempSync(join(tmpdir(), 'toolwright-durable-'));
  const [kind, at] = usePostgres ? ['postgres', postgres] : ['sqlite', join(directory, 'tasks.db')];
  const self = fileURLToPath(import.meta.url);
  const child = (step: string): ChildProcess =>
    spawn(process.execPath, [...process.execArgv, self, step, server.url.href, kind, at, String(leaseMs)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
  console.log(
    `MCP server at ${server.url.href}; its slow_task takes ${quick ? 1.5 : 6} s. Task store: ${usePostgres ? 'PostgreSQL' : `SQLite (${at})`}; leases last ${leaseMs} ms.\n`,
  );
  try {
    const first = child('first');
    for await (const line of createInterface({ input: first.stdout as NodeJS.ReadableStream })) {
      console.log(line);
      if (line.endsWith('] started')) break;
    }
    if (first.pid === undefined) throw new Error('the first worker did not start');
    first.kill('SIGKILL');
    await once(first, 'exit');
    console.log(`[parent] killed the first worker (SIGKILL, pid ${first.pid}) while its task runs.\n`);
    const second = child('second');
    second.stdout?.pipe(process.stdout);
    const [code] = await once(second, 'exit');
    if (code !== 0) throw new Error(`the second worker failed (exit ${code})`);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
