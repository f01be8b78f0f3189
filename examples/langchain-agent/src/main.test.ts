// The example as a user runs it: a real process, its agent's MCP server a stdio child.

import { fileURLToPath } from 'node:url';
import { expectInOrder, runExample } from '@toolwright/adapter-contract';
import { describe, expect, it } from 'vitest';

/** What the example prints, in this order (other lines may come between). */
const ORDER = [
  '→ progress_task({"steps":3,"stepMs":400})',
  '] working',
  'working: step 1 of 3',
  'working: step 2 of 3 (2/3)',
  'working: step 3 of 3 (3/3)',
  'completed: step 3 of 3 (3/3)',
  '← progress_task: "finished 3 steps"',
  '19 + 23 = 42, and progress_task finished its 3 steps.',
];

describe('the langchain-agent example', () => {
  it("streams the MCP task's status as custom events, in order, then the tools' results and the answer", async () => {
    const { stdout, stderr } = await runExample(fileURLToPath(new URL('..', import.meta.url)));
    expect(stderr).toBe('');
    expect(stdout).toContain('Model: a fake model');
    expect(stdout).toContain('← add: "42"');
    expectInOrder(stdout, ORDER);
  }, 70_000);
});
