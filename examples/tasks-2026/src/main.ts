// Tasks of an MCP 2026-07-28 server (the io.modelcontextprotocol/tasks extension, SEP-2663) through
// the same MCPToolset API as 2025-11-25 tasks.
//
//   node --conditions=@toolwright/source src/main.ts            (tasks of 3 s)
//   node --conditions=@toolwright/source src/main.ts --quick    (tasks of 0.3 s, for CI)
//
// The server is the 2026 fixture of @toolwright/testing over Streamable HTTP on 127.0.0.1.
import { createRunContext, TaskCancelledError, type ToolDefinition, UserError } from '@toolwright/core';
import { MCPToolset, type TaskHandle } from '@toolwright/mcp-toolset';
import { startHttpTasksExtensionFixture } from '@toolwright/testing';
import { output, short } from './terminal.ts';

const quick = process.argv.includes('--quick');
const taskMs = quick ? 300 : 3_000;
const out = output();
// Nothing in this walk-through may take long: a bound for every wait.
const bound = { timeoutMs: 30_000 };

await using server = await startHttpTasksExtensionFixture({ taskDelayMs: taskMs });

/** A toolset for the server; both connections give the same id, which task references name. */
function connect(): MCPToolset {
  return new MCPToolset(server.url, {
    id: 'tasks-2026-server',
    // Input requests of MCP 2026-07-28 arrive inline (with the task, or on the tools/call itself);
    // the toolset hands each to the same handler a 2025-11-25 elicitation would get.
    elicitation: async (request, { taskId }) => {
      const where = taskId === undefined ? 'before any task exists' : `for task ${short(taskId)}`;
      out.line(`the server asks ${where}: "${request.message}" → answering "Ada"`);
      return { action: 'accept', content: { name: 'Ada' } };
    },
  });
}

/** Prints the status of a task, then each change as it arrives, and returns its result. */
async function follow(handle: TaskHandle): Promise<unknown> {
  // Waiting first bounds the events too: past the bound the task is cancelled, which ends them.
  const result = handle.result(bound);
  result.catch(() => undefined); // the caller gets the rejection below
  let last = '';
  for await (const event of handle.events()) {
    if (event.type !== 'status') continue; // MCP 2026-07-28 has no progress on tasks
    const { status, statusMessage } = event.task;
    const shown = `${out.status(status)}${statusMessage ? `: ${statusMessage}` : ''}`;
    if (shown !== last) out.line(`task ${short(handle.taskId)} ${shown}`);
    last = shown;
  }
  return result;
}

/** The UserError a misuse gets (anything else is a failure of this walk-through). */
async function refused(attempt: Promise<unknown>, what: string): Promise<Error> {
  const error = await attempt.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!UserError.isInstance(error)) throw new Error(`${what} should have been refused with a UserError, got ${error}`);
  return error as Error;
}

let saved: string;
{
  await using toolset = connect();
  await toolset.open();

  out.step(`1. Connected to ${toolset.serverInfo.name} at ${server.url.href}`);
  out.line(`protocol version negotiated: ${toolset.protocolVersion}`);

  out.step('2. Its tools');
  const tools = await toolset.getTools();
  const byName = new Map(tools.map((tool) => [tool.name, tool]));
  const tool = (name: string): ToolDefinition => {
    const found = byName.get(name);
    if (!found) throw new Error(`the server offers no tool '${name}'`);
    return found;
  };
  out.line(tools.map((listed) => listed.name).join(', '));
  const everyTask = tools.every((listed) => listed.metadata.task === true && listed.metadata.taskSupport === null);
  out.line(`metadata of each: taskSupport ${tool('echo').metadata.taskSupport}, task ${tool('echo').metadata.task}`);
  out.note(
    everyTask
      ? 'The server declares the tasks extension and alone decides, call by call, whether a call becomes a task.'
      : 'Not every tool may run as a task: the server does not declare the tasks extension.',
  );

  out.step('3. A plain tool: callTool');
  const ctx = createRunContext({ signal: AbortSignal.timeout(60_000) });
  const echoed = await toolset.callTool('echo', { text: 'hello' }, ctx, tool('echo'));
  out.line(`echo → ${out.value(echoed)} (answered inline)`);

  out.step(`4. A task tool: startTask('slow_task'), status as it changes (${taskMs} ms)`);
  const slow = await toolset.startTask('slow_task', { value: 'the report', steps: 3 }, { ctx });
  out.line(`result → ${out.value(await follow(slow))}`);

  out.step('5. A task that needs input: input_task, answered by the elicitation handler');
  const asking = await toolset.startTask('input_task', {}, { ctx });
  out.line(`result → ${out.value(await follow(asking))}`);

  out.step('6. Input before the task exists: test_tool_with_task (multi round-trip, then a task)');
  const created = ctx.events.on('task-created', (event) =>
    out.line(`task ${short(event.taskId)} created: ${out.status(event.status)}`),
  );
  const greeting = await toolset.callTool('test_tool_with_task', {}, ctx, tool('test_tool_with_task'));
  created();
  out.line(`result → ${out.value(greeting)}`);

  out.step('7. The server decides: sometimes_task, and startTask on a call it runs inline');
  out.line(
    `delayMs 0   → ${out.value(await toolset.callTool('sometimes_task', { delayMs: 0 }, ctx, tool('sometimes_task')))}`,
  );
  out.line(
    `delayMs 100 → ${out.value(await toolset.callTool('sometimes_task', { delayMs: 100 }, ctx, tool('sometimes_task')))}`,
  );
  const inline = await refused(toolset.startTask('greet', { name: 'Ada' }), "startTask('greet')");
  out.line(`startTask('greet') → ${inline.name}: ${inline.message}`);

  out.step('8. Cancelling: cancellable_task');
  const long = await toolset.startTask('cancellable_task', { durationMs: 30_000 }, { ctx });
  out.line(`task ${short(long.taskId)} created: ${out.status(long.status)}`);
  const waiting = long.result(bound).catch((error: unknown) => error);
  await long.cancel();
  const cancelled = await waiting;
  if (!TaskCancelledError.isInstance(cancelled))
    throw new Error(`the task should have been cancelled, got ${cancelled}`);
  out.line(`tasks/cancel acknowledged; task ${short(long.taskId)} ${out.status(long.status)}: ${long.statusMessage}`);
  out.line(`its waiter got ${cancelled.name}`);

  out.step('9. Saving a reference: no task listing on 2026-07-28, so keep it');
  const unlisted = await refused(toolset.listTasks(), 'listTasks()');
  out.line(`listTasks() → ${unlisted.name}: ${unlisted.message}`);
  const resumable = await toolset.startTask('slow_task', { value: 'resumed', steps: 3 });
  saved = JSON.stringify(resumable);
  out.line(`saved ${saved}`);
  out.line('closing this connection while the task runs');
}

{
  await using toolset = connect();
  await toolset.open();
  out.step('10. Resuming it from the reference on a new connection');
  const resumed = await toolset.resumeTask(JSON.parse(saved));
  out.line(`result → ${out.value(await follow(resumed))}`);
}

out.step('Done.');
