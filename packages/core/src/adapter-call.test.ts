import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { isBinaryOutput, readableFailure, startAdapterCall, toModelValue } from './adapter-call.ts';
import { binaryContent } from './content.ts';
import { ModelRetry, TaskCancelledError, TaskFailedError, ToolFailed, UserError } from './errors.ts';
import { FunctionToolset, functionTool } from './function-toolset.ts';
import { createRunContext } from './run-context.ts';

describe('readableFailure', () => {
  it('words each kind of failure for the model, keeping its kind and the original as cause', () => {
    const retry = new ModelRetry('a must be a number.');
    const asked = readableFailure('add', retry);
    expect(ModelRetry.isInstance(asked) && asked.message).toBe(
      "a must be a number. Fix the call to tool 'add' and try again.",
    );
    expect((asked as Error).cause).toBe(retry);
    // A task that failed on the server: the server failed, not the call.
    const serverSide = readableFailure('backup', new ModelRetry('disk on fire'), { taskFailed: true });
    expect(ModelRetry.isInstance(serverSide) && serverSide.message).toBe("Tool 'backup' failed: disk on fire");
    expect((readableFailure('x', new ToolFailed('quota')) as Error).message).toBe("Tool 'x' failed: quota");
    const failed = readableFailure('x', new TaskFailedError('boom', { taskId: 't1', toolName: 'x' }));
    expect(TaskFailedError.isInstance(failed) && [failed.message, failed.taskId]).toEqual([
      "Tool 'x' failed: boom",
      't1',
    ]);
    const cancelled = readableFailure('x', new TaskCancelledError('stopped', { taskId: 't2' }));
    expect(TaskCancelledError.isInstance(cancelled) && cancelled.message).toBe("Tool 'x' was cancelled: stopped");
    const other = new UserError('bad option');
    expect(readableFailure('x', other)).toBe(other);
  });
});

describe('toModelValue', () => {
  it('turns binary content into JSON with base64 data, in arrays too', () => {
    const image = binaryContent(new Uint8Array([137, 80, 78, 71]), 'image/png');
    const value = toModelValue(['see', image]);
    expect(value).toEqual(['see', { type: 'binary', mediaType: 'image/png', base64: 'iVBORw==' }]);
    expect(isBinaryOutput((value as unknown[])[1])).toBe(true);
    expect(toModelValue(undefined)).toBeNull();
  });
});

describe('startAdapterCall', () => {
  it("runs the call with its own call id and a signal joined to the run's and the framework's", async () => {
    const run = new AbortController();
    const framework = new AbortController();
    const ctx = createRunContext({ signal: run.signal });
    let seen: { toolCallId: string | undefined; signal: AbortSignal } | undefined;
    const tool = functionTool({
      name: 'wait',
      execute: (_args, callCtx) => {
        seen = { toolCallId: callCtx.toolCallId, signal: callCtx.signal };
        return new Promise((_, reject) =>
          callCtx.signal.addEventListener('abort', () => reject(callCtx.signal.reason)),
        );
      },
    });
    const toolset = new FunctionToolset([tool]);
    const started = startAdapterCall({
      toolset,
      ctx,
      tool: tool.definition,
      input: 'not an object',
      toolCallId: 'call-7',
      signal: framework.signal,
      framework: 'Test',
    });
    framework.abort(new Error('stop'));
    await expect(started.call).rejects.toThrow('stop');
    expect(seen?.toolCallId).toBe('call-7');
    started.end();
  });

  it('says the tool failed when its task ended failed, and unlinks the run signal when it ends', async () => {
    const run = new AbortController();
    const ctx = createRunContext({ signal: run.signal });
    const listeners = () => getEventListeners(run.signal, 'abort').length;
    const tool = functionTool({
      name: 'backup',
      execute: (_args, callCtx) => {
        callCtx.events.emit({
          type: 'task-status',
          toolName: 'backup',
          toolCallId: callCtx.toolCallId,
          taskId: 't1',
          status: 'failed',
          statusMessage: 'disk on fire',
        });
        throw new ModelRetry('disk on fire');
      },
    });
    const started = startAdapterCall({
      toolset: new FunctionToolset([tool]),
      ctx,
      tool: tool.definition,
      input: {},
      toolCallId: 'call-1',
      framework: 'Test',
    });
    const error = await started.call.catch((caught: unknown) => started.failure(caught));
    expect((error as Error).message).toBe("Tool 'backup' failed: disk on fire");
    expect(listeners()).toBe(1);
    started.end();
    expect(listeners()).toBe(0);
    expect(ctx.events.listens('task-status')).toBe(false);
  });

  it('aborts a call its framework stopped reading', async () => {
    const tool = functionTool({
      name: 'slow',
      execute: (_args, callCtx) =>
        new Promise((_, reject) => callCtx.signal.addEventListener('abort', () => reject(callCtx.signal.reason))),
    });
    const started = startAdapterCall({
      toolset: new FunctionToolset([tool]),
      ctx: createRunContext(),
      tool: tool.definition,
      input: {},
      toolCallId: 'call-1',
      framework: 'The test framework',
    });
    started.end();
    await expect(started.call).rejects.toThrow("The test framework stopped reading tool 'slow' before it finished.");
  });
});
