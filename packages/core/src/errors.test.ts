import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type * as errors from './errors.ts';
import {
  ConnectionLostError,
  ModelRetry,
  ProtocolError,
  TaskCancelledError,
  TaskDeadlineError,
  TaskError,
  TaskExpiredError,
  TaskFailedError,
  ToolError,
  ToolFailed,
  ToolwrightError,
  UserError,
} from './errors.ts';

describe('errors', () => {
  it('carry a stable code, their message and cause, and a name', () => {
    const cause = new Error('socket closed');
    const error = new ModelRetry('Use a date in ISO format.', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('model_retry');
    expect(error.message).toBe('Use a date in ISO format.');
    expect(error.cause).toBe(cause);
    expect(error.name).toBe('ModelRetry');
    expect(new ToolFailed('x').code).toBe('tool_failed');
    expect(new UserError('x').code).toBe('user_error');
    expect(new ToolError('search', 'x')).toMatchObject({ code: 'tool_error', toolName: 'search' });
  });

  it('have the codes the task engine needs, with task details', () => {
    const reference = { type: 'mcp-task', taskId: 't1' };
    const details = { toolName: 'research', taskId: 't1', reference };
    expect(new TaskFailedError('x', details)).toMatchObject({ code: 'task_failed', ...details });
    expect(new TaskCancelledError('x', details).code).toBe('task_cancelled');
    expect(new TaskExpiredError('x', details).code).toBe('task_expired');
    expect(new ProtocolError('x', details).code).toBe('protocol_error');
    expect(new ConnectionLostError('x', details).code).toBe('connection_lost');
    const deadline = new TaskDeadlineError('x', { ...details, cancelled: false });
    expect(deadline).toMatchObject({ code: 'task_deadline_exceeded', cancelled: false, reference });
  });

  it('recognise their own class and subclasses with isInstance, and nothing else', () => {
    const cancelled = new TaskCancelledError('x');
    expect(TaskCancelledError.isInstance(cancelled)).toBe(true);
    expect(TaskError.isInstance(cancelled)).toBe(true);
    expect(ToolwrightError.isInstance(cancelled)).toBe(true);
    expect(TaskExpiredError.isInstance(cancelled)).toBe(false);
    expect(ModelRetry.isInstance(new ToolFailed('x'))).toBe(false);
    expect(ToolwrightError.isInstance(new Error('x'))).toBe(false);
    expect(ToolwrightError.isInstance({ code: 'model_retry' })).toBe(false);
    expect(ToolwrightError.isInstance(null)).toBe(false);
    expect(ToolwrightError.isInstance('model_retry')).toBe(false);
  });

  it('recognise errors from another copy of the package, where instanceof fails', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'toolwright-copy-'));
    copyFileSync(new URL('./errors.ts', import.meta.url), join(directory, 'errors.ts'));
    writeFileSync(join(directory, 'json.ts'), 'export {};\n');
    const copy = (await import(/* @vite-ignore */ pathToFileURL(join(directory, 'errors.ts')).href)) as typeof errors;
    expect(copy.ModelRetry).not.toBe(ModelRetry);
    const foreign = new copy.ModelRetry('from the other copy');
    expect(foreign instanceof ModelRetry).toBe(false);
    expect(ModelRetry.isInstance(foreign)).toBe(true);
    expect(ToolwrightError.isInstance(foreign)).toBe(true);
    expect(copy.ModelRetry.isInstance(new ModelRetry('ours'))).toBe(true);
    expect(copy.ToolFailed.isInstance(new ModelRetry('ours'))).toBe(false);
  });
});
