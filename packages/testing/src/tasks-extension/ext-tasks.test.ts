// The official extension SDK (@modelcontextprotocol/ext-tasks 0.2.2) as a second, independent client.
import {
  createTaskSessionFromClient,
  resultFromTaskOutcome,
  type TaskEnabledSession,
} from '@modelcontextprotocol/ext-tasks/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TasksExtensionFixtureOptions } from './options.ts';
import {
  CLIENT_INFO,
  type ConnectedFixture,
  connectFixture,
  PROTOCOL_VERSION,
  TRANSPORTS,
  WAIT,
  WITH_TASKS,
} from './test-clients.ts';

describe.each(TRANSPORTS)('ext-tasks 0.2.2 against the 2026 fixture over %s', (kind) => {
  let fixture: ConnectedFixture | undefined;
  let session: TaskEnabledSession | undefined;
  afterEach(async () => {
    await session?.close();
    await fixture?.close();
    session = undefined;
    fixture = undefined;
  });

  async function open(options: TasksExtensionFixtureOptions = { resultTypeInResult: true }) {
    const connected = await connectFixture(kind, { pollIntervalMs: 20, ...options });
    fixture = connected;
    session = createTaskSessionFromClient(connected.client, {
      endpointId: `fixture-${kind}`,
      // ext-tasks needs the host's raw path on SDK v2: the SDK client's decoder refuses task results.
      rawDispatch: (request) => connected.dispatch(request as { method: string; params?: unknown }) as never,
      v2RequestFraming: { protocolVersion: PROTOCOL_VERSION, clientInfo: CLIENT_INFO, clientCapabilities: WITH_TASKS },
      onInputRequest: (async (request: { kind: string; params: Record<string, unknown> }) => {
        if (request.kind === 'elicitation') return { action: 'accept', content: { name: 'Ada' } };
        if (request.kind === 'sampling')
          return { role: 'assistant', model: 'test-model', content: { type: 'text', text: 'hi' } };
        throw new Error(`unexpected input request ${request.kind}`);
      }) as never,
    });
    return { fixture: connected, session };
  }

  it('completes a task and takes an immediate result', async () => {
    const { session } = await open();
    const execution = await session.callTool('slow_task', { delayMs: 30, value: 'x' });
    expect(execution.kind).toBe('task');
    const { outcome } = await execution.settle();
    expect(outcome.status).toBe('completed');
    expect(resultFromTaskOutcome(outcome)).toMatchObject({ content: [{ type: 'text', text: 'done: x' }] });
    const immediate = await session.callTool('greet', { name: 'Ada' });
    expect(immediate.kind).toBe('immediate');
    expect(resultFromTaskOutcome((await immediate.settle()).outcome)).toMatchObject({
      content: [{ type: 'text', text: 'Hello, Ada!' }],
    });
  });

  it('answers elicitation and sampling input requests through tasks/update', async () => {
    const { session, fixture } = await open();
    const input = await session.callTool('input_task', {});
    expect(resultFromTaskOutcome((await input.settle()).outcome)).toMatchObject({
      content: [{ type: 'text', text: 'Hello, Ada' }],
    });
    const sampling = await session.callTool('sampling_task', { prompt: 'Say hi' });
    expect(resultFromTaskOutcome((await sampling.settle()).outcome)).toMatchObject({
      content: [{ type: 'text', text: 'model said: hi' }],
    });
    const accepted = (await fixture.inspector.updates())
      .filter((update) => update.accepted)
      .map((update) => update.key);
    expect(accepted).toEqual(['name', 'sample']);
  });

  it('sees a failed task (JSON-RPC error) and a tool error (completed with isError)', async () => {
    const { session } = await open();
    const failed = await session.callTool('failing_task', {
      kind: 'protocol-error',
      message: 'backend down',
      code: -32050,
    });
    const { outcome } = await failed.settle();
    expect(outcome.status).toBe('failed');
    if (outcome.status === 'failed') expect(outcome.error.code).toBe(-32050);
    const toolError = await session.callTool('failing_task', { kind: 'tool-error', message: 'bad input' });
    const settled = await toolError.settle();
    expect(settled.outcome.status).toBe('completed');
    expect(resultFromTaskOutcome(settled.outcome)).toMatchObject({ isError: true });
  });

  it('cancels a task, and the fixture stops its work', async () => {
    const { session, fixture } = await open();
    const execution = await session.callTool('cancellable_task', { durationMs: 60_000 });
    expect(execution.kind).toBe('task');
    await execution.cancel();
    const { outcome } = await execution.settle();
    expect(outcome.status).toBe('cancelled');
    const taskId = execution.handle?.taskId as string;
    await vi.waitFor(
      async () => expect(await fixture.inspector.task(taskId)).toMatchObject({ cancelObserved: true }),
      WAIT,
    );
    expect((await fixture.inspector.task(taskId))?.status).toBe('cancelled');
  });

  it('turns a completed task into a failure when the inlined result has no resultType, which the spec allows', async () => {
    const { session } = await open({ resultTypeInResult: false });
    const execution = await session.callTool('slow_task', { delayMs: 10 });
    const { outcome } = await execution.settle();
    // The server completed the task; ext-tasks 0.2.2 cannot read the spec-shaped result and reports a failure.
    expect(outcome.task?.status).toBe('completed');
    expect(outcome.status).toBe('failed');
  });
});
