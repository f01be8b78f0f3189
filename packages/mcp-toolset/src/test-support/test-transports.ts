// Test support (not exported): the fixture servers of @toolwright/testing over every transport.
import {
  type FixtureInspector,
  type FixtureOptions,
  startHttpFixture,
  startInMemoryFixture,
  stdioFixture,
} from '@toolwright/testing';
import type { MCPServerSource } from '../options.ts';

/** A running fixture server, reachable from a source an MCPToolset accepts. */
export interface RunningFixture extends AsyncDisposable {
  /** A source for a (new) toolset. In-memory fixtures give one connection only. */
  readonly source: MCPServerSource;
  readonly inspector: FixtureInspector;
  /** Whether another connection can reach the same server (and its tasks). */
  readonly reconnectable: boolean;
  /** A source for a second connection to the same server, where there is one. */
  reconnect(): MCPServerSource;
  /** Makes the server change its tool list and send notifications/tools/list_changed. */
  changeTools(): Promise<void>;
  /** Makes the server stop answering anything (HTTP only; undefined elsewhere). */
  readonly hang: (() => void) | undefined;
  close(): Promise<void>;
}

/** Starts a fixture server on one transport. */
export type StartFixture = (options?: FixtureOptions) => Promise<RunningFixture>;

export const transports: readonly { readonly name: string; readonly start: StartFixture }[] = [
  {
    name: 'in-memory',
    start: async (options) => {
      const fixture = await startInMemoryFixture(options);
      return {
        source: fixture.clientTransport,
        inspector: fixture.inspector,
        reconnectable: false,
        reconnect: () => {
          throw new Error('an in-memory fixture has one connection');
        },
        changeTools: () => fixture.changeTools(),
        hang: undefined,
        close: () => fixture.close(),
        [Symbol.asyncDispose]: () => fixture.close(),
      };
    },
  },
  {
    name: 'stdio',
    start: async (options) => {
      const fixture = stdioFixture(options);
      const source = {
        command: fixture.command,
        args: fixture.args,
        stderr: 'ignore' as const,
      };
      return {
        source,
        inspector: fixture.inspector,
        reconnectable: false,
        reconnect: () => {
          throw new Error('a stdio fixture lives as long as its one connection');
        },
        changeTools: () => fixture.changeTools(),
        hang: undefined,
        close: () => fixture.close(),
        [Symbol.asyncDispose]: () => fixture.close(),
      };
    },
  },
  {
    name: 'http',
    start: async (options) => {
      const fixture = await startHttpFixture(options);
      return {
        source: fixture.url,
        inspector: fixture.inspector,
        reconnectable: true,
        reconnect: () => fixture.url,
        changeTools: () => fixture.changeTools(),
        hang: () => fixture.hang(),
        close: () => fixture.close(),
        [Symbol.asyncDispose]: () => fixture.close(),
      };
    },
  },
];
