#!/usr/bin/env node
// The 2026-07-28 (tasks extension) fixture server over stdio: `toolwright-tasks-extension-fixture-server [flags]`.
import { StdioServerTransport, serveStdio } from '@modelcontextprotocol/server/stdio';
import { tasksExtensionFromArgs } from './options.ts';
import { createTasksExtensionServer } from './server.ts';
import { TaskListenTransport } from './stdio-listen.ts';

const { options, logFile } = tasksExtensionFromArgs(process.argv.slice(2));
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
