// Test support (not exported): the 2026-07-28 fixture of @toolwright/testing over every transport.
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import {
  startHttpTasksExtensionFixture,
  startInMemoryTasksExtensionFixture,
  type TasksExtensionFixtureOptions,
  type TasksExtensionInspector,
  tasksExtensionStdioFixture,
} from '@toolwright/testing';
import type { MCPServerSource } from '../options.ts';

/** A running 2026 fixture, reachable from sources an MCPToolset accepts. */
export interface Running2026Fixture extends AsyncDisposable {
  /** A source for one connection (an in-memory transport serves one connection only: call it again for another). */
  source(): MCPServerSource;
  readonly inspector: TasksExtensionInspector;
  /** Every connection reaches the same server (not so over stdio: each toolset starts its own). */
  readonly shared: boolean;
  close(): Promise<void>;
}

/** The transports of the 2026 fixture; `http: true` where HTTP statuses exist (in memory is HTTP in process). */
export const transports2026: readonly {
  readonly name: 'in-memory' | 'stdio' | 'http';
  readonly http: boolean;
  readonly start: (options?: TasksExtensionFixtureOptions) => Promise<Running2026Fixture>;
}[] = [
  {
    name: 'in-memory',
    http: true,
    start: async (options) => {
      const fixture = await startInMemoryTasksExtensionFixture(options);
      const close = () => fixture.close();
      return {
        source: () => new StreamableHTTPClientTransport(fixture.url, { fetch: fixture.fetch }),
        inspector: fixture.inspector,
        shared: true,
        close,
        [Symbol.asyncDispose]: close,
      };
    },
  },
  {
    name: 'stdio',
    http: false,
    start: async (options) => {
      const fixture = tasksExtensionStdioFixture(options);
      const close = () => fixture.close();
      return {
        source: () => ({ command: fixture.command, args: fixture.args, stderr: 'ignore' as const }),
        inspector: fixture.inspector,
        shared: false,
        close,
        [Symbol.asyncDispose]: close,
      };
    },
  },
  {
    name: 'http',
    http: true,
    start: async (options) => {
      const fixture = await startHttpTasksExtensionFixture(options);
      const close = () => fixture.close();
      return {
        source: () => fixture.url,
        inspector: fixture.inspector,
        shared: true,
        close,
        [Symbol.asyncDispose]: close,
      };
    },
  },
];
