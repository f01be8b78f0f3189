import { request as httpRequest } from 'node:http';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import {
  type ConnectedFixture,
  connectFixture,
  envelope,
  PROTOCOL_VERSION,
  TRANSPORTS,
  WAIT,
  WITHOUT_TASKS,
} from './test-clients.ts';
import { tasksExtensionStdioFixture } from './transports.ts';
import { TASKS_EXTENSION } from './wire.ts';

const Loose = z.looseObject({});
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/;

describe.each(TRANSPORTS)('the 2026 tasks-extension fixture over %s', (kind) => {
  let fixture: ConnectedFixture;
  // One fixture per transport (a stdio child costs half a second); every assertion is scoped to its own task.
  beforeAll(async () => {
    fixture = await connectFixture(kind, { pollIntervalMs: 50 });
  });
  afterAll(async () => {
    await fixture.close();
  });

  /** tasks/get through the SDK v2 client's typed request path (it accepts these with a result schema). */
  const get = (taskId: string) =>
    fixture.client.request({ method: 'tasks/get', params: { taskId } } as never, Loose) as Promise<
      Record<string, unknown>
    >;
  const createTask = async (name: string, args: Record<string, unknown> = {}) => {
    const created = await fixture.raw('tools/call', { name, arguments: args });
    expect(created.error).toBeUndefined();
    expect(created.result?.resultType).toBe('task');
    return created.result?.taskId as string;
  };
  const settled = (taskId: string) =>
    vi.waitFor(async () => {
      const task = await get(taskId);
      expect(['completed', 'failed', 'cancelled']).toContain(task.status);
      return task;
    }, WAIT);
  const reaches = (taskId: string, status: string) =>
    vi.waitFor(async () => {
      const task = await get(taskId);
      expect(task.status).toBe(status);
      return task;
    }, WAIT);

  it('advertises the extension in discovery, not the 2025 tasks capability', async () => {
    const capabilities = fixture.client.getServerCapabilities() as Record<string, unknown> | undefined;
    expect(fixture.client.getNegotiatedProtocolVersion()).toBe(PROTOCOL_VERSION);
    expect(capabilities?.extensions).toEqual({ [TASKS_EXTENSION]: {} });
    expect(capabilities?.tasks).toBeUndefined();
    const { tools } = await fixture.client.listTools();
    const names = tools.map((tool) => tool.name);
    for (const name of ['greet', 'slow_compute', 'failing_job', 'confirm_delete', 'test_tool_with_task', 'slow_task']) {
      expect(names).toContain(name);
    }
    expect(names).not.toContain('never_terminal');
    expect(tools.every((tool) => !('execution' in tool))).toBe(true);
  });

  it('logs every request it receives, in order, with its id and arrival time', async () => {
    const before = (await fixture.inspector.received()).length;
    const first = await fixture.raw('tools/list', {});
    const second = await fixture.raw('tasks/get', { taskId: 'no-such-task' });
    expect(first.result?.tools).toBeDefined();
    expect(second.error?.code).toBe(-32602);
    const logged = (await fixture.inspector.received()).slice(before);
    expect(logged.map(({ method, taskId }) => ({ method, taskId }))).toEqual([
      { method: 'tools/list', taskId: undefined },
      { method: 'tasks/get', taskId: 'no-such-task' },
    ]);
    expect(logged.every((message) => typeof message.id === 'string' && message.id.startsWith('raw-'))).toBe(true);
    expect(logged[1]?.at).toBeGreaterThanOrEqual(logged[0]?.at ?? Number.POSITIVE_INFINITY);
    expect((await fixture.inspector.received('tasks/get')).at(-1)?.taskId).toBe('no-such-task');
  });

  it('answers a plain tool inline with resultType "complete", also through the typed callTool', async () => {
    const typed = await fixture.client.callTool({ name: 'greet', arguments: { name: 'Ada' } });
    expect(typed.content).toEqual([{ type: 'text', text: 'Hello, Ada!' }]);
    const raw = await fixture.raw('tools/call', { name: 'greet', arguments: { name: 'Ada' } });
    expect(raw.result?.resultType).toBe('complete');
    expect(raw.result?.taskId).toBeUndefined();
  });

  it('creates a task (flat fields, ttlMs, pollIntervalMs) only for a request that declares the extension', async () => {
    const created = await fixture.raw('tools/call', { name: 'optional_task', arguments: { delayMs: 10 } });
    const task = created.result ?? {};
    expect(task.resultType).toBe('task');
    expect(typeof task.taskId).toBe('string');
    expect(task.status).toBe('working');
    expect(task.createdAt).toMatch(ISO);
    expect(task.lastUpdatedAt).toMatch(ISO);
    expect(task.ttlMs).toBe(60_000);
    expect(task.pollIntervalMs).toBe(50);
    for (const absent of ['task', 'result', 'error', 'inputRequests', 'content'])
      expect(task).not.toHaveProperty(absent);
    // Strongly consistent: tasks/get resolves at once.
    expect((await get(task.taskId as string)).taskId).toBe(task.taskId);

    const inline = await fixture.raw(
      'tools/call',
      { name: 'optional_task', arguments: { delayMs: 10 } },
      WITHOUT_TASKS,
    );
    expect(inline.result?.resultType).toBe('complete');
    expect(inline.result?.content).toEqual([{ type: 'text', text: 'ranAsTask: false' }]);
    const calls = await fixture.inspector.calls();
    const optionalCalls = calls.filter((call) => call.tool === 'optional_task');
    expect(optionalCalls.map((call) => call.answer)).toEqual(['task', 'inline']);
    expect(optionalCalls[0]?.declaredCapabilities?.extensions).toEqual({ [TASKS_EXTENSION]: {} });
    expect(optionalCalls[1]?.declaredCapabilities?.extensions).toBeUndefined();
  });

  it('answers -32021 with requiredCapabilities for a task-only tool when the request does not declare the extension', async () => {
    const rejected = await fixture.raw('tools/call', { name: 'slow_task', arguments: {} }, WITHOUT_TASKS);
    expect(rejected.error?.code).toBe(-32021);
    expect(rejected.error?.data).toEqual({ requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } } });
    expect((await fixture.inspector.calls()).at(-1)?.answer).toBe('rejected');
  });

  it('inlines the result in tasks/get (without resultType inside it, as the spec examples show)', async () => {
    const taskId = await createTask('slow_task', { delayMs: 30, value: 'v1' });
    const done = await settled(taskId);
    expect(done.status).toBe('completed');
    expect(done.result).toEqual({ content: [{ type: 'text', text: 'done: v1' }] });
    // On the wire, tasks/get itself carries resultType "complete" (the SDK client strips it).
    expect((await fixture.raw('tasks/get', { taskId })).result?.resultType).toBe('complete');
  });

  it('creates slow_task with its first status message in the CreateTaskResult when firstStepAtCreation is set', async () => {
    const created = await fixture.raw('tools/call', {
      name: 'slow_task',
      arguments: { steps: 2, delayMs: 40, firstStepAtCreation: true },
    });
    expect(created.result).toMatchObject({ resultType: 'task', status: 'working', statusMessage: 'step 1 of 2' });
    const plain = await fixture.raw('tools/call', { name: 'slow_task', arguments: { steps: 2, delayMs: 40 } });
    expect(plain.result).not.toHaveProperty('statusMessage');
    expect((await settled(created.result?.taskId as string)).status).toBe('completed');
  });

  it('answers image_result inline with a PNG image', async () => {
    const typed = await fixture.client.callTool({ name: 'image_result', arguments: {} });
    expect(typed.content).toEqual([
      { type: 'image', data: expect.stringMatching(/^iVBORw0KGgo/), mimeType: 'image/png' },
    ]);
  });

  it('reports a tool error as completed with isError, and a JSON-RPC error as failed with the error inlined', async () => {
    const toolError = await settled(await createTask('failing_task', { kind: 'tool-error', message: 'bad input' }));
    expect(toolError.status).toBe('completed');
    expect(toolError.result).toEqual({ content: [{ type: 'text', text: 'bad input' }], isError: true });
    const protocolError = await settled(
      await createTask('failing_task', { kind: 'protocol-error', message: 'backend down', code: -32050 }),
    );
    expect(protocolError.status).toBe('failed');
    expect(protocolError.error).toEqual({ code: -32050, message: 'backend down' });
    expect(protocolError).not.toHaveProperty('result');
  });

  it('goes input_required with inputRequests inline and takes tasks/update answers per key, ignoring the rest', async () => {
    const taskId = await createTask('input_task');
    const waiting = await reaches(taskId, 'input_required');
    const requests = waiting.inputRequests as Record<string, { method: string; params: Record<string, unknown> }>;
    expect(Object.keys(requests)).toEqual(['name']);
    expect(requests.name?.method).toBe('elicitation/create');
    expect(requests.name?.params.requestedSchema).toMatchObject({ properties: { name: { type: 'string' } } });
    const ack = await fixture.raw('tasks/update', {
      taskId,
      inputResponses: {
        'never-issued': { action: 'accept', content: {} },
        name: { action: 'accept', content: { name: 'Ada' } },
      },
    });
    expect(ack.result).toMatchObject({ resultType: 'complete' });
    for (const field of ['taskId', 'status', 'result']) expect(ack.result).not.toHaveProperty(field);
    const done = await settled(taskId);
    expect(done.result).toEqual({ content: [{ type: 'text', text: 'Hello, Ada' }] });
    // The key was answered: answering it again is ignored.
    await fixture.raw('tasks/update', {
      taskId,
      inputResponses: { name: { action: 'accept', content: { name: 'Bob' } } },
    });
    const updates = (await fixture.inspector.updates()).filter((update) => update.taskId === taskId);
    expect(updates).toEqual([
      { taskId, key: 'never-issued', accepted: false },
      { taskId, key: 'name', accepted: true },
      { taskId, key: 'name', accepted: false },
    ]);
  });

  it('keeps a task input_required until every outstanding key is answered (partial updates)', async () => {
    const taskId = await createTask('multi_input');
    const waiting = await reaches(taskId, 'input_required');
    expect(Object.keys(waiting.inputRequests as object).sort()).toEqual(['confirm', 'name']);
    await fixture.raw('tasks/update', {
      taskId,
      inputResponses: { name: { action: 'accept', content: { name: 'Ada' } } },
    });
    const partial = await get(taskId);
    expect(partial.status).toBe('input_required');
    expect(Object.keys(partial.inputRequests as object)).toEqual(['confirm']);
    await fixture.raw('tasks/update', {
      taskId,
      inputResponses: { confirm: { action: 'accept', content: { confirm: true } } },
    });
    expect((await settled(taskId)).result).toEqual({
      content: [{ type: 'text', text: 'Received both answers (name: Ada)' }],
    });
  });

  it('asks for sampling through inputRequests and uses the answer', async () => {
    const taskId = await createTask('sampling_task', { prompt: 'Say hi' });
    const waiting = await reaches(taskId, 'input_required');
    const request = (waiting.inputRequests as Record<string, { method: string }>).sample;
    expect(request?.method).toBe('sampling/createMessage');
    await fixture.raw('tasks/update', {
      taskId,
      inputResponses: { sample: { role: 'assistant', content: { type: 'text', text: 'hi' }, model: 'test-model' } },
    });
    expect((await settled(taskId)).result).toEqual({ content: [{ type: 'text', text: 'model said: hi' }] });
  });

  it('cancels cooperatively: an empty ack, then the work really stops and the task ends cancelled', async () => {
    const taskId = await createTask('cancellable_task', { durationMs: 60_000 });
    const ack = await fixture.raw('tasks/cancel', { taskId });
    expect(ack.result).toMatchObject({ resultType: 'complete' });
    for (const field of ['taskId', 'status']) expect(ack.result).not.toHaveProperty(field);
    expect((await settled(taskId)).status).toBe('cancelled');
    await vi.waitFor(
      async () => expect(await fixture.inspector.task(taskId)).toMatchObject({ cancelObserved: true }),
      WAIT,
    );
    expect(await fixture.inspector.task(taskId)).toMatchObject({
      status: 'cancelled',
      cancelRequested: true,
      cancelObserved: true,
    });
    expect(await fixture.inspector.cancelsReceived()).toContain(taskId);
    // Cancelling a terminal task is acknowledged the same way (idempotent).
    expect((await fixture.raw('tasks/cancel', { taskId })).result).toMatchObject({ resultType: 'complete' });
    expect((await get(taskId)).status).toBe('cancelled');
  });

  it('cancels a task that waits for input', async () => {
    const taskId = await createTask('input_task');
    await reaches(taskId, 'input_required');
    await fixture.raw('tasks/cancel', { taskId });
    const done = await settled(taskId);
    expect(done.status).toBe('cancelled');
    expect(done).not.toHaveProperty('inputRequests');
  });

  it('has no tasks/result and no tasks/list (-32601)', async () => {
    const taskId = await createTask('instant_task');
    expect((await fixture.raw('tasks/result', { taskId })).error?.code).toBe(-32601);
    expect((await fixture.raw('tasks/list', {})).error?.code).toBe(-32601);
  });

  it('answers -32602 for an unknown task id, after the capability check (-32021 first)', async () => {
    for (const method of ['tasks/get', 'tasks/update', 'tasks/cancel']) {
      const params =
        method === 'tasks/update' ? { taskId: 'no-such-task', inputResponses: {} } : { taskId: 'no-such-task' };
      const unknown = await fixture.raw(method, params);
      expect(unknown.error?.code, method).toBe(-32602);
      expect(unknown.error?.message).toContain('Task not found');
      expect((await fixture.raw(method, params, WITHOUT_TASKS)).error?.code, method).toBe(-32021);
    }
    const taskId = await createTask('instant_task');
    expect((await fixture.raw('tasks/get', { taskId }, WITHOUT_TASKS)).error?.code).toBe(-32021);
  });

  it('pushes notifications/tasks to a subscriptions/listen, only for the task ids it named', async () => {
    const watched = await createTask('slow_task', { delayMs: 300, steps: 3, pollIntervalsMs: [60, 120, 240] });
    const other = await createTask('slow_task', { delayMs: 30 });
    await fixture.rawSend('listen-1', 'subscriptions/listen', {
      notifications: { taskIds: [watched, 'no-such-task'] },
    });
    const tasks = () =>
      fixture.notifications
        .filter((note) => note.method === 'notifications/tasks')
        .map((note) => note.params as Record<string, unknown>);
    const last = await vi.waitFor(() => {
      const completed = tasks().find((task) => task.status === 'completed');
      expect(completed).toBeDefined();
      return completed as NonNullable<typeof completed>;
    }, WAIT);
    const ack = fixture.notifications.find((note) => note.method === 'notifications/subscriptions/acknowledged');
    expect(ack?.params?.notifications).toEqual({ taskIds: [watched] });
    expect(tasks().every((task) => task.taskId === watched)).toBe(true);
    expect(last.result).toEqual({ content: [{ type: 'text', text: 'done: ok' }] });
    // Status text like progress, and a poll interval that changed over the task's life.
    const messages = tasks().map((task) => task.statusMessage);
    expect(messages).toContain('step 3 of 3');
    expect(last.pollIntervalMs).toBe(240);
    expect(await fixture.inspector.listens()).toContainEqual({
      requested: [watched, 'no-such-task'],
      agreed: [watched],
    });
    expect((await get(other)).status).toBe('completed');
  });

  it('ends a task subscription at once when it names no task the server knows', async () => {
    const ended = await fixture.raw('subscriptions/listen', { notifications: { taskIds: ['no-such-task'] } });
    expect(ended.result?.resultType).toBe('complete');
    expect(await fixture.inspector.listens()).toContainEqual({ requested: ['no-such-task'], agreed: [] });
  });

  it('refuses a task subscription from a request without the extension (-32021)', async () => {
    const taskId = await createTask('instant_task');
    const refused = await fixture.raw('subscriptions/listen', { notifications: { taskIds: [taskId] } }, WITHOUT_TASKS);
    expect(refused.error?.code).toBe(-32021);
  });

  it('lets the server decide: inline for an instant call, a task otherwise', async () => {
    const inline = await fixture.raw('tools/call', { name: 'sometimes_task', arguments: { delayMs: 0 } });
    expect(inline.result?.resultType).toBe('complete');
    expect(inline.result?.content).toEqual([{ type: 'text', text: 'ranAsTask: false' }]);
    const taskId = await createTask('sometimes_task', { delayMs: 20 });
    expect((await settled(taskId)).result).toEqual({ content: [{ type: 'text', text: 'ranAsTask: true' }] });
    expect((await settled(await createTask('instant_task'))).result).toEqual({
      content: [{ type: 'text', text: 'instant' }],
    });
  });

  it('composes a multi round-trip request before creating the task (test_tool_with_task)', async () => {
    const first = await fixture.raw('tools/call', { name: 'test_tool_with_task', arguments: {} });
    expect(first.result?.resultType).toBe('input_required');
    expect(first.result).not.toHaveProperty('taskId');
    expect(Object.keys(first.result?.inputRequests as object)).toEqual(['user_name']);
    const second = await fixture.raw('tools/call', {
      name: 'test_tool_with_task',
      arguments: {},
      inputResponses: { user_name: { action: 'accept', content: { name: 'Alice' } } },
    });
    expect(second.result?.resultType).toBe('task');
    const done = await settled(second.result?.taskId as string);
    expect(done.result).toEqual({ content: [{ type: 'text', text: 'Hello, Alice! The task finished.' }] });
  });
});

describe.each(TRANSPORTS)('the 2026 fixture ttlMs over %s', (kind) => {
  it('discards a task when its ttlMs elapses: its work stops and tasks/get says it expired', async () => {
    await using fixture = await connectFixture(kind, { ttlMs: 300 });
    const created = await fixture.raw('tools/call', { name: 'cancellable_task', arguments: { durationMs: 60_000 } });
    const taskId = created.result?.taskId as string;
    expect(created.result?.ttlMs).toBe(300);
    await vi.waitFor(
      async () =>
        expect((await fixture.raw('tasks/get', { taskId })).error).toMatchObject({
          code: -32602,
          message: expect.stringContaining('Task has expired'),
        }),
      WAIT,
    );
    await vi.waitFor(
      async () => expect(await fixture.inspector.task(taskId)).toMatchObject({ cancelObserved: true }),
      WAIT,
    );
    expect(await fixture.inspector.task(taskId)).toMatchObject({
      expired: true,
      cancelObserved: true,
      cancelRequested: false,
    });
  });
});

describe('the 2026 fixture over HTTP enforces routing headers', () => {
  it('rejects tasks/get without a matching Mcp-Name (-32020), and the SDK client sends it', async () => {
    await using fixture = await connectFixture('http');
    const created = await fixture.raw('tools/call', { name: 'instant_task', arguments: {} });
    const taskId = created.result?.taskId as string;
    await fixture.client.request({ method: 'tasks/get', params: { taskId } } as never, Loose);
    const sent = (await fixture.inspector.httpRequests()).filter((request) => request.method === 'tasks/get');
    expect(sent.at(-1)).toMatchObject({ mcpMethod: 'tasks/get', mcpName: taskId, protocolVersion: PROTOCOL_VERSION });
    const post = (headers: Record<string, string>) =>
      fetch(fixture.url as URL, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-protocol-version': PROTOCOL_VERSION,
          'mcp-method': 'tasks/get',
          ...headers,
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tasks/get', params: { taskId, _meta: envelope() } }),
      });
    for (const headers of [{}, { 'mcp-name': 'some-other-task' }]) {
      const response = await post(headers);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: number } }).error.code).toBe(-32020);
    }
    const matching = await post({ 'mcp-name': taskId });
    expect(matching.status).toBe(200);
  });

  it('answers only requests for a loopback host and origin (no DNS rebinding)', async () => {
    await using fixture = await connectFixture('http');
    const url = fixture.url as URL;
    const status = (headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const request = httpRequest(
          {
            host: url.hostname,
            port: url.port,
            path: url.pathname,
            method: 'POST',
            headers: { 'content-type': 'application/json', ...headers },
          },
          (response) => {
            response.resume();
            resolve(response.statusCode ?? 0);
          },
        );
        request.on('error', reject);
        request.end(
          JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'server/discover', params: { _meta: envelope() } }),
        );
      });
    expect(await status({ host: 'attacker.example' })).toBe(403);
    expect(await status({ origin: 'https://attacker.example' })).toBe(403);
  });
});

describe('the 2026 fixture over stdio', () => {
  it('records every process started from its command line, each with its pid', async () => {
    await using fixture = tasksExtensionStdioFixture();
    const server = { command: fixture.command, args: fixture.args, stderr: 'ignore' as const };
    const pids: number[] = [];
    for (let index = 0; index < 2; index++) {
      const transport = new StdioClientTransport(server);
      await transport.start();
      pids.push(transport.pid as number);
      // Started means serving: the process logged its start before it reads its first request.
      await transport.send({
        jsonrpc: '2.0',
        id: `discover-${index}`,
        method: 'server/discover',
        params: { _meta: envelope() },
      });
      await vi.waitFor(async () => {
        expect((await fixture.inspector.received('server/discover')).length).toBeGreaterThan(index);
      }, WAIT);
      await transport.close();
    }
    const starts = await fixture.starts();
    expect(starts.map((start) => start.pid)).toEqual(pids);
    expect(starts[1]?.at).toBeGreaterThan(starts[0]?.at ?? Number.POSITIVE_INFINITY);
    expect(await fixture.pid()).toBe(pids[1]);
  });

  it('ends its child process, and the task running in it, when the client closes', async () => {
    const fixture = await connectFixture('stdio');
    await fixture.raw('tools/call', { name: 'cancellable_task', arguments: { durationMs: 60_000 } });
    const pid = await vi.waitFor(async () => {
      const started = await fixture.pid();
      expect(started).toBeTypeOf('number');
      return started as number;
    }, WAIT);
    expect(() => process.kill(pid, 0)).not.toThrow();
    await fixture.close();
    await vi.waitFor(() => expect(() => process.kill(pid, 0)).toThrow(), WAIT);
  });
});
