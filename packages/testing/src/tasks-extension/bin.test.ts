import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { type TasksExtensionFixtureOptions, tasksExtensionArgs, tasksExtensionFromArgs } from './options.ts';
import { tasksExtensionStdioFixture } from './transports.ts';

describe("the 2026 fixture's stdio bin", () => {
  const bin = tasksExtensionStdioFixture();
  afterEach(() => bin.close());
  // The node flags and the bin itself, without the fixture's own flags.
  const upToBin = bin.args.findIndex((arg) => /bin\.(ts|mjs)$/.test(arg)) + 1;
  const run = (...flags: string[]) =>
    spawnSync(bin.command, [...bin.args.slice(0, upToBin), ...flags], { encoding: 'utf8', input: '', timeout: 10_000 });

  it('answers --help with the usage', () => {
    expect(upToBin).toBeGreaterThan(0);
    const result = run('--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: toolwright-tasks-extension-fixture-server');
    expect(result.stdout).toContain('--poll-interval-ms');
  });

  it('rejects an unknown flag or a bad number with the usage, not a stack trace', () => {
    for (const flags of [
      ['--bogus'],
      ['--poll-interval-ms', 'soon'],
      ['--ttl-ms', '-5'],
      ['--unknown-task-error', '{"code":"x"}'],
    ]) {
      const result = run(...flags);
      expect(result.status, flags.join(' ')).toBe(2);
      expect(result.stderr).toContain('Usage: toolwright-tasks-extension-fixture-server');
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('parses back every flag it gives', () => {
    const options: TasksExtensionFixtureOptions = {
      pollIntervalMs: 20,
      ttlMs: null,
      taskDelayMs: 5,
      resultTypeInResult: true,
      misbehaving: true,
      name: 'n',
      version: '9',
      unansweredMethods: ['tasks/cancel'],
      failingMethods: ['tasks/update', 'tasks/get'],
      taskNotFoundMethods: ['tasks/update'],
      unknownTaskError: { code: -32602, message: 'unknown task', dataTaskId: true },
      httpErrorMethods: ['tasks/get'],
      invalidToolsList: true,
    };
    expect(tasksExtensionFromArgs([...tasksExtensionArgs(options), '--log-file', 'x.log'])).toEqual({
      options,
      logFile: 'x.log',
      help: false,
    });
  });
});
