// @ai-sdk/mcp's client inside a generateText run of the AI SDK, with the AI SDK's own mock model:
// a required task tool fails when the host calls it directly, and completes through the bridge.
import { createMCPClient, ElicitationRequestSchema, type MCPClient } from '@ai-sdk/mcp';
import { Experimental_StdioMCPTransport } from '@ai-sdk/mcp/mcp-stdio';
import { startHttpTasksExtensionFixture } from '@toolwright/testing';
import { generateText, stepCountIs } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  bridgeCommand,
  fixtureOf,
  GENERATIONS,
  HOST_TRANSPORTS,
  type HostTransport,
  type HttpBridge,
  startHttpBridge,
  UNTIL,
  upstreamArgs,
} from './test-support.ts';

// Each test starts processes (the bridge, its server, the SDK's version probe): on a loaded machine that
// takes longer than the default bound, which is there to catch a hang, not to time anything.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const usage = {
  inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 1, text: 1, reasoning: 0 },
};

/** A mock model that calls `toolName` with `input` once, then answers "done". */
function callingModel(toolName: string, input: Record<string, unknown>): MockLanguageModelV4 {
  return new MockLanguageModelV4({
    doGenerate: [
      {
        content: [{ type: 'tool-call', toolCallId: 'call-1', toolName, input: JSON.stringify(input) }],
        finishReason: { unified: 'tool-calls', raw: undefined },
        usage,
        warnings: [],
      },
      {
        content: [{ type: 'text', text: 'done' }],
        finishReason: { unified: 'stop', raw: undefined },
        usage,
        warnings: [],
      },
    ],
  });
}

/** A generateText run whose mock model calls `call` once, with the tools of `client`. */
async function runCalling(
  client: MCPClient,
  call: { readonly name: string; readonly arguments: Record<string, unknown> },
  abortSignal?: AbortSignal,
) {
  return generateText({
    model: callingModel(call.name, call.arguments),
    tools: await client.tools(),
    prompt: 'Go on.',
    stopWhen: stepCountIs(2),
    ...(abortSignal ? { abortSignal } : {}),
  });
}

/** What the tool call of the run's first step gave: its output, or its error. */
function toolOutcome(result: {
  readonly steps: readonly { readonly content: readonly { type: string; output?: unknown; error?: unknown }[] }[];
}): { output?: unknown; error?: unknown } {
  const part = result.steps[0]?.content.find((item) => item.type === 'tool-result' || item.type === 'tool-error');
  if (part?.type === 'tool-result') return { output: part.output };
  if (part?.type === 'tool-error') return { error: part.error };
  throw new Error(`no tool outcome in ${JSON.stringify(result.steps[0]?.content)}`);
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
});

/** An @ai-sdk/mcp client of the bridge (in front of `fixture`) over `transport`. */
async function bridgedClient(
  transport: HostTransport,
  fixture: ReturnType<typeof fixtureOf>,
  capabilities: Record<string, unknown> = {},
): Promise<{ client: MCPClient; bridge?: HttpBridge }> {
  if (transport === 'stdio') {
    const client = await createMCPClient({
      transport: new Experimental_StdioMCPTransport(bridgeCommand(upstreamArgs(fixture))),
      capabilities,
    });
    cleanup.push(() => client.close());
    return { client };
  }
  const bridge = await startHttpBridge(upstreamArgs(fixture));
  cleanup.push(() => bridge.close());
  const client = await createMCPClient({ transport: { type: 'http', url: bridge.url.href }, capabilities });
  cleanup.push(() => client.close());
  return { client, bridge };
}

describe.each(GENERATIONS)('@ai-sdk/mcp in generateText, an upstream of MCP %s', (generation) => {
  it('a required task tool fails when the host calls the server directly', async () => {
    // The 2026 fixture's stdio bin speaks 2026-07-28 only, which @ai-sdk/mcp speaks over HTTP.
    const direct = generation === '2025-11-25' ? undefined : await startHttpTasksExtensionFixture();
    const fixture = fixtureOf(generation);
    cleanup.push(async () => {
      await fixture.close();
      await direct?.close();
    });
    const client = await createMCPClient({
      transport: direct
        ? { type: 'http', url: direct.url.href }
        : new Experimental_StdioMCPTransport({ command: fixture.command, args: [...fixture.args] }),
    });
    cleanup.push(() => client.close());
    const { quickTask } = fixture.tools;
    const result = await runCalling(client, quickTask);
    const outcome = toolOutcome(result);
    expect(outcome.error ?? (outcome.output as { isError?: boolean }).isError).toBeTruthy();
    expect(JSON.stringify(outcome)).not.toContain(quickTask.answer);
  });

  it.each(HOST_TRANSPORTS)('the same tool completes through the bridge over %s', async (transport) => {
    const fixture = fixtureOf(generation);
    cleanup.push(() => fixture.close());
    const { client } = await bridgedClient(transport, fixture);
    const { quickTask } = fixture.tools;
    const result = await runCalling(client, quickTask);
    const outcome = toolOutcome(result);
    expect(outcome.error).toBeUndefined();
    expect(outcome.output).toMatchObject({ content: [{ type: 'text', text: quickTask.answer }] });
    expect(result.text).toBe('done');
  });

  it.each(HOST_TRANSPORTS)("relays the server's elicitation to the host's handler over %s", async (transport) => {
    const fixture = fixtureOf(generation);
    cleanup.push(() => fixture.close());
    const { client } = await bridgedClient(transport, fixture, { elicitation: {} });
    const asked: string[] = [];
    client.onElicitationRequest(ElicitationRequestSchema, async (request) => {
      asked.push(request.params.message);
      return { action: 'accept', content: { name: 'Grace' } };
    });
    const { input } = fixture.tools;
    const result = await runCalling(client, input);
    expect(toolOutcome(result).output).toMatchObject({ content: [{ type: 'text', text: 'Hello, Grace' }] });
    expect(asked).toEqual(['What is your name?']);
  });

  it('aborting the run cancels the upstream task (HTTP: the request goes away)', async () => {
    await abortRunAndSeeCancelled('http', false);
  });

  it('over stdio, where @ai-sdk/mcp sends no cancellation, closing the client cancels the upstream task', async () => {
    await abortRunAndSeeCancelled('stdio', true);
  });

  /** Starts a run that calls the cancellable task through the bridge, aborts it once the task runs, and waits for the server to see it cancelled. */
  async function abortRunAndSeeCancelled(transport: HostTransport, thenClose: boolean): Promise<void> {
    const fixture = fixtureOf(generation);
    cleanup.push(() => fixture.close());
    const { client } = await bridgedClient(transport, fixture);
    const controller = new AbortController();
    const { cancellable } = fixture.tools;
    const run = runCalling(client, cancellable, controller.signal);
    run.catch(() => undefined);
    const task = await vi.waitFor(async () => {
      const found = (await fixture.inspector.tasks()).find((candidate) => candidate.tool === cancellable.name);
      if (found === undefined) throw new Error('the upstream task has not started yet');
      return found;
    }, UNTIL);
    controller.abort();
    await expect(run).rejects.toThrow();
    if (thenClose) await client.close();
    await vi.waitFor(async () => {
      const seen = (await fixture.inspector.tasks()).find((candidate) => candidate.taskId === task.taskId);
      expect(seen?.cancelRequested && seen.cancelObserved).toBe(true);
    }, UNTIL);
  }
});
