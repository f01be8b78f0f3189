import { ProtocolError as JsonRpcError } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';
import { protocolFailure } from '../../test-support/test-wire.ts';
import { parseCallAnswer, parseDetailedTask } from './wire.ts';

const task = {
  taskId: 't1',
  status: 'working',
  createdAt: '2026-07-28T00:00:00Z',
  lastUpdatedAt: '2026-07-28T00:00:01Z',
  ttlMs: 60_000,
  pollIntervalMs: 50,
};
const context = { what: 'tasks/get result' };

describe('the 2026-07-28 task wire', () => {
  it('maps a DetailedTask to the neutral snapshot', () => {
    expect(parseDetailedTask({ ...task, resultType: 'complete' }, context)).toEqual({
      taskId: 't1',
      status: 'working',
      statusMessage: undefined,
      createdAt: '2026-07-28T00:00:00Z',
      lastUpdatedAt: '2026-07-28T00:00:01Z',
      ttl: 60_000,
      pollInterval: 50,
    });
    expect(parseDetailedTask({ taskId: 't2', status: 'cancelled', ttlMs: null }, context)).toMatchObject({
      ttl: null,
      createdAt: '',
    });
  });

  it("carries a completed task's result inline, with or without resultType", () => {
    const content = [{ type: 'text', text: 'hi' }];
    for (const result of [{ content }, { content, resultType: 'complete' }]) {
      const snapshot = parseDetailedTask({ ...task, status: 'completed', result }, context);
      expect(snapshot.outcome).toEqual({
        kind: 'result',
        result: { content, structuredContent: undefined, isError: false, meta: undefined },
      });
    }
  });

  it("types a failed task's JSON-RPC error, with the SDK's error as its cause", () => {
    const snapshot = parseDetailedTask(
      { ...task, status: 'failed', error: { code: -32603, message: 'crashed', data: { at: 1 } } },
      context,
    );
    expect(snapshot.outcome).toMatchObject({ kind: 'error', code: -32603, message: 'crashed' });
    const cause = (snapshot.outcome as { cause: unknown }).cause;
    expect(cause instanceof JsonRpcError && cause.code).toBe(-32603);
  });

  it('reads the input requests of a task waiting for input', () => {
    const snapshot = parseDetailedTask(
      {
        ...task,
        status: 'input_required',
        inputRequests: {
          name: { method: 'elicitation/create', params: { message: 'Name?' } },
          roots: { method: 'roots/list' },
        },
      },
      context,
    );
    expect(snapshot.inputRequests).toEqual([
      { key: 'name', method: 'elicitation/create', params: { message: 'Name?' } },
      { key: 'roots', method: 'roots/list', params: {} },
    ]);
  });

  it('refuses what breaks the spec with a ProtocolError naming the field', () => {
    expect(protocolFailure(() => parseDetailedTask({ ...task, status: 'paused' }, context)).message).toMatch(
      /field status/,
    );
    expect(protocolFailure(() => parseDetailedTask({ ...task, ttlMs: '1 min' }, context)).message).toMatch(
      /field ttlMs/,
    );
    expect(protocolFailure(() => parseDetailedTask({ ...task, status: 'completed' }, context)).message).toMatch(
      /completed task carries no result/,
    );
    expect(
      protocolFailure(() => parseDetailedTask({ ...task, status: 'failed', error: { code: 'x' } }, context)).message,
    ).toMatch(/its error.*field code/);
    expect(
      protocolFailure(() =>
        parseDetailedTask({ ...task, status: 'input_required', inputRequests: { a: { params: {} } } }, context),
      ).message,
    ).toMatch(/inputRequests.*field a\.method/);
    expect(protocolFailure(() => parseDetailedTask(undefined, context)).message).toMatch(/missing or not an object/);
  });
});

describe('a 2026-07-28 tools/call answer', () => {
  const call = { what: 'tools/call result', toolName: 'echo' };
  const content = [{ type: 'text', text: 'x' }];

  it('is a result with resultType "complete" or none, a task with "task", input with "input_required"', () => {
    expect(parseCallAnswer({ content }, call).kind).toBe('result');
    expect(parseCallAnswer({ content, resultType: 'complete' }, call).kind).toBe('result');
    expect(parseCallAnswer({ ...task, resultType: 'task' }, call)).toMatchObject({
      kind: 'task',
      task: { taskId: 't1' },
    });
    expect(
      parseCallAnswer(
        { resultType: 'input_required', inputRequests: { a: { method: 'elicitation/create' } }, requestState: 's' },
        call,
      ),
    ).toEqual({
      kind: 'input-required',
      inputRequests: [{ key: 'a', method: 'elicitation/create', params: {} }],
      requestState: 's',
    });
  });

  it('refuses an unknown resultType and an input_required without anything to answer', () => {
    expect(protocolFailure(() => parseCallAnswer({ resultType: 'later' }, call)).message).toMatch(
      /resultType "later" is not one a tools\/call result can have/,
    );
    expect(protocolFailure(() => parseCallAnswer({ resultType: 'input_required' }, call)).message).toMatch(
      /neither inputRequests nor requestState/,
    );
    expect(protocolFailure(() => parseCallAnswer({ resultType: 'task', status: 'working' }, call)).message).toMatch(
      /for tool 'echo'.*field taskId/,
    );
  });
});
