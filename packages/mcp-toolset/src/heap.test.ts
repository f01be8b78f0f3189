// Memory per call stays flat: nothing (listener, timer, map entry, buffered status) is kept per call or per task.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startInMemoryFixture } from '@toolwright/testing';
import { describe, expect, it } from 'vitest';
import { MCPToolset } from './mcp-toolset.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function heapAfterGc(): Promise<number> {
  // The fixture keeps each finished task for its ttl (1 s here): let those go first.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  for (let round = 0; round < 3; round++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

/** Heap growth per call over `calls` calls, after `warmUp` calls that fill caches and JIT. */
async function growthPerCall(call: () => Promise<unknown>, warmUp: number, calls: number): Promise<number> {
  for (let index = 0; index < warmUp; index++) await call();
  const before = await heapAfterGc();
  for (let index = 0; index < calls; index++) await call();
  const after = await heapAfterGc();
  return (after - before) / calls;
}

describe('heap per call', () => {
  it('stays flat over 10,000 plain calls and 3,000 task calls', async () => {
    await using fixture = await startInMemoryFixture({ record: false, taskDelayMs: 0, ttl: 1_000 });
    await using toolset = new MCPToolset(fixture.clientTransport, { id: 'heap' });
    await toolset.open();
    const plain = await growthPerCall(() => toolset.directCallTool('echo', { text: 'x' }), 1_000, 10_000);
    const tasks = await growthPerCall(
      () => toolset.directCallTool('slow_task', { value: 'x', delayMs: 0 }),
      300,
      3_000,
    );
    console.log(`heap growth per call: plain ${plain.toFixed(1)} B, task ${tasks.toFixed(1)} B`);
    // A handle, listener or timer kept per call costs a kilobyte or more; what remains under these
    // bounds is measuring noise (the SDK's own per-task entry is checked exactly in hostile-servers.test.ts).
    expect(plain).toBeLessThan(100);
    expect(tasks).toBeLessThan(400);
  }, 120_000);
});
