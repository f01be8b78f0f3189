import { Client, StreamableHTTPClientTransport, specTypeSchemas } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod/v4';
import {
  cancelTask,
  createTask,
  delay,
  getTask,
  getTaskResult,
  isAlive,
  listTasks,
  listToolsPage,
  onTaskStatus,
  runCleanups,
  streamTask,
  transports,
} from './test-clients.ts';
import { startHttpFixture, stdioFixture } from './transports.ts';

const RAW = z.unknown();

afterEach(runCleanups);

describe.each(transports)('fixture server over $name', ({ connect }) => {
  it('declares each kind of task support, and none for the plain tools', async () => {
    const { client } = await connect();
    const { tools } = await listToolsPage(client);
    const support = (name: string) => tools.find((tool) => tool.name === name)?.execution;
    expect(support('slow_task')).toEqual({ taskSupport: 'required' });
    expect(support('optional_task')).toEqual({ taskSupport: 'optional' });
    expect(support('forbidden_tool')).toEqual({ taskSupport: 'forbidden' });
    expect(tools.find((tool) => tool.name === 'echo')).not.toHaveProperty('execution');
    expect(client.getServerCapabilities()?.tasks).toMatchObject({
      list: {},
      cancel: {},
      requests: { tools: { call: {} } },
    });
  });

  it('runs a required task to its result and records the call', async () => {
    const { client, inspector } = await connect({ pollInterval: 20 });
    const { taskId, final } = await streamTask(client, 'slow_task', { value: 'x', delayMs: 10 });
    expect(final).toMatchObject({ type: 'result', result: { content: [{ type: 'text', text: 'done: x' }] } });
    expect((await inspector.task(taskId))?.status).toBe('completed');
    expect(await inspector.calls()).toEqual([
      { tool: 'slow_task', arguments: { value: 'x', delayMs: 10 }, meta: undefined, asTask: true },
    ]);
  });

  it('says whether the optional task ran as a task', async () => {
    const { client } = await connect({ pollInterval: 20 });
    const inline = await client.callTool({ name: 'optional_task', arguments: {} });
    expect(inline.structuredContent).toEqual({ ranAsTask: false });
    const { final } = await streamTask(client, 'optional_task', {});
    expect(final).toMatchObject({ type: 'result', result: { structuredContent: { ranAsTask: true } } });
  });

  it('refuses a task for a forbidden tool and a plain call of a required one (-32601)', async () => {
    const { client } = await connect();
    await expect(
      client.request({ method: 'tools/call', params: { name: 'forbidden_tool', arguments: {}, task: {} } }, RAW),
    ).rejects.toMatchObject({ code: -32601 });
    await expect(
      client.request({ method: 'tools/call', params: { name: 'slow_task', arguments: {} } }, RAW),
    ).rejects.toMatchObject({ code: -32601 });
  });

  it('reports progress per step with status messages, and status notifications', async () => {
    const { client } = await connect({ pollInterval: 20 });
    const notified: string[] = [];
    onTaskStatus(client, (params) => {
      notified.push(`${params.status}:${params.statusMessage ?? ''}`);
    });
    const progress: unknown[] = [];
    const created = await createTask(
      client,
      'progress_task',
      { steps: 3, stepMs: 10 },
      {
        onprogress: (update) => progress.push([update.progress, update.total, update.message]),
      },
    );
    await expect.poll(() => notified.at(-1)).toMatch(/^completed/);
    expect(progress).toEqual([
      [1, 3, 'step 1 of 3'],
      [2, 3, 'step 2 of 3'],
      [3, 3, 'step 3 of 3'],
    ]);
    expect(notified).toContain('working:step 2 of 3');
    expect((await getTask(client, created.task.taskId)).statusMessage).toBe('step 3 of 3');
  });

  it('sends no status notification when told not to', async () => {
    const { client } = await connect({ pollInterval: 20, statusNotifications: false });
    let notified = 0;
    onTaskStatus(client, () => {
      notified++;
    });
    const { final } = await streamTask(client, 'slow_task', { delayMs: 10 });
    expect(final.type).toBe('result');
    expect(notified).toBe(0);
  });

  it('sends no status notification when told not to, not even when input_task goes input_required', async () => {
    const { client, wire } = await connect({ pollInterval: 20, statusNotifications: false });
    const created = await createTask(client, 'input_task');
    const result = await getTaskResult(client, created.task.taskId);
    expect(result.content).toEqual([{ type: 'text', text: 'Hello, Ada' }]);
    await delay(100);
    expect(wire.filter((message) => 'method' in message && message.method === 'notifications/tasks/status')).toEqual(
      [],
    );
  });

  it('without task support, runs a call carrying a task param inline, as the spec requires', async () => {
    const { client, inspector } = await connect({ tasks: false });
    const answer = await client.request(
      { method: 'tools/call', params: { name: 'slow_task', arguments: { value: 'inline', delayMs: 1 }, task: {} } },
      specTypeSchemas.CallToolResult,
    );
    expect(answer.content).toEqual([{ type: 'text', text: 'done: inline' }]);
    expect(await inspector.tasks()).toEqual([]);
  });

  it('with listTasks: false, answers tasks/list with -32601 and declares no tasks.list', async () => {
    const { client } = await connect({ listTasks: false });
    expect(client.getServerCapabilities()?.tasks).not.toHaveProperty('list');
    await createTask(client, 'slow_task');
    await expect(client.request({ method: 'tasks/list', params: {} }, RAW)).rejects.toMatchObject({ code: -32601 });
  });

  it('delivers a list_changed sent right after initialize (over HTTP, before the GET stream opened)', async () => {
    let changed = 0;
    await connect({ listChangedOnInitialize: true }, (client) =>
      client.setNotificationHandler('notifications/tools/list_changed', () => {
        changed++;
      }),
    );
    await expect.poll(() => changed).toBe(1);
  });

  it('fails a task with a status message and an isError result', async () => {
    const { client } = await connect({ pollInterval: 20 });
    const { taskId } = await streamTask(client, 'failing_task', { message: 'disk full' });
    const task = await getTask(client, taskId);
    expect(task).toMatchObject({ status: 'failed', statusMessage: 'disk full' });
    const result = await getTaskResult(client, taskId);
    expect(result).toMatchObject({ isError: true, content: [{ type: 'text', text: 'disk full' }] });
  });

  it('notices cancellation and records it', async () => {
    const { client, inspector } = await connect();
    const created = await createTask(client, 'cancellable_task', { durationMs: 10_000 });
    const { taskId } = created.task;
    const cancelled = await cancelTask(client, taskId);
    expect(cancelled.status).toBe('cancelled');
    expect(await inspector.cancelsReceived()).toEqual([taskId]);
    await expect.poll(async () => (await inspector.task(taskId))?.cancelObserved).toBe(true);
  });

  it('asks for input through elicitation while input_required, then uses it', async () => {
    const { client } = await connect({ pollInterval: 20 });
    const created = await createTask(client, 'input_task');
    const result = await getTaskResult(client, created.task.taskId);
    expect(result.content).toEqual([{ type: 'text', text: 'Hello, Ada' }]);
  });

  it('returns every content kind', async () => {
    const { client } = await connect();
    const kinds = async (name: string) =>
      (await client.callTool({ name, arguments: {} })).content as { type: string }[];
    expect((await kinds('image_result'))[0]).toMatchObject({ type: 'image', mimeType: 'image/png' });
    expect((await kinds('audio_result'))[0]).toMatchObject({ type: 'audio', mimeType: 'audio/wav' });
    expect((await kinds('resource_link_result'))[0]).toMatchObject({
      type: 'resource_link',
      uri: 'file:///reports/q3.txt',
    });
    expect((await kinds('embedded_resource_result'))[0]).toMatchObject({
      type: 'resource',
      resource: { text: '# Notes' },
    });
    expect((await kinds('multi_content')).map((part) => part.type)).toEqual(['text', 'text', 'image']);
    expect(await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } })).toMatchObject({
      structuredContent: { result: 5 },
    });
  });

  it('pages a generated tool list and announces list changes', async () => {
    const { client, changeTools } = await connect({ generatedTools: 25, pageSize: 10 });
    const first = await listToolsPage(client);
    expect(first.tools).toHaveLength(10);
    expect(first.nextCursor).toBeDefined();
    let total = first.tools.length;
    let cursor = first.nextCursor;
    while (cursor !== undefined) {
      const page = await listToolsPage(client, cursor);
      total += page.tools.length;
      cursor = page.nextCursor;
    }
    expect(total).toBeGreaterThan(25);
    let changed = 0;
    client.setNotificationHandler('notifications/tools/list_changed', () => {
      changed++;
    });
    await changeTools();
    await expect.poll(() => changed).toBe(1);
  });

  it('misbehaves as documented', async () => {
    const { client } = await connect({ pollInterval: 20, misbehaving: true });
    const call = (name: string, args: Record<string, unknown> = {}) =>
      client.request({ method: 'tools/call', params: { name, arguments: args, task: {} } }, RAW) as Promise<
        Record<string, unknown>
      >;
    expect(await call('bad_create_result', { kind: 'missing-task' })).not.toHaveProperty('task');
    expect(await call('bad_create_result', { kind: 'bad-status' })).toMatchObject({ task: { status: 'finished' } });
    expect(await call('bad_create_result', { kind: 'task-id-not-string' })).toMatchObject({ task: { taskId: 42 } });
    const paused = (await call('bad_status_task')).task as { taskId: string };
    expect(await client.request({ method: 'tasks/get', params: { taskId: paused.taskId } }, RAW)).toMatchObject({
      status: 'paused',
    });
    const failing = (await call('result_error_task')).task as { taskId: string };
    await expect(
      client.request({ method: 'tasks/result', params: { taskId: failing.taskId } }, RAW),
    ).rejects.toMatchObject({ code: -32603 });
    const listed = (await client.request({ method: 'tools/list', params: {} }, RAW)) as {
      tools: Record<string, unknown>[];
    };
    const proto = listed.tools.find((tool) => tool.name === 'proto_keys') as { _meta: object; annotations: object };
    expect(Object.hasOwn(proto._meta, '__proto__')).toBe(true);
    expect(Object.hasOwn(proto.annotations, 'constructor')).toBe(true);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('answers rpc_error_tool with a JSON-RPC error, and keeps never_finishes working until cancelled', async () => {
    const { client, inspector } = await connect({ pollInterval: 20, misbehaving: true });
    await expect(client.callTool({ name: 'rpc_error_tool', arguments: {} })).rejects.toMatchObject({ code: -32602 });
    const { taskId } = (await createTask(client, 'never_finishes')).task;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await getTask(client, taskId)).status).toBe('working');
    await cancelTask(client, taskId);
    await expect.poll(async () => (await inspector.task(taskId))?.cancelObserved).toBe(true);
  });

  it('lists the tasks it holds, page by page', async () => {
    const { client } = await connect({ pollInterval: 20 });
    const created = await Promise.all(Array.from({ length: 12 }, () => createTask(client, 'cancellable_task')));
    const listed: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listTasks(client, cursor);
      listed.push(...page.tasks.map((task) => task.taskId));
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    expect(listed.sort()).toEqual(created.map((entry) => entry.task.taskId).sort());
    await Promise.all(created.map((entry) => cancelTask(client, entry.task.taskId)));
  });

  it('sends stale and unknown status notifications after an out-of-order task completes', async () => {
    const { client } = await connect({ pollInterval: 20, misbehaving: true });
    const seen: string[] = [];
    onTaskStatus(client, (params) => {
      seen.push(`${params.taskId === 'no-such-task' ? 'unknown' : 'own'}:${params.status}`);
    });
    await createTask(client, 'out_of_order_task');
    await expect.poll(() => seen).toEqual(['own:completed', 'unknown:completed', 'own:working']);
  });
});

describe('fixture processes and ports', () => {
  it('leaves no stdio child behind, and the child dies with dies_mid_task', async () => {
    const fixture = stdioFixture({ misbehaving: true });
    const transport = new StdioClientTransport({ command: fixture.command, args: fixture.args, stderr: 'ignore' });
    const client = new Client({ name: 'fixture-test', version: '1' });
    await client.connect(transport);
    const pid = transport.pid as number;
    expect(isAlive(pid)).toBe(true);
    await client.close();
    await expect.poll(() => isAlive(pid)).toBe(false);
    await fixture.close();

    const dying = stdioFixture({ misbehaving: true });
    const dyingTransport = new StdioClientTransport({ command: dying.command, args: dying.args, stderr: 'ignore' });
    const dyingClient = new Client({ name: 'fixture-test', version: '1' });
    let closed = false;
    dyingClient.onclose = () => {
      closed = true;
    };
    await dyingClient.connect(dyingTransport);
    await createTask(dyingClient, 'dies_mid_task');
    await expect.poll(() => closed).toBe(true);
    await expect.poll(() => isAlive(dyingTransport.pid as number)).toBe(false);
    await dying.close();
  });

  it('records every process started from one command line, and can exit on a request before initialize', async () => {
    await using fixture = stdioFixture({ exitBeforeInitialize: true });
    const server = { command: fixture.command, args: fixture.args, stderr: 'ignore' as const };
    // The raw JSON-RPC a probing client sends first: the server ends at once, as some SDKs' servers do.
    const probing = new StdioClientTransport(server);
    let closed = false;
    probing.onclose = () => {
      closed = true;
    };
    await probing.start();
    const probed = probing.pid as number;
    await probing.send({ jsonrpc: '2.0', id: 'probe', method: 'server/discover', params: {} });
    await expect.poll(() => closed, { timeout: 10_000 }).toBe(true);
    await expect.poll(() => isAlive(probed), { timeout: 10_000 }).toBe(false);
    // A client that begins with initialize is served; each process left its start in the log.
    const client = new Client({ name: 'fixture-test', version: '1' });
    const transport = new StdioClientTransport(server);
    await client.connect(transport);
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    const starts = await fixture.starts();
    expect(starts.map((start) => start.pid)).toEqual([probed, transport.pid]);
    expect(starts[1]?.at).toBeGreaterThan(starts[0]?.at ?? Number.POSITIVE_INFINITY);
    expect(await fixture.pid()).toBe(transport.pid);
    await client.close();
  });

  it('frees the HTTP port on close, and drops every connection when the server dies', async () => {
    const fixture = await startHttpFixture({ misbehaving: true });
    const client = new Client({ name: 'fixture-test', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(fixture.url));
    await createTask(client, 'dies_mid_task');
    await expect.poll(() => refuses(fixture.url)).toBe(true);
    await client.close().catch(() => undefined);
    await fixture.close();

    const other = await startHttpFixture();
    await other.close();
    expect(await refuses(other.url)).toBe(true);
  });
});

async function refuses(url: URL): Promise<boolean> {
  try {
    await fetch(url, { method: 'GET', signal: AbortSignal.timeout(1_000) });
    return false;
  } catch {
    return true;
  }
}
