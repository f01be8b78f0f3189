// Canaries for the SDK members the toolset reaches beside the public API (sdk-seams.ts): each test
// fails the day an SDK release renames, drops or changes one, so CI (which also runs this file against
// the newest SDK the peer range allows) says so before a user does. Then: what the toolset does when
// one is missing, said once and still bounded, shown on a connected Client whose member is out of reach.
import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  Client,
  PROTOCOL_VERSION_META_KEY,
  StreamableHTTPClientTransport,
} from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { UserError } from '@toolwright/core';
import { startInMemoryFixture, startInMemoryTasksExtensionFixture, TASKS_EXTENSION } from '@toolwright/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod/v4';
import { MCPToolset } from '../mcp-toolset.ts';
import { ClientSeams, listenForTasks, replaceStdioReadBuffer, type SdkSeam, takeStdioChild } from './sdk-seams.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const CLIENT_INFO = { name: 'seam-test', version: '1.0.0' };
const WITH_TASKS = { elicitation: { form: { applyDefaults: true } }, extensions: { [TASKS_EXTENSION]: {} } };
const CLIENT_2026 = { capabilities: WITH_TASKS, versionNegotiation: { mode: { pin: '2026-07-28' } } } as const;

/** A Client connected to the 2026-07-28 fixture (in memory), declaring the tasks extension and elicitation. */
async function client2026(client = new Client(CLIENT_INFO, CLIENT_2026)) {
  const fixture = await startInMemoryTasksExtensionFixture();
  cleanups.push(() => fixture.close());
  await client.connect(new StreamableHTTPClientTransport(fixture.url, { fetch: fixture.fetch }));
  cleanups.push(() => client.close());
  return { client, fixture };
}

/** A Client connected to the 2025-11-25 fixture (in memory; `tasks: false` runs every tool inline). */
async function client2025(options: { tasks?: boolean } = {}) {
  const fixture = await startInMemoryFixture({ record: false, ...options });
  cleanups.push(() => fixture.close());
  const client = new Client(CLIENT_INFO, { capabilities: {} });
  await client.connect(fixture.clientTransport);
  cleanups.push(() => client.close());
  return client;
}

const declared = { clientInfo: CLIENT_INFO, capabilities: WITH_TASKS };

describe('the SDK members the toolset reaches (canaries)', () => {
  it('are all there in this SDK, so nothing falls back', async () => {
    const { client } = await client2026();
    expect(new ClientSeams(client, declared, new Map()).missing).toEqual([]);
  });

  it("Client._outboundMetaEnvelope: the envelope of the SDK's own requests on 2026-07-28, none on 2025-11-25", async () => {
    const { client } = await client2026();
    expect(new ClientSeams(client, declared, new Map()).envelope()).toEqual({
      [PROTOCOL_VERSION_META_KEY]: '2026-07-28',
      [CLIENT_INFO_META_KEY]: CLIENT_INFO,
      [CLIENT_CAPABILITIES_META_KEY]: WITH_TASKS,
    });
    const legacy = await client2025();
    expect(new ClientSeams(legacy, declared, new Map()).envelope()).toBeUndefined();
  });

  it("Client._getRequestHandler: the SDK's own handler chain, validation and form defaults included", async () => {
    const { client } = await client2026();
    client.setRequestHandler('elicitation/create', async () => ({ action: 'accept', content: {} }));
    const seams = new ClientSeams(client, declared, new Map());
    expect(seams.requestHandler('sampling/createMessage')).toBeUndefined();
    const handler = seams.requestHandler('elicitation/create');
    const request = {
      jsonrpc: '2.0',
      id: 'k',
      method: 'elicitation/create',
      params: {
        mode: 'form',
        message: 'Your name?',
        requestedSchema: { type: 'object', properties: { name: { type: 'string', default: 'Ada' } } },
      },
    };
    const context = seams.handlerContext({
      mcpReq: { id: 'k', method: 'elicitation/create', signal: AbortSignal.timeout(5_000) },
    });
    // The handler answered without the field: the SDK's chain filled in the schema's default.
    expect(await handler?.(request, context)).toEqual({ action: 'accept', content: { name: 'Ada' } });
    // A result the method's schema refuses is refused by the chain, as for a request off the wire.
    client.setRequestHandler('elicitation/create', async () => ({ action: 'maybe' }) as never);
    await expect(seams.requestHandler('elicitation/create')?.(request, context)).rejects.toThrow();
  });

  it('Client.buildContext: the extension point a Client subclass overrides shapes the context of embedded input', async () => {
    class TracingClient extends Client {
      protected override buildContext(...args: Parameters<Client['buildContext']>) {
        return { ...super.buildContext(...args), traced: true };
      }
    }
    const { client } = await client2026(new TracingClient(CLIENT_INFO, CLIENT_2026));
    const context = new ClientSeams(client, declared, new Map()).handlerContext({ mcpReq: { id: 'k' } });
    expect(context).toMatchObject({ mcpReq: { id: 'k' }, traced: true });
  });

  it("Client._onprogress: an app's onprogress on a Client it shares with the toolset still gets its progress", async () => {
    const client = await client2025({ tasks: false });
    await using toolset = new MCPToolset(client, { id: 'shared' });
    await toolset.open();
    const updates: number[] = [];
    const result = await client.callTool(
      { name: 'progress_task', arguments: { steps: 2, stepMs: 5 } },
      { onprogress: (progress) => updates.push(progress.progress) },
    );
    expect(result.content).toEqual([{ type: 'text', text: 'finished 2 steps' }]);
    expect(updates).toEqual([1, 2]);
  });

  it("StdioClientTransport._readBuffer: a stdio transport's read buffer can be replaced before it starts", () => {
    const transport = new StdioClientTransport({ command: process.execPath, args: ['-e', ''] });
    const replacement = { append: () => undefined, readMessage: () => null, clear: () => undefined };
    expect(replaceStdioReadBuffer(transport, replacement)).toBe(true);
    // That the replacement repairs over stdio is shown end to end by hostile-servers.test.ts.
    expect(replaceStdioReadBuffer({ start: async () => undefined } as never, replacement)).toBe(false);
  });

  it("StdioClientTransport._process: a started stdio transport's child can be taken for the close", async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['-e', 'process.stdin.resume(); process.stdin.on("end", () => process.exit(0));'],
    });
    expect(takeStdioChild(transport)).toBeUndefined();
    await transport.start();
    const pid = transport.pid;
    const taken = takeStdioChild(transport);
    expect(taken?.child.pid).toBe(pid);
    expect(transport.pid).toBeNull();
    const exited = new Promise((resolve) => taken?.child.once('exit', resolve));
    taken?.child.stdin?.end();
    expect(await exited).toBe(0);
    taken?.clearReadBuffer();
  });

  it("Client.listen: the SDK sends the filter's taskIds as given, though its type lacks them", async () => {
    const { client, fixture } = await client2026();
    // The SDK refuses the task as an answer (sdk-gaps.test.ts); the server made the task all the same.
    await client
      .request({ method: 'tools/call', params: { name: 'slow_task', arguments: { delayMs: 5_000 } } }, z.unknown())
      .catch(() => undefined);
    const taskId = (await fixture.inspector.calls())[0]?.taskId as string;
    expect(taskId).toEqual(expect.any(String));
    const subscription = await listenForTasks(client, [taskId]);
    expect(await fixture.inspector.listens()).toEqual([{ requested: [taskId], agreed: [taskId] }]);
    await subscription.close();
  });
});

/**
 * A connected client whose members `hidden` the toolset cannot see, as in an SDK release that renamed
 * them; the SDK's own code still reaches them (its methods run on the client itself).
 */
function hiding(client: Client, hidden: readonly string[]): Client {
  return new Proxy(client, {
    get(target, property) {
      if (typeof property === 'string' && hidden.includes(property)) return undefined;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** The toolset's process warnings about missing SDK members, as they are emitted. */
function seamWarnings(): { readonly seams: () => string[] } {
  const warnings: Error[] = [];
  const listener = (warning: Error) => warnings.push(warning);
  process.on('warning', listener);
  cleanups.push(async () => process.off('warning', listener));
  return {
    seams: () =>
      warnings
        .filter((warning) => (warning as Error & { code?: string }).code === 'TOOLWRIGHT_SDK_SEAM')
        .map((warning) => /has no (\S+),/.exec(warning.message)?.[1] ?? warning.message),
  };
}

describe('an SDK without one of those members', () => {
  it('says so once, at open, naming the member and what the toolset does instead', async () => {
    const warnings = seamWarnings();
    const hidden: SdkSeam[] = ['Client._onprogress'];
    for (const id of ['first', 'second']) {
      const client = await client2025();
      await using toolset = new MCPToolset(hiding(client, ['_onprogress']), { id });
      await toolset.open();
      await vi.waitFor(() => expect(warnings.seams()).toEqual(hidden));
    }
    expect(warnings.seams()).toEqual(hidden);
  });

  it("keeps the toolset's own progress without Client._onprogress", async () => {
    const client = await client2025();
    await using toolset = new MCPToolset(hiding(client, ['_onprogress']), { id: 'no-progress-seam' });
    await toolset.open();
    const progress: number[] = [];
    const handle = await toolset.startTask('progress_task', { steps: 2, stepMs: 5 });
    handle.on((event) => {
      if (event.type === 'progress') progress.push(event.progress);
    });
    await handle.result();
    expect(progress.length).toBeGreaterThan(0);
  });

  it('composes the 2026-07-28 envelope itself without Client._outboundMetaEnvelope, and the task still runs', async () => {
    const warnings = seamWarnings();
    const { client, fixture } = await client2026();
    await using toolset = new MCPToolset(hiding(client, ['_outboundMetaEnvelope']), { id: 'no-envelope-seam' });
    await toolset.open();
    await vi.waitFor(() => expect(warnings.seams()).toContain('Client._outboundMetaEnvelope'));
    expect(await toolset.directCallTool('slow_task', { delayMs: 10, value: 'x' }, { useTask: true })).toBe('done: x');
    const [call] = await fixture.inspector.calls();
    expect(call).toMatchObject({ answer: 'task' });
    expect(call?.declaredCapabilities).toMatchObject({ extensions: { [TASKS_EXTENSION]: {} } });
  });

  it("answers embedded input with the toolset's own handlers without Client._getRequestHandler", async () => {
    const { client } = await client2026();
    const own = new Map([['elicitation/create', async () => ({ action: 'accept', content: { name: 'own' } })]]);
    const seams = new ClientSeams(hiding(client, ['_getRequestHandler']), declared, own);
    expect(seams.missing).toEqual(['Client._getRequestHandler']);
    expect(await seams.requestHandler('elicitation/create')?.({}, {})).toEqual({
      action: 'accept',
      content: { name: 'own' },
    });
    expect(seams.requestHandler('sampling/createMessage')).toBeUndefined();
  });

  it("cancels a task whose input a connected Client's own handler would answer, with a UserError, without Client._getRequestHandler", async () => {
    const warnings = seamWarnings();
    const { client, fixture } = await client2026();
    client.setRequestHandler('elicitation/create', async () => ({ action: 'accept', content: { name: 'app' } }));
    await using toolset = new MCPToolset(hiding(client, ['_getRequestHandler']), { id: 'no-handler-seam' });
    await toolset.open();
    await vi.waitFor(() => expect(warnings.seams()).toContain('Client._getRequestHandler'));
    const error = await toolset.directCallTool('input_task', {}, { useTask: true }).catch((caught: unknown) => caught);
    expect(UserError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/needs input \(elicitation\/create\)/);
    const taskId = (await fixture.inspector.calls())[0]?.taskId as string;
    await vi.waitFor(async () => expect(await fixture.inspector.cancelsReceived()).toEqual([taskId]));
  });

  it('gives handlers the context it builds without Client.buildContext', async () => {
    const { client } = await client2026();
    const seams = new ClientSeams(hiding(client, ['buildContext']), declared, new Map());
    expect(seams.missing).toEqual(['Client.buildContext']);
    const base = { mcpReq: { id: 'k' } };
    expect(seams.handlerContext(base)).toBe(base);
  });
});
