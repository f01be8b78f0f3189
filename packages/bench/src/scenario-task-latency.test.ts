import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { MCPToolset } from '@toolwright/mcp-toolset';
import { startInMemoryTasksExtensionFixture } from '@toolwright/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { resultsJson, table } from './report.ts';
import type { RunnerSettings } from './runner.ts';
import { toolwright2026Case, toolwright2026Once } from './scenario-task-latency.ts';

// The runner collects garbage between rounds; the test worker has no --expose-gc, so expose the real collector.
beforeAll(() => {
  setFlagsFromString('--expose-gc');
  globalThis.gc ??= runInNewContext('gc');
});

const settings: RunnerSettings = { quick: false, pairs: 3, warmupPairs: 0, minRoundMs: 1, seed: 1 };
const spec = { scenario: '1. 2026', case: 'in-memory, Toolwright startTask().result()', target: 5 };
describe("Toolwright's 2026 row of scenario 1", () => {
  it('lets a failure through: a broken task fails the run, never gives a figure', async () => {
    const broken = new Error('task failed');
    await expect(toolwright2026Case(spec, () => Promise.reject(broken), settings)).rejects.toBe(broken);
  });

  it('measures the rounds like the 2025 row once startTask works, beside the peer', async () => {
    const peer = { name: 'ext-tasks 0.2.2 client', latencyMs: 980 };
    const result = await toolwright2026Case(spec, async () => 2, settings, peer);
    expect(result.estimate.median).toBe(2);
    expect(result.verdict).toBe('met');
    expect(result.sides).toEqual({ unit: 'ms', toolwright: 2, baseline: 980, baselineName: peer.name });
    expect(table([result])).toContain('| in-memory, Toolwright startTask().result() | 2.00 ms |');
    expect(JSON.parse(resultsJson(settings, [result])).cases[0]).toMatchObject({
      median: 2,
      target: 5,
      verdict: 'met',
    });
  });

  it('against the real 2026 fixture: a latency from the server stamp of the end, not from the start', async () => {
    // Each task runs 1 s: a latency counted from its creation would be at least that.
    const taskDelayMs = 1_000;
    await using fixture = await startInMemoryTasksExtensionFixture({ taskDelayMs, resultTypeInResult: true });
    await using toolset = new MCPToolset(new StreamableHTTPClientTransport(fixture.url, { fetch: fixture.fetch }), {
      id: 'bench',
    });
    await toolset.open();
    expect(toolset.protocolVersion).toBe('2026-07-28');
    const result = await toolwright2026Case(spec, () => toolwright2026Once(toolset), settings);
    expect(result.estimate.median).toBeGreaterThanOrEqual(0);
    expect(result.estimate.median).toBeLessThan(taskDelayMs);
  });
});
