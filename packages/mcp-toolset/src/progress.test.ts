import { createRunContext, type ProgressEvent, type ProgressUpdate } from '@toolwright/core';
import { startInMemoryFixture } from '@toolwright/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { MCPToolset } from './mcp-toolset.ts';
import type { TaskProgressEvent } from './tasks/task-lifecycle.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('one progress shape', () => {
  it("gives onProgress, the run's events and the handle the same update, each with what it adds", async () => {
    const fixture = await startInMemoryFixture({ taskDelayMs: 10 });
    const fromOption: ProgressEvent[] = [];
    const toolset = new MCPToolset(fixture.clientTransport, { onProgress: (event) => fromOption.push(event) });
    cleanups.push(async () => {
      await toolset.close();
      await fixture.close();
    });
    await toolset.open();
    const ctx = createRunContext({ toolCallId: 'call-7' });
    const fromRun: ProgressEvent[] = [];
    ctx.events.on('progress', (event) => fromRun.push(event));
    const handle = await toolset.startTask('progress_task', { steps: 2, stepMs: 20 }, { ctx });
    const fromHandle: TaskProgressEvent[] = [];
    handle.on((event) => {
      if (event.type === 'progress') fromHandle.push(event);
    });
    await handle.result();

    const updates: ProgressUpdate[] = [
      { progress: 1, total: 2, message: 'step 1 of 2' },
      { progress: 2, total: 2, message: 'step 2 of 2' },
    ];
    const asEvents = updates.map((update) => ({
      type: 'progress',
      toolName: 'progress_task',
      toolCallId: 'call-7',
      taskId: handle.taskId,
      ...update,
    }));
    expect(fromRun).toEqual(asEvents);
    // The option receives the run's event itself: the tool call id included.
    expect(fromOption).toEqual(asEvents);
    expect(fromHandle).toEqual(updates.map((update) => ({ type: 'progress', taskId: handle.taskId, ...update })));
    expect(handle.progress).toMatchObject(updates[1] ?? {});
  });
});
