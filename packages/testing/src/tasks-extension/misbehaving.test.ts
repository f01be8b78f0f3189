import { SdkHttpError } from '@modelcontextprotocol/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TasksExtensionFixtureOptions } from './options.ts';
import { type ConnectedFixture, connectFixture, eventually, TRANSPORTS } from './test-clients.ts';

describe.each(TRANSPORTS)('the misbehaving 2026 fixture over %s', (kind) => {
  let fixture: ConnectedFixture;
  // One fixture per transport (a stdio child costs half a second); every assertion is scoped to its own task.
  beforeAll(async () => {
    fixture = await connectFixture(kind, { misbehaving: true, pollIntervalMs: 20 });
  });
  afterAll(async () => {
    await fixture.close();
  });
  const call = (name: string, args: Record<string, unknown> = {}) =>
    fixture.raw('tools/call', { name, arguments: args }).then((response) => response.result ?? {});

  it('offers the hostile tools only when asked to', async () => {
    const { tools } = await fixture.client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['bad_create_result', 'never_terminal']));
  });

  it('answers malformed CreateTaskResults', async () => {
    expect(await call('bad_create_result', { kind: 'missing-task-id' })).not.toHaveProperty('taskId');
    expect((await call('bad_create_result', { kind: 'bad-status' })).status).toBe('paused');
    expect((await call('bad_create_result', { kind: 'ttl-not-number' })).ttlMs).toBe('sixty seconds');
    const nested = await call('bad_create_result', { kind: 'nested-task' });
    expect(nested).not.toHaveProperty('taskId');
    expect(nested.task).toMatchObject({ taskId: 'malformed-task' });
    const mislabelled = await call('bad_create_result', { kind: 'labelled-complete' });
    expect(mislabelled.resultType).toBe('complete');
    expect(mislabelled.taskId).toBe('malformed-task');
  });

  it('hands out a task id it does not know', async () => {
    const created = await call('foreign_task_id');
    expect(created.resultType).toBe('task');
    expect((await fixture.raw('tasks/get', { taskId: created.taskId })).error?.code).toBe(-32602);
  });

  it('keeps a task working forever, acknowledging but ignoring tasks/cancel', async () => {
    const { taskId } = await call('never_terminal');
    expect((await fixture.raw('tasks/cancel', { taskId })).result).toMatchObject({ resultType: 'complete' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await fixture.raw('tasks/get', { taskId })).result?.status).toBe('working');
  });

  it('asks again under an input key that was already answered', async () => {
    const { taskId } = await call('repeated_input_key');
    const first = await eventually(async () => {
      const task = (await fixture.raw('tasks/get', { taskId })).result;
      return task?.status === 'input_required' ? task : undefined;
    });
    expect(Object.keys(first.inputRequests as object)).toEqual(['name']);
    await fixture.raw('tasks/update', {
      taskId,
      inputResponses: { name: { action: 'accept', content: { name: 'Ada' } } },
    });
    const again = await eventually(async () => {
      const task = (await fixture.raw('tasks/get', { taskId })).result;
      return task?.statusMessage === 'Waiting for input (again)' ? task : undefined;
    });
    expect(again.status).toBe('input_required');
    expect(Object.keys(again.inputRequests as object)).toEqual(['name']);
    await fixture.raw('tasks/cancel', { taskId });
  });

  it('inlines a result with and without resultType', async () => {
    const inlined = async (tool: string) => {
      const { taskId } = await call(tool);
      return eventually(async () => {
        const task = (await fixture.raw('tasks/get', { taskId })).result;
        return task?.status === 'completed' ? (task.result as Record<string, unknown>) : undefined;
      });
    };
    expect(await inlined('result_type_inlined')).toEqual({
      resultType: 'complete',
      content: [{ type: 'text', text: 'with resultType' }],
    });
    expect(await inlined('result_type_omitted')).toEqual({ content: [{ type: 'text', text: 'without resultType' }] });
  });
});

describe.each(TRANSPORTS)('the 2026 fixture with wire faults over %s', (kind) => {
  let fixture: ConnectedFixture | undefined;
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });
  const connect = async (options: TasksExtensionFixtureOptions) => {
    fixture = await connectFixture(kind, { misbehaving: true, pollIntervalMs: 20, ...options });
    return fixture;
  };
  const taskOf = async (connected: ConnectedFixture, name: string, args: Record<string, unknown> = {}) => {
    const created = (await connected.raw('tools/call', { name, arguments: args })).result ?? {};
    return String(created.taskId);
  };

  it('never answers the unanswered methods, and records that they arrived', async () => {
    const connected = await connect({ unansweredMethods: ['tasks/cancel'] });
    const taskId = await taskOf(connected, 'cancellable_task');
    const answer = await Promise.race([
      connected.raw('tasks/cancel', { taskId }),
      new Promise((resolve) => setTimeout(resolve, 500, 'no answer')),
    ]);
    expect(answer).toBe('no answer');
    expect((await connected.inspector.received('tasks/cancel')).map((message) => message.taskId)).toEqual([taskId]);
    expect(await connected.inspector.cancelsReceived()).toEqual([]);
    expect((await connected.raw('tasks/get', { taskId })).result?.status).toBe('working');
  });

  it('answers the failing methods with -32603, and the task-not-found methods as if the task did not exist', async () => {
    const connected = await connect({ failingMethods: ['tasks/update'], taskNotFoundMethods: ['tasks/cancel'] });
    const taskId = await taskOf(connected, 'input_task');
    const update = await connected.raw('tasks/update', { taskId, inputResponses: {} });
    expect(update.error).toMatchObject({ code: -32603, message: 'Internal error: tasks/update failed' });
    const cancel = await connected.raw('tasks/cancel', { taskId });
    expect(cancel.error).toMatchObject({ code: -32602, message: expect.stringContaining('Task not found') });
    expect((await connected.raw('tasks/get', { taskId })).result?.taskId).toBe(taskId);
  });

  it('words its answer for a task it does not hold as told', async () => {
    const connected = await connect({
      unknownTaskError: { code: -32602, message: 'No such task exists', dataTaskId: true },
    });
    const answer = await connected.raw('tasks/get', { taskId: 'never-made' });
    expect(answer.error).toEqual({ code: -32602, message: 'No such task exists', data: { taskId: 'never-made' } });
    const taskId = await taskOf(connected, 'instant_task');
    expect((await connected.raw('tasks/get', { taskId })).result?.taskId).toBe(taskId);
  });

  it('answers tools/list with a tool that lacks its inputSchema', async () => {
    const connected = await connect({ invalidToolsList: true });
    const listed = await connected.raw('tools/list', {});
    expect(listed.result?.tools).toEqual([{ name: 'no_input_schema', description: 'Lacks its inputSchema.' }]);
  });

  it('creates slow_create_task at once and answers it late', async () => {
    const connected = await connect({});
    const started = performance.now();
    const answering = connected.raw('tools/call', { name: 'slow_create_task', arguments: { createDelayMs: 400 } });
    const created = await eventually(async () =>
      (await connected.inspector.tasks()).find((task) => task.tool === 'slow_create_task'),
    );
    const answer = await answering;
    expect(performance.now() - started).toBeGreaterThanOrEqual(350);
    expect(answer.result).toMatchObject({ resultType: 'task', taskId: created.taskId });
    await connected.raw('tasks/cancel', { taskId: created.taskId });
  });

  it('sets the status message of huge_status_task to the size asked for, and fails a task with the status message asked for', async () => {
    const connected = await connect({});
    const huge = await taskOf(connected, 'huge_status_task', { bytes: 200_000 });
    const seen = await eventually(async () => {
      const task = (await connected.raw('tasks/get', { taskId: huge })).result;
      return typeof task?.statusMessage === 'string' && task.statusMessage.length > 100 ? task : undefined;
    });
    expect(seen).toMatchObject({ status: 'working', statusMessage: 'x'.repeat(200_000) });
    await connected.raw('tasks/cancel', { taskId: huge });
    const failing = await taskOf(connected, 'failing_task', {
      kind: 'protocol-error',
      code: -32050,
      message: 'disk on fire',
      statusMessage: 'backup job failed',
    });
    const failed = await eventually(async () => {
      const task = (await connected.raw('tasks/get', { taskId: failing })).result;
      return task?.status === 'failed' ? task : undefined;
    });
    expect(failed).toMatchObject({
      statusMessage: 'backup job failed',
      error: { code: -32050, message: 'disk on fire' },
    });
  });
});

// HTTP statuses exist over HTTP only (in memory is HTTP in process); over stdio the option does nothing.
describe.each(['in-memory', 'http'] as const)('the 2026 fixture with HTTP errors over %s', (kind) => {
  it('answers the HTTP error methods with HTTP 500 and an HTML page', async () => {
    await using connected = await connectFixture(kind, { httpErrorMethods: ['tasks/get'] });
    const created = (await connected.raw('tools/call', { name: 'instant_task', arguments: {} })).result ?? {};
    const error = await connected.raw('tasks/get', { taskId: created.taskId }).catch((caught: unknown) => caught);
    expect(SdkHttpError.isInstance(error)).toBe(true);
    expect((error as SdkHttpError).status).toBe(500);
    expect((error as Error).message).toContain('<html>');
    expect(await connected.inspector.received('tasks/get')).toHaveLength(1);
  });
});
