export type { ConnectionHooks, TransportFaults, WireScript } from './fixture-server.ts';
export { createFixtureServer, type FixtureServer } from './fixture-server.ts';
export { ANOTHER_TASK_ID } from './misbehaving.ts';
export type { ListChangedStorm, ParsedArgs } from './options.ts';
export {
  type FixtureOptions,
  fromArgs,
  type ResolvedFixtureOptions,
  resolveFixtureOptions,
  toArgs,
  USAGE,
} from './options.ts';
export type { FixtureMessage, FixtureStart } from './state.ts';
export { type FixtureCall, type FixtureInspector, type FixtureTaskRecord, fileInspector } from './state.ts';
export {
  type TasksExtensionFixtureOptions,
  tasksExtensionArgs,
} from './tasks-extension/options.ts';
export { createTasksExtensionServer, type TasksExtensionServer } from './tasks-extension/server.ts';
export type {
  TasksExtensionCall,
  TasksExtensionHttpRequest,
  TasksExtensionInspector,
  TasksExtensionListen,
  TasksExtensionTaskRecord,
  TasksExtensionUpdate,
} from './tasks-extension/state.ts';
export { type TaskMode, type TasksExtensionTool, tasksExtensionTools } from './tasks-extension/tools.ts';
export {
  type HttpTasksExtensionFixture,
  type InMemoryTasksExtensionFixture,
  type StdioTasksExtensionFixture,
  startHttpTasksExtensionFixture,
  startInMemoryTasksExtensionFixture,
  tasksExtensionStdioFixture,
} from './tasks-extension/transports.ts';
export { TASKS_EXTENSION } from './tasks-extension/wire.ts';
export { type FixtureTool, LATE_TOOL, TOOLS, type ToolRun } from './tools.ts';
export {
  type HttpFixture,
  type InMemoryFixture,
  type StdioFixture,
  startHttpFixture,
  startInMemoryFixture,
  stdioFixture,
} from './transports.ts';
