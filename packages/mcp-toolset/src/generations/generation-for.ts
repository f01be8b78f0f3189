import type { Connection } from '../connection.ts';
import type { MCPToolsetOptions, ResolvedOptions } from '../options.ts';
import { isModernProtocol } from '../protocol-version.ts';
import type { TaskGeneration } from '../tasks/task-generation.ts';
import { Tasks20251125 } from './2025-11-25/generation.ts';
import { TASKS_2026_CAPABILITIES, Tasks20260728 } from './2026-07-28/generation.ts';

/**
 * The capabilities a client the toolset makes declares for tasks: the tasks extension wherever
 * 2026-07-28 may be spoken (the 2025 handshake has no extensions; 2025 task support is the server's).
 */
export function taskCapabilities(
  protocolVersion: MCPToolsetOptions['protocolVersion'],
): Readonly<Record<string, unknown>> {
  return protocolVersion === '2025-11-25' ? {} : TASKS_2026_CAPABILITIES;
}

/**
 * The task generation for the protocol `connection` negotiated: 2026-07-28's for it and every later
 * (modern) revision, 2025-11-25's for any other. `options` give the clock and the 2025 input
 * strategy's retry wait (from `taskPolling.inputRetryMs` up to `taskPolling.maxIntervalMs`).
 */
export function generationFor(
  connection: Connection,
  options: Pick<ResolvedOptions, 'clock' | 'inputRetryMs' | 'maxPollMs'>,
): TaskGeneration {
  return isModernProtocol(connection.protocolVersion)
    ? new Tasks20260728(connection, options.clock)
    : new Tasks20251125(connection, options.clock, { floorMs: options.inputRetryMs, maxMs: options.maxPollMs });
}
