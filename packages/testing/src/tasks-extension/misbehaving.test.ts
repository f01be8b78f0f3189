import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ConnectedFixture, connectFixture, TRANSPORTS, WAIT } from './test-clients.ts';

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
    const first = await vi.waitFor(async () => {
      const task = (await fixture.raw('tasks/get', { taskId })).result;
      expect(task?.status).toBe('input_required');
      return task as NonNullable<typeof task>;
    }, WAIT);
    expect(Object.keys(first.inputRequests as object)).toEqual(['name']);
    await fixture.raw('tasks/update', {
      taskId,
      inputResponses: { name: { action: 'accept', content: { name: 'Ada' } } },
    });
    const again = await vi.waitFor(async () => {
      const task = (await fixture.raw('tasks/get', { taskId })).result;
      expect(task?.statusMessage).toBe('Waiting for input (again)');
      return task as NonNullable<typeof task>;
    }, WAIT);
    expect(again.status).toBe('input_required');
    expect(Object.keys(again.inputRequests as object)).toEqual(['name']);
    await fixture.raw('tasks/cancel', { taskId });
  });

  it('inlines a result with and without resultType', async () => {
    const inlined = async (tool: string) => {
      const { taskId } = await call(tool);
      return vi.waitFor(async () => {
        const task = (await fixture.raw('tasks/get', { taskId })).result;
        expect(task?.status).toBe('completed');
        return task?.result as Record<string, unknown>;
      }, WAIT);
    };
    expect(await inlined('result_type_inlined')).toEqual({
      resultType: 'complete',
      content: [{ type: 'text', text: 'with resultType' }],
    });
    expect(await inlined('result_type_omitted')).toEqual({ content: [{ type: 'text', text: 'without resultType' }] });
  });
});
