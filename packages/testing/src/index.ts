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
export type { FixtureMessage } from './state.ts';
export { type FixtureCall, type FixtureInspector, type FixtureTaskRecord, fileInspector } from './state.ts';
export { type FixtureTool, LATE_TOOL, TOOLS, type ToolRun } from './tools.ts';
export {
  type HttpFixture,
  type InMemoryFixture,
  type StdioFixture,
  startHttpFixture,
  startInMemoryFixture,
  stdioFixture,
} from './transports.ts';
