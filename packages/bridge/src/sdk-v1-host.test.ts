// The SDK 1.x client (what most MCP hosts embed) in front of the bridge, over stdio and Streamable
// HTTP, with upstream servers of both task generations.
import { Client as V2Client } from '@modelcontextprotocol/client';
import { StdioClientTransport as V2StdioTransport } from '@modelcontextprotocol/client/stdio';
import {
  CallToolResultSchema,
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  type Progress,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { MCPToolset } from '@toolwright/mcp-toolset';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  connectV1Host,
  fixtureOf,
  GENERATIONS,
  HOST_TRANSPORTS,
  UNTIL,
  type UpstreamFixture,
  upstreamArgs,
  type V1Host,
} from './test-support.ts';

// Each test starts processes (the bridge, its server, the SDK's version probe): on a loaded machine that
// takes longer than the default bound, which is there to catch a hang, not to time anything.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

describe.each(GENERATIONS)('an upstream of MCP %s', (generation) => {
  describe.each(HOST_TRANSPORTS)('an SDK 1.x host over %s', (transport) => {
    let fixture: ReturnType<typeof fixtureOf>;
    let host: V1Host;
    const asked: unknown[] = [];

    beforeAll(async () => {
      fixture = fixtureOf(generation);
      host = await connectV1Host(transport, upstreamArgs(fixture), { elicitation: {}, sampling: {} });
      host.client.setRequestHandler(ElicitRequestSchema, async (request) => {
        asked.push(request.params);
        return { action: 'accept', content: { name: 'Ada' } };
      });
      host.client.setRequestHandler(CreateMessageRequestSchema, async () => ({
        role: 'assistant',
        content: { type: 'text', text: 'hello from the host' },
        model: 'test-model',
      }));
    });
    afterAll(async () => {
      await host?.close();
      await fixture?.close();
    });

    it('lists every upstream tool as a plain tool, with its name, description, schemas and annotations', async () => {
      await using direct = new MCPToolset({ command: fixture.command, args: [...fixture.args] });
      await direct.open();
      const upstream = await direct.getTools();
      const { tools } = await host.client.listTools();
      expect(tools.map((tool) => tool.name)).toEqual(upstream.map((tool) => tool.name));
      for (const tool of tools) {
        const original = upstream.find((candidate) => candidate.name === tool.name);
        expect(tool).not.toHaveProperty('execution');
        expect(tool.description).toBe(original?.description);
        expect(tool.inputSchema).toEqual(original?.inputSchema);
        expect(tool.outputSchema).toEqual(original?.outputSchema);
        expect(tool.annotations ?? null).toEqual(original?.metadata.annotations ?? null);
      }
    });

    it('runs a 6 s task past a 2 s request timeout that progress resets; the progress messages are its status messages', async () => {
      const call = fixture.tools.longTask(12, 6_000);
      const progress: Progress[] = [];
      const started = performance.now();
      const result = await host.client.callTool(call, CallToolResultSchema, {
        timeout: 2_000,
        resetTimeoutOnProgress: true,
        onprogress: (update) => progress.push(update),
      });
      expect(performance.now() - started).toBeGreaterThan(5_500);
      expect(result.isError).toBeFalsy();
      expect(JSON.stringify(result.content)).toMatch(/finished 12 steps|done: /);
      const messages = progress.map((update) => update.message);
      for (let step = 1; step <= 12; step++) expect(messages).toContain(`step ${step} of 12`);
      // Progress rises with every notification, as the spec requires.
      for (let index = 1; index < progress.length; index++)
        expect(progress[index]?.progress).toBeGreaterThan(progress[index - 1]?.progress ?? 0);
    });

    it('the host cancelling the call cancels the upstream task', async () => {
      const controller = new AbortController();
      const before = (await fixture.inspector.tasks()).length;
      const call = host.client.callTool(fixture.tools.cancellable, CallToolResultSchema, { signal: controller.signal });
      const task = await vi.waitFor(async () => {
        const started = (await fixture.inspector.tasks())[before];
        if (started === undefined) throw new Error('the upstream task has not started yet');
        return started;
      }, UNTIL);
      expect(task.tool).toBe(fixture.tools.cancellable.name);
      controller.abort('the user stopped it');
      await expect(call).rejects.toThrow();
      const cancelled = await vi.waitFor(async () => {
        const seen = (await fixture.inspector.tasks()).find((candidate) => candidate.taskId === task.taskId);
        expect(seen?.cancelRequested && seen.cancelObserved).toBe(true);
        return seen as NonNullable<typeof seen>;
      }, UNTIL);
      expect(cancelled.cancelRequested).toBe(true);
    });

    it("relays the server's elicitation to the host, which declared the capability", async () => {
      asked.length = 0;
      const result = await host.client.callTool(fixture.tools.input);
      expect(result.content).toEqual([{ type: 'text', text: 'Hello, Ada' }]);
      expect(asked).toEqual([expect.objectContaining({ message: 'What is your name?' })]);
    });

    it("relays the server's sampling request to the host", async () => {
      const result = await host.client.callTool(fixture.tools.sampling);
      expect(result.content).toEqual([{ type: 'text', text: fixture.tools.sampling.answer('hello from the host') }]);
    });

    it('passes plain tools through unchanged', async () => {
      const direct = new V2Client({ name: 'direct', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
      await direct.connect(
        new V2StdioTransport({ command: fixture.command, args: [...fixture.args], stderr: 'ignore' }),
      );
      try {
        const names =
          generation === '2025-11-25'
            ? ['echo', 'add', 'image_result', 'multi_content', 'embedded_resource_result', 'resource_link_result']
            : ['echo'];
        for (const name of names) {
          const args = name === 'echo' ? { text: 'as it is' } : name === 'add' ? { a: 2, b: 3 } : {};
          const bridged = await host.client.callTool({ name, arguments: args });
          const expected = await direct.callTool({ name, arguments: args });
          const { _meta: _ignored, ...plain } = expected as Record<string, unknown>;
          expect(bridged).toMatchObject(plain);
        }
        // A tool error stays a tool error.
        if (generation === '2025-11-25')
          expect(await host.client.callTool({ name: 'add', arguments: { a: 'x', b: 1 } })).toMatchObject({
            isError: true,
            content: [{ type: 'text', text: 'a and b must be numbers' }],
          });
      } finally {
        await direct.close();
      }
    });

    it('answers an unknown tool with the JSON-RPC error for invalid params', async () => {
      await expect(host.client.callTool({ name: 'no_such_tool', arguments: {} })).rejects.toThrow(/Unknown tool/);
    });
  });

  describe.each(HOST_TRANSPORTS)('a host without the elicitation capability over %s', (transport) => {
    let fixture: ReturnType<typeof fixtureOf>;
    let host: V1Host;
    beforeAll(async () => {
      fixture = fixtureOf(generation);
      host = await connectV1Host(transport, upstreamArgs(fixture));
    });
    afterAll(async () => {
      await host?.close();
      await fixture?.close();
    });

    it('gets a tool error naming what the server asked for, and the upstream task is cancelled', async () => {
      const result = await host.client.callTool(fixture.tools.input);
      expect(result.isError).toBe(true);
      const text = JSON.stringify(result.content);
      expect(text).toContain('elicitation');
      expect(text).toContain('What is your name?');
      await vi.waitFor(async () => {
        const task = (await fixture.inspector.tasks()).find((candidate) => candidate.tool === fixture.tools.input.name);
        expect(task && task.status !== 'working' && task.status !== 'input_required').toBe(true);
      }, UNTIL);
    });
  });
});

describe('a JSON-RPC error of a plain tool', () => {
  it.each(HOST_TRANSPORTS)(
    'reaches a host over %s as the server sent it, and the bridge serves on',
    async (transport) => {
      await using fixture = fixtureOf('2025-11-25', { misbehaving: true });
      await using host = await connectV1Host(transport, upstreamArgs(fixture));
      const error = await host.client.callTool({ name: 'rpc_error_tool', arguments: {} }).then(
        () => undefined,
        (reason: unknown) => reason as { code?: number; message?: string },
      );
      expect(error?.code).toBe(-32602);
      expect(error?.message).toContain('the argument "when" must be a date');
      expect((await host.client.callTool({ name: 'echo', arguments: { text: 'still here' } })).content).toEqual([
        { type: 'text', text: 'still here' },
      ]);
    },
  );
});

describe('tools/list_changed', () => {
  it.each(HOST_TRANSPORTS)('of the upstream reaches a host over %s', async (transport) => {
    const fixture: UpstreamFixture & { changeTools(): Promise<void> } = fixtureOf('2025-11-25') as never;
    await using host = await connectV1Host(transport, upstreamArgs(fixture));
    try {
      const changed = new Promise<void>((resolve) => {
        host.client.setNotificationHandler(ToolListChangedNotificationSchema, () => resolve());
      });
      expect((await host.client.listTools()).tools.map((tool) => tool.name)).not.toContain('late_tool');
      await fixture.changeTools();
      await changed;
      expect((await host.client.listTools()).tools.map((tool) => tool.name)).toContain('late_tool');
    } finally {
      await fixture.close();
    }
  });
});
