// Test support (not exported): the hostile fixtures of both generations over every transport, behind one
// face, for the faults that behave the same on either.
import type { FixtureOptions } from '@toolwright/testing';
import type { MCPServerSource } from '../options.ts';
import { transports2026 } from './test-2026-transports.ts';
import { transports } from './test-transports.ts';

/** The faults both fixture generations take, under the same names. */
export type SharedFaults = Pick<FixtureOptions, 'unansweredMethods' | 'failingMethods' | 'unknownTaskError'>;

/** A running hostile fixture of either generation. */
export interface HostileFixture {
  /** A source for one connection. */
  source(): MCPServerSource;
  /** The ids of the tasks named by the requests of `method` the server received (answered or not). */
  taskIdsReceived(method: string): Promise<(string | undefined)[]>;
  /** The id of the task the server made for a call of `tool`, once it has one. */
  taskOf(tool: string): Promise<string | undefined>;
  close(): Promise<void>;
}

/** Every generation over every transport, misbehaving tools offered. */
export const hostileFixtures: readonly {
  readonly name: string;
  readonly generation: '2025-11-25' | '2026-07-28';
  readonly start: (faults?: SharedFaults) => Promise<HostileFixture>;
}[] = [
  ...transports.map(({ name, start }) => ({
    name: `2025-11-25 over ${name}`,
    generation: '2025-11-25' as const,
    start: async (faults: SharedFaults = {}): Promise<HostileFixture> => {
      const fixture = await start({ misbehaving: true, ...faults });
      return {
        source: () => fixture.source,
        taskIdsReceived: async (method) => (await fixture.inspector.received(method)).map((message) => message.taskId),
        taskOf: async (tool) => (await fixture.inspector.tasks()).find((task) => task.tool === tool)?.taskId,
        close: () => fixture.close(),
      };
    },
  })),
  ...transports2026.map(({ name, start }) => ({
    name: `2026-07-28 over ${name}`,
    generation: '2026-07-28' as const,
    start: async (faults: SharedFaults = {}): Promise<HostileFixture> => {
      const fixture = await start({ misbehaving: true, pollIntervalMs: 50, ...faults });
      return {
        source: () => fixture.source(),
        taskIdsReceived: async (method) => (await fixture.inspector.received(method)).map((message) => message.taskId),
        taskOf: async (tool) => (await fixture.inspector.calls()).find((call) => call.tool === tool)?.taskId,
        close: () => fixture.close(),
      };
    },
  })),
];
