#!/usr/bin/env node
// The 2026-07-28 (tasks extension) fixture server over stdio: `toolwright-tasks-extension-fixture-server [flags]`
// (`--help` lists them).
import { StdioServerTransport, serveStdio } from '@modelcontextprotocol/server/stdio';
import { TASKS_EXTENSION_USAGE, tasksExtensionFromArgs } from './options.ts';
import { createTasksExtensionServer } from './server.ts';
import { TaskListenTransport } from './stdio-listen.ts';

let parsed: ReturnType<typeof tasksExtensionFromArgs>;
try {
  parsed = tasksExtensionFromArgs(process.argv.slice(2));
} catch (error) {
  // A bad flag is the caller's mistake: say which and how to call, without a stack trace.
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}
if (parsed.help) {
  process.stdout.write(`${TASKS_EXTENSION_USAGE}\n`);
  process.exit(0);
}
const { options, logFile } = parsed;
const server = createTasksExtensionServer(options, logFile === undefined ? {} : { logFile });
const stop = () => {
  void server.close().finally(() => process.exit(0));
};
// The client closing stdin (or dying) ends the server: no orphan processes, no task left running.
process.stdin.on('end', stop);
process.stdin.on('close', stop);
serveStdio(server.factory, {
  transport: new TaskListenTransport(new StdioServerTransport(), server),
  legacy: 'reject',
});
