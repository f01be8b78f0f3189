export { createFixtureServer, type FixtureServer } from './fixture-server.ts';
export {
  type FixtureOptions,
  fromArgs,
  type ResolvedFixtureOptions,
  resolveFixtureOptions,
  toArgs,
} from './options.ts';
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
