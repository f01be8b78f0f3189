import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type * as errors from './errors.ts';
import {
  AuthorizationError,
  CancelledError,
  ConnectionLostError,
  ModelRetry,
  ProtocolError,
  RequestTimeoutError,
  ResultValidationError,
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

  it('does not let a subclass without a kind of its own match every Toolwright error', () => {
    class AppError extends ToolwrightError {}
    class AppTaskError extends TaskError {}
    const mine = new AppError('app', 'x');
    expect(AppError.isInstance(mine)).toBe(true);
    expect(ToolwrightError.isInstance(mine)).toBe(true);
    expect(AppError.isInstance(new ModelRetry('x'))).toBe(false);
    expect(AppError.isInstance(new UserError('x'))).toBe(false);
    expect(AppTaskError.isInstance(new TaskCancelledError('x'))).toBe(false);
    expect(AppTaskError.isInstance(new AppTaskError('task_cancelled', 'x'))).toBe(true);
    expect(mine.name).toBe('AppError');
  });

  it('works detached: const is = X.isInstance', () => {
    const is: (value: unknown) => boolean = TaskCancelledError.isInstance;
    const isModelRetry: (value: unknown) => boolean = ModelRetry.isInstance;
    expect(is(new TaskCancelledError('x'))).toBe(true);
    expect(is(new TaskExpiredError('x'))).toBe(false);
    expect(isModelRetry(new ModelRetry('x'))).toBe(true);
    expect(isModelRetry(new ToolFailed('x'))).toBe(false);
    expect([new ModelRetry('a'), new UserError('b')].filter(UserError.isInstance)).toHaveLength(1);
  });

  it('counts ProtocolError and ConnectionLostError as TaskErrors only when they concern a task', () => {
    expect(TaskError.isInstance(new ProtocolError('bad tools/list'))).toBe(false);
    expect(TaskError.isInstance(new ConnectionLostError('server gone'))).toBe(false);
    expect(TaskError.isInstance(new RequestTimeoutError('slow', { method: 'tools/list', timeoutMs: 5 }))).toBe(false);
    const about = { toolName: 'research', taskId: 't1', reference: { type: 'mcp-task', taskId: 't1' } };
    expect(TaskError.isInstance(new ProtocolError('bad status', about))).toBe(true);
    expect(TaskError.isInstance(new ConnectionLostError('gone', about))).toBe(true);
    expect(new ConnectionLostError('gone', about)).toMatchObject(about);
    expect(ProtocolError.isInstance(new RequestTimeoutError('slow', { method: 'tasks/get', timeoutMs: 5 }))).toBe(true);
    expect(new RequestTimeoutError('slow', { method: 'tasks/get', timeoutMs: 5 })).toMatchObject({
      code: 'request_timeout',
      method: 'tasks/get',
      timeoutMs: 5,
    });
  });

  it('make AuthorizationError name its server, and a TaskError only when it ends a task', () => {
    const plain = new AuthorizationError('no token', { server: 'github' });
    expect(plain).toMatchObject({ code: 'authorization_failed', server: 'github', name: 'AuthorizationError' });
    expect(AuthorizationError.isInstance(plain)).toBe(true);
    expect(TaskError.isInstance(plain)).toBe(false);
    expect(ConnectionLostError.isInstance(plain)).toBe(false);
    const about = { toolName: 'research', taskId: 't1', reference: { type: 'mcp-task', taskId: 't1' } };
    const midTask = new AuthorizationError('refresh denied', { server: 'github', ...about });
    expect(TaskError.isInstance(midTask)).toBe(true);
    expect(midTask).toMatchObject(about);
  });

  it('make ResultValidationError a ProtocolError naming the tool and the field, a TaskError only for a task', () => {
    const plain = new ResultValidationError('no fit', { toolName: 'forecast', field: 'celsius' });
    expect(plain).toMatchObject({
      code: 'result_invalid',
      toolName: 'forecast',
      field: 'celsius',
      name: 'ResultValidationError',
    });
    expect(ProtocolError.isInstance(plain)).toBe(true);
    expect(ResultValidationError.isInstance(plain)).toBe(true);
    expect(TaskError.isInstance(plain)).toBe(false);
    expect(ResultValidationError.isInstance(new ProtocolError('other'))).toBe(false);
    expect(TaskError.isInstance(new ResultValidationError('no fit', { toolName: 'forecast', taskId: 't2' }))).toBe(
      true,
    );
  });

  it('make TaskFailedError a ToolError and a TaskError, and TaskCancelledError a CancelledError', () => {
    const failed = new TaskFailedError('disk full', { toolName: 'backup', taskId: 't9' });
    expect(ToolError.isInstance(failed)).toBe(true);
    expect(TaskError.isInstance(failed)).toBe(true);
    expect(failed).toMatchObject({ code: 'task_failed', toolName: 'backup', taskId: 't9' });
    expect(TaskFailedError.isInstance(new ToolError('backup', 'x'))).toBe(false);
    expect(CancelledError.isInstance(new TaskCancelledError('x'))).toBe(true);
    expect(CancelledError.isInstance(new CancelledError('x', { toolName: 'echo' }))).toBe(true);
    expect(TaskError.isInstance(new CancelledError('x'))).toBe(false);
    expect(new CancelledError('x', { toolName: 'echo' })).toMatchObject({ code: 'cancelled', toolName: 'echo' });
  });
});
