import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  FunctionToolset,
  functionTool,
  ModelRetry,
  TaskCancelledError,
  TaskFailedError,
  type TaskStatusOutput,
  type Toolset,
  UserError,
} from '@toolwright/core';
import { MCPToolset, type MCPToolsetOptions } from '@toolwright/mcp-toolset';
import { startHttpTasksExtensionFixture, startInMemoryFixture } from '@toolwright/testing';
import { expect, onTestFinished } from 'vitest';
import type { StreamedItem } from './harness.ts';

// What an adapter's own tests share beside the contract.

/** Options of {@link fixtureToolset}. */
export interface FixtureToolsetOptions {
  /** Wraps the MCP toolset (capabilities applied, say) before it is opened. */
  readonly wrap?: (toolset: MCPToolset) => Toolset<undefined>;
  readonly toolErrorBehavior?: MCPToolsetOptions['toolErrorBehavior'];
}

/**
 * An MCP toolset over a fresh in-memory 2025-11-25 fixture server (poll interval 20 ms), opened,
 * closed when the test finishes.
 */
export async function fixtureToolset(options: FixtureToolsetOptions = {}) {
  const fixture = await startInMemoryFixture({ pollInterval: 20 });
  const mcp = new MCPToolset(fixture.clientTransport, {
    id: 'fixture',
    ...(options.toolErrorBehavior ? { toolErrorBehavior: options.toolErrorBehavior } : {}),
  });
  const toolset = options.wrap ? options.wrap(mcp) : mcp;
  onTestFinished(async () => {
    await toolset.close();
    await fixture.close();
  });
  await toolset.open();
  return { fixture, toolset };
}

/** An MCP toolset over a fresh 2026-07-28 (tasks extension) fixture server on HTTP, opened, closed when the test finishes. */
export async function fixtureToolset2026() {
  const fixture = await startHttpTasksExtensionFixture({ pollIntervalMs: 20 });
  const toolset = new MCPToolset(fixture.url, { id: 'fixture-2026' });
  onTestFinished(async () => {
    await toolset.close();
    await fixture.close();
  });
  await toolset.open();
  return { fixture, toolset };
}

/**
 * A function toolset whose tools each throw one kind of error: `failed` (a task that failed, task
 * id `t1`), `cancelled` (a cancelled task), `misused` (a `UserError`), `refused` (a `ModelRetry`:
 * the call itself was wrong) and `crashed` (a plain `Error` whose message must not reach the model).
 */
export function failingToolset(): FunctionToolset<unknown> {
  const throwing = (name: string, error: () => Error) =>
    functionTool({
      name,
      execute: () => {
        throw error();
      },
    });
  return new FunctionToolset([
    throwing('failed', () => new TaskFailedError('the disk is full', { toolName: 'failed', taskId: 't1' })),
    throwing('cancelled', () => new TaskCancelledError('the server stopped it', { taskId: 't2' })),
    throwing('misused', () => new UserError('the app passed a bad option')),
    throwing('refused', () => new ModelRetry('the date must be in the future.')),
    throwing('crashed', () => new Error('secret connection string in here')),
  ]);
}

/** The abort listeners on a signal, counted from now on: how many there are, and the most there were. */
export interface ListenerCount {
  readonly current: number;
  readonly peak: number;
}

/** Counts the abort listeners added to and removed from `signal` from now on. */
export function countListeners(signal: AbortSignal): ListenerCount {
  const count = { current: 0, peak: 0 };
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((...args: Parameters<typeof add>) => {
    count.current++;
    count.peak = Math.max(count.peak, count.current);
    add(...args);
  }) as typeof add;
  signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
    count.current--;
    remove(...args);
  }) as typeof remove;
  return count;
}

/** A `TaskStatusOutput` (the shape every adapter streams) as the contract's status item. */
export function statusItem(output: TaskStatusOutput): StreamedItem {
  return {
    kind: 'status',
    ...(output.taskId === undefined ? {} : { taskId: output.taskId }),
    ...(output.status === undefined ? {} : { status: output.status }),
    ...(output.statusMessage === undefined ? {} : { message: output.statusMessage }),
    ...(output.progress === undefined ? {} : { progress: output.progress }),
    ...(output.total === undefined ? {} : { total: output.total }),
  };
}

/**
 * Runs an example as a user does (`node src/main.ts` in `exampleDir`, from source, with no OpenAI
 * key so that it uses its scripted model); rejects, with the output, on a non-zero exit, a signal,
 * or after 60 s.
 */
export async function runExample(exampleDir: string): Promise<{ stdout: string; stderr: string }> {
  const env = { ...process.env, OPENAI_API_KEY: '' };
  return promisify(execFile)(process.execPath, ['--conditions=@toolwright/source', 'src/main.ts'], {
    cwd: exampleDir,
    env,
    timeout: 60_000,
  });
}

/** Asserts that `text` holds each of `parts` in this order (other text may come between). */
export function expectInOrder(text: string, parts: readonly string[]): void {
  let from = 0;
  for (const part of parts) {
    const at = text.indexOf(part, from);
    expect(at, `${part} after position ${from} of:\n${text}`).toBeGreaterThanOrEqual(0);
    from = at + part.length;
  }
}
