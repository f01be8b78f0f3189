import { describe, expect, it } from 'vitest';
import { reduceSnapshot, type TaskSnapshot } from './task-model.ts';

const base: TaskSnapshot = {
  taskId: 't1',
  status: 'working',
  statusMessage: undefined,
  createdAt: '2026-01-01T00:00:00Z',
  lastUpdatedAt: '2026-01-01T00:00:00Z',
  ttl: null,
  pollInterval: undefined,
};

describe('reduceSnapshot', () => {
  it('reports a change of status or of status message, and the end', () => {
    expect(reduceSnapshot(base, { ...base, pollInterval: 50 })).toEqual({
      snapshot: { ...base, pollInterval: 50 },
      changed: false,
      terminal: false,
    });
    expect(reduceSnapshot(base, { ...base, statusMessage: 'half way' }).changed).toBe(true);
    const done = reduceSnapshot(base, { ...base, status: 'completed' });
    expect(done).toMatchObject({ changed: true, terminal: true });
  });

  it('never changes a terminal snapshot', () => {
    const failed: TaskSnapshot = { ...base, status: 'failed', statusMessage: 'boom' };
    expect(reduceSnapshot(failed, { ...base, status: 'working' })).toEqual({
      snapshot: failed,
      changed: false,
      terminal: true,
    });
  });
});
