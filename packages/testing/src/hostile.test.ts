import { spawnSync } from 'node:child_process';
import { Client, type JSONRPCMessage, SdkErrorCode, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod/v4';
import type { WireScript } from './fixture-server.ts';
import { ANOTHER_TASK_ID } from './misbehaving.ts';
import { fromArgs, toArgs } from './options.ts';
import {
  cancelTask,
  cleanups,
  createTask,
  delay,
  getTask,
  getTaskResult,
  isAlive,
  listTasks,
  listToolsPage,
  rawPeers,
  runCleanups,
  transports,
} from './test-clients.ts';
import { startHttpFixture, startInMemoryFixture, stdioFixture } from './transports.ts';

const LOOSE = z.looseObject({});

afterEach(runCleanups);

const statusNotifications = (wire: JSONRPCMessage[]) =>
  wire.filter(
    (message): message is JSONRPCMessage & { params: { taskId: string; status: string; lastUpdatedAt: string } } =>
      'method' in message && message.method === 'notifications/tasks/status',
  );

describe.each(transports)('hostile fixture over $name', ({ name, connect }) => {
  it('storms list_changed from initialize on, then stops; and on demand through list_changed_storm', async () => {
    let changed = 0;
    const { client } = await connect(
      { misbehaving: true, listChangedStorm: { intervalMs: 10, durationMs: 300 } },
      (c) =>
        c.setNotificationHandler('notifications/tools/list_changed', () => {
          changed++;
        }),
    );
    await expect.poll(() => changed, { timeout: 5_000 }).toBeGreaterThanOrEqual(5);
    await delay(500);
    const settled = changed;
    await delay(300);
    expect(changed).toBe(settled);
    expect(changed).toBeLessThanOrEqual(31);
    await client.callTool({ name: 'list_changed_storm', arguments: { intervalMs: 10, durationMs: 200 } });
    await expect.poll(() => changed - settled, { timeout: 5_000 }).toBeGreaterThanOrEqual(5);
    // Calls still work during a storm; the tool list stays the same.
    expect((await client.callTool({ name: 'echo', arguments: { text: 'still here' } })).content).toEqual([
      { type: 'text', text: 'still here' },
    ]);
  });

  it('answers tools/list late and counts every tools/list it received', async () => {
    const { client, inspector } = await connect({ listToolsDelayMs: 300 });
    const started = performance.now();
    const [first, second] = await Promise.all([listToolsPage(client), listToolsPage(client)]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    expect(first.tools.length).toBe(second.tools.length);
    const received = await inspector.received('tools/list');
    expect(received).toHaveLength(2);
    expect(received[0]?.at).toBeLessThanOrEqual(received[1]?.at ?? 0);
    expect(received[0]?.id).not.toBe(received[1]?.id);
  });

  it('sends list_changed during the first N listings', async () => {
    const { client, wire } = await connect({ listChangedDuringListing: 1 });
    const changes = () =>
      wire.filter((message) => 'method' in message && message.method === 'notifications/tools/list_changed').length;
    await listToolsPage(client);
    await expect.poll(changes).toBe(1);
    if (name !== 'http') {
      // On one stream, the notification arrives before the listing's answer.
      const changedAt = wire.findIndex((message) => 'method' in message && message.method.endsWith('list_changed'));
      const listedAt = wire.findIndex((message) => 'result' in message && 'tools' in (message.result as object));
      expect(changedAt).toBeLessThan(listedAt);
    }
    await listToolsPage(client);
    await delay(100);
    expect(changes()).toBe(1);
  });

  it('answers the failing methods with a JSON-RPC error at once', async () => {
    const { client, inspector } = await connect({ failingMethods: ['tools/list', 'tasks/get'] });
    const started = performance.now();
    await expect(listToolsPage(client)).rejects.toMatchObject({ code: -32603 });
    const created = await createTask(client, 'slow_task', { delayMs: 1 });
    await expect(getTask(client, created.task.taskId)).rejects.toMatchObject({ code: -32603 });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(await inspector.received('tools/list')).toHaveLength(1);
  });

  it('never ends tools/list or tasks/list with endless pages', async () => {
    const { client } = await connect({ endlessToolPages: true, endlessTaskPages: true, pageSize: 5 });
    const names: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const listed = await listToolsPage(client, cursor);
      names.push(...listed.tools.map((tool) => tool.name));
      expect(listed.nextCursor).toBeDefined();
      cursor = listed.nextCursor;
    }
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('echo');
    expect(names.filter((each) => each.startsWith('endless_')).length).toBeGreaterThanOrEqual(25);
    let taskCursor: string | undefined;
    const taskIds = new Set<string>();
    for (let page = 0; page < 5; page++) {
      const listed = await listTasks(client, taskCursor);
      for (const task of listed.tasks) taskIds.add(task.taskId);
      expect(listed.nextCursor).toBeDefined();
      taskCursor = listed.nextCursor;
    }
    expect(taskIds.size).toBe(40);
  });

  it('answers an instant task with its terminal state and sends no status notification', async () => {
    const { client, wire } = await connect({ misbehaving: true, pollInterval: 60_000 });
    const created = await createTask(client, 'instant_task');
    expect(created.task.status).toBe('completed');
    const result = await getTaskResult(client, created.task.taskId);
    expect(result.content).toEqual([{ type: 'text', text: 'instant' }]);
    expect(statusNotifications(wire)).toEqual([]);
  });

  it.each(['before', 'after'] as const)(
    'sends early_status_task its completed notification %s the CreateTaskResult',
    async (order) => {
      const { client, wire } = await connect({ misbehaving: true, pollInterval: 60_000 });
      const created = await createTask(client, 'early_status_task', { order });
      expect(created.task.status).toBe('working');
      await expect.poll(() => statusNotifications(wire).length).toBe(1);
      const answerAt = wire.findIndex((message) => 'result' in message && 'task' in (message.result as object));
      const notificationAt = wire.findIndex(
        (message) => 'method' in message && message.method === 'notifications/tasks/status',
      );
      // Over HTTP a notification after the answer travels on the GET stream: the two streams keep no common order.
      if (name !== 'http' || order === 'before') {
        expect(notificationAt < answerAt).toBe(order === 'before');
        expect(Math.abs(notificationAt - answerAt)).toBe(1);
      }
      expect(statusNotifications(wire)[0]?.params).toMatchObject({ taskId: created.task.taskId, status: 'completed' });
    },
  );

  it('holds back the CreateTaskResult of slow_create_task while the task exists, and records its cancel', async () => {
    const { client, inspector } = await connect({ misbehaving: true });
    const started = performance.now();
    const pending = createTask(client, 'slow_create_task', { createDelayMs: 500 });
    await expect.poll(async () => (await inspector.tasks()).length).toBe(1);
    const [held] = await inspector.tasks();
    expect(held).toMatchObject({ tool: 'slow_create_task', status: 'working' });
    const created = await pending;
    expect(performance.now() - started).toBeGreaterThanOrEqual(400);
    expect(created.task.taskId).toBe(held?.taskId);
    await cancelTask(client, created.task.taskId);
    expect(await inspector.cancelsReceived()).toEqual([created.task.taskId]);
    await expect.poll(async () => (await inspector.task(created.task.taskId))?.cancelObserved).toBe(true);
  });

  it('answers tasks/get of wrong_id_task with another task id', async () => {
    const { client } = await connect({ misbehaving: true });
    const created = await createTask(client, 'wrong_id_task');
    const got = (await client.request({ method: 'tasks/get', params: { taskId: created.task.taskId } }, LOOSE)) as {
      taskId: string;
    };
    expect(got.taskId).toBe(ANOTHER_TASK_ID);
  });

  it('fails the first N tasks/get of flaky_get_task, then answers', async () => {
    const { client, inspector } = await connect({ misbehaving: true });
    const created = await createTask(client, 'flaky_get_task', { failures: 2, delayMs: 1 });
    const { taskId } = created.task;
    for (let attempt = 0; attempt < 2; attempt++)
      await expect(getTask(client, taskId)).rejects.toMatchObject({ code: -32603 });
    await expect.poll(async () => (await getTask(client, taskId)).status).toBe('completed');
    expect(
      (await inspector.received('tasks/get')).filter((message) => message.taskId === taskId).length,
    ).toBeGreaterThanOrEqual(3);
  });

  it('never answers silent_tool, nor the methods told to stay unanswered', async () => {
    const { client, inspector } = await connect({ misbehaving: true, unansweredMethods: ['tasks/get'] });
    await expect(client.callTool({ name: 'silent_tool', arguments: {} }, { timeout: 300 })).rejects.toMatchObject({
      code: SdkErrorCode.RequestTimeout,
    });
    expect((await inspector.calls()).map((call) => call.tool)).toEqual(['silent_tool']);
    const created = await createTask(client, 'slow_task', { delayMs: 1 });
    await expect(
      client.request({ method: 'tasks/get', params: { taskId: created.task.taskId } }, LOOSE, { timeout: 300 }),
    ).rejects.toMatchObject({ code: SdkErrorCode.RequestTimeout });
    expect(await inspector.received('tasks/get')).toHaveLength(1);
  });

  it('words its answer for a task it does not hold as told, and answers the tasks it holds as usual', async () => {
    const unknownTaskError = { code: -32602, message: 'No such task exists', dataTaskId: true };
    const { client } = await connect({ unknownTaskError });
    for (const method of ['tasks/get', 'tasks/result', 'tasks/cancel']) {
      await expect(
        client.request({ method, params: { taskId: 'never-made' } } as never, LOOSE, { timeout: 5_000 }),
      ).rejects.toMatchObject({
        code: -32602,
        message: expect.stringContaining('No such task exists'),
        data: { taskId: 'never-made' },
      });
    }
    const created = await createTask(client, 'slow_task', { delayMs: 1 });
    await expect.poll(async () => (await getTask(client, created.task.taskId)).status).toBe('completed');
    expect((await getTaskResult(client, created.task.taskId)).content).toEqual([{ type: 'text', text: 'done: ' }]);
  });

  it('answers large_result with one text of the size asked for', async () => {
    const { client } = await connect({ misbehaving: true });
    const result = await client.callTool({ name: 'large_result', arguments: { bytes: 300_000 } });
    expect((result.content as { text: string }[])[0]?.text).toHaveLength(300_000);
  });

  it('runs the clock of future_clock_task ten minutes ahead everywhere', async () => {
    const { client, wire } = await connect({ misbehaving: true });
    const created = await createTask(client, 'future_clock_task', { delayMs: 1 });
    const ahead = (iso: string) => Date.parse(iso) - Date.now();
    expect(ahead(created.task.lastUpdatedAt)).toBeGreaterThan(500_000);
    await expect.poll(() => statusNotifications(wire).length).toBeGreaterThanOrEqual(1);
    for (const notification of statusNotifications(wire))
      expect(ahead(notification.params.lastUpdatedAt)).toBeGreaterThan(500_000);
    const got = await getTask(client, created.task.taskId);
    expect(ahead(got.createdAt)).toBeGreaterThan(500_000);
  });

  it('relapses: after completed, a newer working notification and a working tasks/get', async () => {
    const { client, wire } = await connect({ misbehaving: true });
    const created = await createTask(client, 'relapse_task');
    const { taskId } = created.task;
    await expect
      .poll(() => statusNotifications(wire).map((message) => message.params.status))
      .toEqual(['completed', 'working']);
    const [completed, working] = statusNotifications(wire);
    expect(Date.parse(working?.params.lastUpdatedAt ?? '')).toBeGreaterThan(
      Date.parse(completed?.params.lastUpdatedAt ?? ''),
    );
    expect((await getTask(client, taskId)).status).toBe('completed');
    expect((await getTask(client, taskId)).status).toBe('working');
  });

  it.each(['early', 'error'] as const)(
    'answers a held-open tasks/result at once (%s), timestamped in the inspector',
    async (mode) => {
      const { client, inspector } = await connect({ misbehaving: true });
      const created = await createTask(client, 'early_result_task', { mode });
      const { taskId } = created.task;
      await expect.poll(async () => (await getTask(client, taskId)).status).toBe('input_required');
      const started = performance.now();
      const fetchResult = () => client.request({ method: 'tasks/result', params: { taskId } }, LOOSE);
      if (mode === 'early') {
        expect(await fetchResult()).toMatchObject({ content: [] });
        expect(await fetchResult()).toMatchObject({ content: [] });
      } else {
        await expect(fetchResult()).rejects.toMatchObject({ code: -32603 });
        await expect(fetchResult()).rejects.toMatchObject({ code: -32603 });
      }
      expect(performance.now() - started).toBeLessThan(5_000);
      const requests = (await inspector.received('tasks/result')).filter((message) => message.taskId === taskId);
      expect(requests).toHaveLength(2);
      expect(requests[1]?.at).toBeGreaterThanOrEqual(requests[0]?.at ?? Number.POSITIVE_INFINITY);
      expect((await getTask(client, taskId)).status).toBe('input_required');
      await cancelTask(client, taskId);
    },
  );

  it('stops answering with hangs_task, and a stdio child still ends with its stdin', async () => {
    const { client, pid, inspector } = await connect({ misbehaving: true, pollInterval: 20 });
    await createTask(client, 'hangs_task', { afterMs: 10 });
    await delay(100);
    await expect(listToolsPage(client, undefined, { timeout: 300 })).rejects.toMatchObject({
      code: SdkErrorCode.RequestTimeout,
    });
    // Over HTTP a hung server does not even read the request; elsewhere it records what arrived.
    expect(await inspector.received('tools/list')).toHaveLength(name === 'http' ? 0 : 1);
    if (pid !== undefined) {
      await client.close();
      await expect.poll(() => isAlive(pid), { timeout: 5_000 }).toBe(false);
    }
  });

  it('records nothing per message with record: false, and forgets terminal tasks', async () => {
    const { client, inspector } = await connect({ record: false, pollInterval: 20 });
    for (let index = 0; index < 5; index++) await client.callTool({ name: 'echo', arguments: { text: 'x' } });
    const created = await createTask(client, 'slow_task', { delayMs: 1 });
    await expect.poll(async () => (await getTask(client, created.task.taskId)).status).toBe('completed');
    expect(await inspector.calls()).toEqual([]);
    expect(await inspector.received()).toEqual([]);
    expect(await inspector.tasks()).toEqual([]);
  });
});

describe.each(rawPeers)('raw answers over $name', ({ name, open }) => {
  it.each([
    ['string', 'not an object'],
    ['array', [{ type: 'text', text: 'an array' }]],
    ['number', 42],
    ['null', null],
  ])('answers malformed_result with a result that is a %s (plain and task calls)', async (shape, expected) => {
    const peer = await open({ misbehaving: true });
    const plain = await peer.request('tools/call', { name: 'malformed_result', arguments: { shape } });
    expect(plain).toEqual({ jsonrpc: '2.0', id: plain.id, result: expected });
    const asTask = await peer.request('tools/call', { name: 'malformed_result', arguments: { shape }, task: {} });
    expect(asTask.result).toEqual(expected);
  });

  it('answers the malformed methods with a result that is a string', async () => {
    const peer = await open({ malformedMethods: ['tools/list', 'tasks/get'] });
    expect((await peer.request('tools/list')).result).toBe('not an object: the answer to tools/list');
    const created = await peer.request('tools/call', { name: 'slow_task', arguments: {}, task: {} });
    const { taskId } = (created.result as { task: { taskId: string } }).task;
    expect((await peer.request('tasks/get', { taskId })).result).toBe('not an object: the answer to tasks/get');
  });

  it('sends early_status_task its notification and the CreateTaskResult in one write', async () => {
    const peer = await open({ misbehaving: true, pollInterval: 60_000 });
    const answer = await peer.request('tools/call', { name: 'early_status_task', arguments: {}, task: {} });
    const answerText = JSON.stringify(answer);
    const chunk = peer.chunks.find((each) => each.includes(answerText));
    expect(chunk).toBeDefined();
    if (name === 'stdio') {
      // One write: the notification is in the same chunk, before the answer.
      expect(chunk?.indexOf('notifications/tasks/status')).toBeGreaterThanOrEqual(0);
      expect(chunk?.indexOf('notifications/tasks/status')).toBeLessThan(chunk?.indexOf(answerText) ?? 0);
    }
    const order = peer.messages.map((message) => message.method ?? `answer ${message.id}`).slice(-2);
    expect(order).toEqual(['notifications/tasks/status', `answer ${answer.id}`]);
  });
});

describe.each([
  { name: 'in-memory', start: startInMemoryFixture },
  { name: 'http', start: startHttpFixture },
] as const)('a wire script over $name', ({ name, start }) => {
  it('answers or drops incoming messages, and replaces outgoing ones', async () => {
    const script: WireScript = {
      incoming: (message) => {
        if (!('id' in message) || !('method' in message)) return undefined;
        if (message.method === 'ping') return null;
        if (message.method === 'tools/list')
          return {
            jsonrpc: '2.0',
            id: message.id,
            result: { tools: [{ name: 'scripted', inputSchema: { type: 'object' } }] },
          };
        return undefined;
      },
      outgoing: (message) =>
        'result' in message && 'content' in message.result
          ? [{ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'scripted' } }, message]
          : undefined,
    };
    const fixture = await start({}, script);
    cleanups.push(() => fixture.close());
    const client = new Client({ name: 'fixture-test', version: '1' });
    const logged: unknown[] = [];
    client.setNotificationHandler('notifications/message', (notification) => {
      logged.push(notification.params.data);
    });
    await client.connect('url' in fixture ? new StreamableHTTPClientTransport(fixture.url) : fixture.clientTransport);
    cleanups.push(() => client.close());
    expect((await listToolsPage(client)).tools.map((tool) => tool.name)).toEqual(['scripted']);
    await expect(client.ping({ timeout: 300 })).rejects.toMatchObject({ code: SdkErrorCode.RequestTimeout });
    expect((await fixture.inspector.received('ping')).length).toBe(1);
    await client.callTool({ name: 'echo', arguments: { text: name } });
    await expect.poll(() => logged).toEqual(['scripted']);
  });
});

describe('hostile HTTP fixture', () => {
  async function httpClient(options: Parameters<typeof startHttpFixture>[0]) {
    const fixture = await startHttpFixture(options);
    cleanups.push(() => fixture.close());
    const client = new Client({ name: 'fixture-test', version: '1' });
    const errors: Error[] = [];
    client.onerror = (error) => errors.push(error);
    await client.connect(new StreamableHTTPClientTransport(fixture.url));
    cleanups.push(() => client.close().catch(() => undefined));
    return { fixture, client, errors };
  }

  it('drops every connection with drops_connection_task, and keeps listening', async () => {
    const { fixture, client, errors } = await httpClient({ misbehaving: true, pollInterval: 20 });
    // Open the standalone GET stream first, so there is a stream to drop.
    await delay(100);
    await createTask(client, 'drops_connection_task', { afterMs: 50 });
    await expect.poll(() => errors.length, { timeout: 5_000 }).toBeGreaterThan(0);
    expect(fixture.sessionCount()).toBe(1);
    expect((await client.callTool({ name: 'echo', arguments: { text: 'back' } })).content).toEqual([
      { type: 'text', text: 'back' },
    ]);
  });

  it('drops the GET stream alone with dropStreams, holding what is sent until the client reopens it', async () => {
    const { fixture, client } = await httpClient({});
    let changed = 0;
    client.setNotificationHandler('notifications/tools/list_changed', () => {
      changed++;
    });
    await fixture.changeTools();
    await expect.poll(() => changed).toBe(1);
    fixture.dropStreams();
    await fixture.changeTools();
    // POSTs still work at once; the notification arrives once the client's GET stream is back.
    expect((await client.callTool({ name: 'echo', arguments: { text: 'post' } })).content).toEqual([
      { type: 'text', text: 'post' },
    ]);
    await expect.poll(() => changed, { timeout: 10_000 }).toBe(2);
  });

  it('answers no HTTP request once hung, and still closes at once', async () => {
    const { fixture } = await httpClient({ misbehaving: true });
    fixture.hang();
    const response = fetch(fixture.url, { method: 'POST', body: '{}', signal: AbortSignal.timeout(300) });
    await expect(response).rejects.toThrow();
    const started = performance.now();
    await fixture.close();
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe('the stdio bin', () => {
  const bin = stdioFixture();
  afterEach(() => bin.close());
  // The node flags and the bin itself, without the state file.
  const run = (...flags: string[]) =>
    spawnSync(bin.command, [...bin.args.slice(0, 3), ...flags], { encoding: 'utf8', input: '', timeout: 10_000 });

  it('answers --help with the usage', () => {
    const result = run('--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: toolwright-fixture-server');
    expect(result.stdout).toContain('--list-changed-storm');
  });

  it('rejects an unknown flag or a bad number with the usage, not a stack trace', () => {
    for (const flags of [['--bogus'], ['--poll-interval', 'soon'], ['--list-changed-storm', '10']]) {
      const result = run(...flags);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain('Usage: toolwright-fixture-server');
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('parses back every flag it gives', () => {
    const options = {
      pollInterval: 20,
      ttl: null,
      statusNotifications: false,
      taskDelayMs: 5,
      tasks: false,
      listTasks: false,
      generatedTools: 3,
      pageSize: 2,
      misbehaving: true,
      name: 'n',
      version: 'v',
      listChangedOnInitialize: true,
      listChangedStorm: { intervalMs: 10, durationMs: 1000 },
      listToolsDelayMs: 7,
      endlessToolPages: true,
      endlessTaskPages: true,
      listChangedDuringListing: 2,
      unansweredMethods: ['tasks/get', 'tools/list'],
      failingMethods: ['tasks/cancel'],
      malformedMethods: ['tasks/list'],
      unknownTaskError: { code: -32602, message: 'No such task exists', dataTaskId: true },
      record: false,
    };
    expect(fromArgs([...toArgs(options), '--state-file', 'x'])).toEqual({ options, stateFile: 'x', help: false });
    expect(fromArgs([])).toEqual({ options: {}, stateFile: undefined, help: false });
  });
});
