import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { UserError } from '@toolwright/core';
import { MCPToolset } from '@toolwright/mcp-toolset';
import { startInMemoryTasksExtensionFixture } from '@toolwright/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { resultsJson, table } from './report.ts';
import type { RunnerSettings } from './runner.ts';
import {
  isNo2026Generation,
  NO_2026_GENERATION,
  toolwright2026Case,
  toolwright2026Once,
} from './scenario-task-latency.ts';

// The runner collects garbage between rounds; the test worker has no --expose-gc, so expose the real collector.
beforeAll(() => {
  setFlagsFromString('--expose-gc');
  globalThis.gc ??= runInNewContext('gc');
});

const settings: RunnerSettings = { quick: false, pairs: 3, warmupPairs: 0, minRoundMs: 1, seed: 1 };
const spec = { scenario: '1. 2026', case: 'in-memory, Toolwright startTask().result()', target: 5 };
// The toolset's refusal of a task on a 2026-07-28 server while it does not speak the tasks extension.
const notYet = new UserError(
  "Tool 'slow_task' of 'bench' cannot run as a task: tasks of MCP 2026-07-28 (the io.modelcontextprotocol/tasks extension) are not supported by this version of the toolset yet. Call it with callTool or directCallTool instead.",
);

describe("Toolwright's 2026 row of scenario 1", () => {
  it('is reported as not run, never as a figure, when startTask refuses the 2026 generation', async () => {
    const result = await toolwright2026Case(spec, () => Promise.reject(notYet), settings);
    expect(result.notRun).toBe(NO_2026_GENERATION);
    expect(result).not.toHaveProperty('estimate');
    expect(table([result])).toContain(
      '| in-memory, Toolwright startTask().result() | — | — | ≤ 5 ms | not run: the 2026 task generation is not available | — | — |',
    );
    expect(JSON.parse(resultsJson(settings, [result])).cases[0]).toEqual({
      scenario: '1. 2026',
      case: spec.case,
      unit: 'ms',
      median: null,
      interval: null,
      target: 5,
      verdict: 'not run',
      reason: NO_2026_GENERATION,
    });
  });

  it('lets any other failure through: a UserError about something else, or a broken task', async () => {
    const other = new UserError("Tool 'slow_task' is not offered by MCP server 'bench'.");
    expect(isNo2026Generation(other)).toBe(false);
    await expect(toolwright2026Case(spec, () => Promise.reject(other), settings)).rejects.toBe(other);
    const broken = new Error('task failed');
    await expect(toolwright2026Case(spec, () => Promise.reject(broken), settings)).rejects.toBe(broken);
  });

  it('measures the rounds like the 2025 row once startTask works, beside the peer', async () => {
    const peer = { name: 'ext-tasks 0.2.2 client', latencyMs: 980 };
    const result = await toolwright2026Case(spec, async () => 2, settings, peer);
    expect(result.notRun).toBeUndefined();
    if (result.notRun === undefined) {
      expect(result.estimate.median).toBe(2);
      expect(result.verdict).toBe('met');
      expect(result.sides).toEqual({ unit: 'ms', toolwright: 2, baseline: 980, baselineName: peer.name });
    }
  });

  it('against the real 2026 fixture: not run while the toolset refuses, else a latency from the server stamp', async () => {
    await using fixture = await startInMemoryTasksExtensionFixture({ taskDelayMs: 5, resultTypeInResult: true });
    await using toolset = new MCPToolset(new StreamableHTTPClientTransport(fixture.url, { fetch: fixture.fetch }), {
      id: 'bench',
    });
    await toolset.open();
    expect(toolset.protocolVersion).toBe('2026-07-28');
    const refusal = await toolset.startTask('slow_task', { value: 'x' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    const result = await toolwright2026Case(spec, () => toolwright2026Once(toolset), settings);
    if (refusal !== undefined) {
      expect(isNo2026Generation(refusal)).toBe(true);
      expect(result.notRun).toBe(NO_2026_GENERATION);
    } else if (result.notRun === undefined) {
      expect(Number.isFinite(result.estimate.median)).toBe(true);
      expect(result.estimate.median).toBeGreaterThanOrEqual(0);
    } else expect.fail(`startTask works, yet the row was not run: ${result.notRun}`);
  });
});
