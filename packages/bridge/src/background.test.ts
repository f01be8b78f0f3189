// Background mode end to end: a task tool answers at once with its task id, and the bridge's
// task_status, task_result and task_cancel read it; tasks outlive a host's reconnect, and with a
// durable store a restart of the bridge.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema, ElicitRequestSchema, type Progress } from '@modelcontextprotocol/sdk/types.js';
import { startHttpFixture, startHttpTasksExtensionFixture } from '@toolwright/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  connectV1Host,
  fixtureOf,
  GENERATIONS,
  HOST_TRANSPORTS,
  startHttpBridge,
  UNTIL,
  upstreamArgs,
  type V1Host,
} from './test-support.ts';

// Each test starts processes (the bridge, its server, the SDK's version probe): on a loaded machine that
// takes longer than the default bound, which is there to catch a hang, not to time anything.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

/** The task id a background call answered with. */
function taskIdOf(result: unknown): string {
  const structured = (result as { structuredContent?: { taskId?: unknown } }).structuredContent;
  if (typeof structured?.taskId !== 'string') throw new Error(`no task id in ${JSON.stringify(result)}`);
  return structured.taskId;
}

describe.each(GENERATIONS)('background mode, an upstream of MCP %s', (generation) => {
  describe.each(HOST_TRANSPORTS)('an SDK 1.x host over %s', (transport) => {
    let fixture: ReturnType<typeof fixtureOf>;
    let host: V1Host;
    beforeAll(async () => {
      fixture = fixtureOf(generation);
      host = await connectV1Host(transport, ['--background', ...upstreamArgs(fixture)], { elicitation: {} });
      host.client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'accept', content: { name: 'Ada' } }));
    });
    afterAll(async () => {
      await host?.close();
      await fixture?.close();
    });

    it('lists the task tools, and task tools without output schemas, saying they run in the background', async () => {
      const { tools } = await host.client.listTools();
      const names = tools.map((tool) => tool.name);
      expect(names).toEqual(expect.arrayContaining(['task_status', 'task_result', 'task_cancel', 'echo']));
      const task = tools.find((tool) => tool.name === fixture.tools.quickTask.name);
      expect(task?.description).toContain('Runs in the background');
      const echo = tools.find((tool) => tool.name === 'echo');
      if (generation === '2025-11-25') expect(echo?.description).not.toContain('background');
      // On 2026-07-28 the server decides call by call: echo may run in the background, and answers at once when it does not.
      else expect(echo?.description).toContain('when its server makes the call a task');
      expect(await host.client.callTool({ name: 'echo', arguments: { text: 'now' } })).toMatchObject({
        content: [{ type: 'text', text: 'now' }],
      });
    });

    it('answers at once with the task id; task_status and task_result read it; the result is the server’s', async () => {
      const started = performance.now();
      const ack = await host.client.callTool(fixture.tools.longTask(4, 1_500));
      expect(performance.now() - started).toBeLessThan(1_500);
      const taskId = taskIdOf(ack);
      expect(JSON.stringify(ack.content)).toContain('task_result');
      const status = await host.client.callTool({ name: 'task_status', arguments: { task_id: taskId } });
      expect(status.structuredContent).toMatchObject({ taskId, status: 'working' });
      const progress: Progress[] = [];
      const result = await host.client.callTool(
        { name: 'task_result', arguments: { task_id: taskId, wait_seconds: 20 } },
        CallToolResultSchema,
        { onprogress: (update) => progress.push(update) },
      );
      expect(result.isError).toBeFalsy();
      expect(JSON.stringify(result.content)).toMatch(/finished 4 steps|done: /);
      expect(progress.map((update) => update.message)).toContain('step 4 of 4');
      const done = await host.client.callTool({ name: 'task_status', arguments: { task_id: taskId } });
      expect(done.structuredContent).toMatchObject({ taskId, status: 'completed' });
    });

    it('task_result says a task is still running when its wait ends first', async () => {
      const taskId = taskIdOf(await host.client.callTool(fixture.tools.longTask(2, 3_000)));
      const result = await host.client.callTool({
        name: 'task_result',
        arguments: { task_id: taskId, wait_seconds: 0.2 },
      });
      expect(result.isError).toBeFalsy();
      expect(JSON.stringify(result.content)).toContain('still working');
    });

    it('task_cancel cancels the upstream task', async () => {
      const taskId = taskIdOf(await host.client.callTool(fixture.tools.cancellable));
      const cancelled = await host.client.callTool({ name: 'task_cancel', arguments: { task_id: taskId } });
      expect(JSON.stringify(cancelled.content)).toContain('cancelled');
      await vi.waitFor(async () => {
        const task = (await fixture.inspector.tasks()).find((candidate) => candidate.taskId === taskId);
        expect(task?.cancelRequested && task.cancelObserved).toBe(true);
      }, UNTIL);
      const status = await host.client.callTool({ name: 'task_status', arguments: { task_id: taskId } });
      expect(status.structuredContent).toMatchObject({ status: 'cancelled' });
      const result = await host.client.callTool({ name: 'task_result', arguments: { task_id: taskId } });
      expect(result.isError).toBe(true);
    });

    it('a task waiting for input says so, and task_result asks the host for it', async () => {
      const taskId = taskIdOf(await host.client.callTool(fixture.tools.input));
      await vi.waitFor(async () => {
        const status = await host.client.callTool({ name: 'task_status', arguments: { task_id: taskId } });
        expect((status.structuredContent as { status?: string }).status).toBe('input_required');
      }, UNTIL);
      const result = await host.client.callTool({
        name: 'task_result',
        arguments: { task_id: taskId, wait_seconds: 10 },
      });
      expect(result.content).toEqual([{ type: 'text', text: 'Hello, Ada' }]);
    });

    it('an unknown task id is a tool error that says what to check', async () => {
      const result = await host.client.callTool({ name: 'task_status', arguments: { task_id: 'no-such-task' } });
      expect(result.isError).toBe(true);
      expect(JSON.stringify(result.content)).toContain('no-such-task');
    });
  });
});

describe('background mode, a call the server refuses', () => {
  it.each(HOST_TRANSPORTS)('is its JSON-RPC error for a host over %s, not an acknowledgement', async (transport) => {
    await using fixture = fixtureOf('2025-11-25', { failingMethods: ['tools/call'] });
    await using host = await connectV1Host(transport, ['--background', ...upstreamArgs(fixture)]);
    await expect(host.client.callTool(fixture.tools.quickTask)).rejects.toThrow(/-32603/);
    // The bridge answered the error and serves on.
    expect((await host.client.listTools()).tools.length).toBeGreaterThan(0);
  });
});

describe('background tasks outlive', () => {
  it.each(GENERATIONS)('a host reconnecting to the HTTP bridge (upstream %s)', async (generation) => {
    const fixture = fixtureOf(generation);
    await using bridge = await startHttpBridge(['--background', ...upstreamArgs(fixture)]);
    try {
      const first = new Client({ name: 'first', version: '1.0.0' });
      await first.connect(new StreamableHTTPClientTransport(bridge.url));
      const taskId = taskIdOf(await first.callTool(fixture.tools.longTask(2, 1_000)));
      await first.close();
      const second = new Client({ name: 'second', version: '1.0.0' });
      await second.connect(new StreamableHTTPClientTransport(bridge.url));
      const result = await second.callTool({ name: 'task_result', arguments: { task_id: taskId, wait_seconds: 20 } });
      expect(JSON.stringify(result.content)).toMatch(/finished 2 steps|done: /);
      await second.close();
    } finally {
      await fixture.close();
    }
  });

  it.each(GENERATIONS)('a restart of the bridge with a SQLite store (upstream %s over HTTP)', async (generation) => {
    await using upstream =
      generation === '2025-11-25' ? await startHttpFixture() : await startHttpTasksExtensionFixture();
    const directory = mkdtempSync(join(tmpdir(), 'toolwright-bridge-store-'));
    const args = ['--background', '--store', `sqlite:${join(directory, 'tasks.db')}`, '--url', upstream.url.href];
    try {
      const tools = fixtureOf(generation).tools;
      let taskId: string;
      {
        await using first = await connectV1Host('stdio', args);
        // A 2025 fixture task that reports progress fails once the session that created it ends (its
        // notifications have nowhere to go), so the 2025 case runs a task that reports nothing until it ends.
        const call =
          generation === '2025-11-25'
            ? { name: 'slow_task', arguments: { delayMs: 2_000, value: 'kept' } }
            : tools.longTask(3, 2_000);
        taskId = taskIdOf(await first.client.callTool(call));
      }
      // The first bridge has exited with its host; a new one finds the task in the store.
      await using second = await connectV1Host('stdio', args);
      const result = await second.client.callTool({
        name: 'task_result',
        arguments: { task_id: taskId, wait_seconds: 20 },
      });
      expect(result.isError, JSON.stringify(result)).toBeFalsy();
      expect(JSON.stringify(result.content)).toMatch(/done: /);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
