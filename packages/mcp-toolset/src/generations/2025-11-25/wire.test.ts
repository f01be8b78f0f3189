import { describe, expect, it } from 'vitest';
import { protocolFailure } from '../../test-support/test-wire.ts';
import { parseCreateTaskResult, parseTask, parseTaskList } from './wire.ts';

const task = { taskId: 't1', status: 'working', createdAt: '2025-11-25T00:00:00Z', ttl: 60_000, pollInterval: 50 };

describe('the 2025-11-25 task wire', () => {
  it('maps a Task to the neutral snapshot, tolerating missing timestamps', () => {
    expect(parseTask(task, { what: 'tasks/get result' })).toEqual({
      taskId: 't1',
      status: 'working',
      statusMessage: undefined,
      createdAt: '2025-11-25T00:00:00Z',
      lastUpdatedAt: '2025-11-25T00:00:00Z',
      ttl: 60_000,
      pollInterval: 50,
    });
    expect(parseTask({ taskId: 't2', status: 'completed', ttl: null }, { what: 'x' })).toMatchObject({
      createdAt: '',
      ttl: null,
    });
  });

  it('names what was read, the task and the field that does not fit', () => {
    const status = protocolFailure(() => parseTask({ ...task, status: 'done' }, { what: 'tasks/get result' }));
    expect(status.message).toMatch(/malformed tasks\/get result: field status .*got "done"/);
    expect(status.taskId).toBe('t1');
    expect(protocolFailure(() => parseTask({ ...task, ttl: -1 }, { what: 'tasks/get result' })).message).toMatch(
      /field ttl .*got -1/,
    );
    expect(protocolFailure(() => parseTask({ ...task, pollInterval: 'soon' }, { what: 'x' })).message).toMatch(
      /field pollInterval/,
    );
    expect(protocolFailure(() => parseTask({ ...task, taskId: '' }, { what: 'x' })).message).toMatch(/field taskId/);
    expect(
      protocolFailure(() => parseCreateTaskResult({ task: 'nope' }, { what: 'tools/call result', toolName: 'slow' }))
        .message,
    ).toMatch(/tools\/call result for tool 'slow': the task is missing or not an object/);
    expect(protocolFailure(() => parseTaskList({ tasks: 'all' })).message).toMatch(/tasks\/list result: field tasks/);
  });
});
