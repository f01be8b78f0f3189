// A host that speaks the 2026-07-28 tasks extension (here Toolwright's own MCPToolset) gets the
// tasks themselves from the bridge, whatever generation the upstream speaks: it polls them, answers
// their input, cancels them. (The conformance suite checks the same surface over HTTP.)
import { MCPToolset } from '@toolwright/mcp-toolset';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  bridgeCommand,
  fixtureOf,
  GENERATIONS,
  HOST_TRANSPORTS,
  type HttpBridge,
  startHttpBridge,
  UNTIL,
  upstreamArgs,
} from './test-support.ts';

// Each test starts processes (the bridge, its server, the SDK's version probe): on a loaded machine that
// takes longer than the default bound, which is there to catch a hang, not to time anything.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

describe.each(GENERATIONS)('an upstream of MCP %s', (generation) => {
  describe.each(HOST_TRANSPORTS)('a task-aware host over %s', (transport) => {
    let fixture: ReturnType<typeof fixtureOf>;
    let bridge: HttpBridge | undefined;
    let host: MCPToolset;
    const asked: string[] = [];

    beforeAll(async () => {
      fixture = fixtureOf(generation);
      const args = upstreamArgs(fixture);
      bridge = transport === 'http' ? await startHttpBridge(args) : undefined;
      const elicitation = async (request: { message: string }) => {
        asked.push(request.message);
        return { action: 'accept' as const, content: { name: 'Ada' } };
      };
      host = new MCPToolset(bridge ? bridge.url : bridgeCommand(args), { elicitation, protocolVersion: '2026-07-28' });
      await host.open();
    });
    afterAll(async () => {
      await host?.close();
      await bridge?.close();
      await fixture?.close();
    });

    it('gets the task itself, with its status changes, and its result', async () => {
      expect(host.protocolVersion).toBe('2026-07-28');
      // The host polls the bridge's task at the upstream's poll interval (at most 1 s here): steps of 1.5 s are seen.
      const call = fixture.tools.longTask(3, 4_500);
      const handle = await host.startTask(call.name, call.arguments);
      const messages: string[] = [];
      handle.on((event) => {
        if (event.type === 'status' && event.task.statusMessage) messages.push(event.task.statusMessage);
      });
      const result = await handle.rawResult();
      expect(JSON.stringify(result.content)).toMatch(/finished 3 steps|done: /);
      expect(messages).toContain('step 2 of 3');
    });

    it('cancelling the task cancels the upstream task', async () => {
      const before = (await fixture.inspector.tasks()).length;
      const handle = await host.startTask(fixture.tools.cancellable.name, fixture.tools.cancellable.arguments);
      const upstream = await vi.waitFor(async () => {
        const started = (await fixture.inspector.tasks())[before];
        if (started === undefined) throw new Error('the upstream task has not started yet');
        return started;
      }, UNTIL);
      await handle.cancel();
      expect(handle.status).toBe('cancelled');
      await vi.waitFor(async () => {
        const seen = (await fixture.inspector.tasks()).find((candidate) => candidate.taskId === upstream.taskId);
        expect(seen?.cancelRequested && seen.cancelObserved).toBe(true);
      }, UNTIL);
    });

    it("answers the upstream's request for input through tasks/update", async () => {
      asked.length = 0;
      const handle = await host.startTask(fixture.tools.input.name, fixture.tools.input.arguments);
      expect(await handle.result()).toBe('Hello, Ada');
      expect(asked).toEqual(['What is your name?']);
    });

    it('a plain tool answers at once', async () => {
      expect(await host.directCallTool('echo', { text: 'plain' })).toBe('plain');
    });
  });
});
