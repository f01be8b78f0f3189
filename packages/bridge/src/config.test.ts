// --config: many upstream servers from an mcpServers file (read by the toolset's loader), each
// server's tools prefixed with its name, background tools chosen per server.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '@toolwright/core';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { upstreamsFromConfig } from './config.ts';
import { bridgeCommand, connectV1Host, fixtureOf } from './test-support.ts';

// The end-to-end test starts the bridge and two servers: on a loaded machine that outlasts the default bound.
vi.setConfig({ testTimeout: 60_000 });

const directory = mkdtempSync(join(tmpdir(), 'toolwright-bridge-config-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** Writes `content` (an object as JSON, or text as it is) to a file of the test folder; its path. */
function configFile(name: string, content: unknown): string {
  const path = join(directory, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

describe('upstreamsFromConfig', () => {
  it('reads each server, its prefix from its name, and its background tools', async () => {
    const path = configFile('servers.json', {
      mcpServers: {
        'research team': { command: 'node', args: ['research.js'], env: { KEY: 'k' }, background: ['deep_research'] },
        remote: { type: 'http', url: 'https://mcp.example.com/mcp', headers: { 'X-Team': 'blue' }, background: true },
        quiet: { command: 'node', args: ['quiet.js'] },
        off: { command: 'node', disabled: true },
      },
    });
    expect(await upstreamsFromConfig(path, false)).toEqual([
      {
        name: 'research_team',
        source: { command: 'node', args: ['research.js'], env: { KEY: 'k' } },
        background: ['deep_research'],
      },
      {
        name: 'remote',
        source: { url: 'https://mcp.example.com/mcp', headers: { 'X-Team': 'blue' } },
        background: true,
      },
      { name: 'quiet', source: { command: 'node', args: ['quiet.js'] }, background: false },
    ]);
    // --background makes every task tool of every server a background one.
    expect((await upstreamsFromConfig(path, true)).map((spec) => spec.background)).toEqual([true, true, true]);
  });

  it('reads a file with comments (VS Code’s servers), its background settings too', async () => {
    const commented = configFile(
      'commented.json',
      '{\n  // the team server\n  "servers": { "team": { "type": "stdio", "command": "node", "args": ["team.js"], }, },\n}\n',
    );
    expect(await upstreamsFromConfig(commented, false)).toEqual([
      { name: 'team', source: { command: 'node', args: ['team.js'] }, background: false },
    ]);
    const withBackground = configFile(
      'commented-background.json',
      '{ "mcpServers": { "team": { "command": "node", "background": true } } } // comment\n',
    );
    expect(await upstreamsFromConfig(withBackground, false)).toEqual([
      { name: 'team', source: { command: 'node' }, background: true },
    ]);
  });

  it('refuses bad config with a UserError naming the server and the field', async () => {
    const refusal = async (content: unknown) => {
      const error = await upstreamsFromConfig(configFile('bad.json', content), false).then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(UserError.isInstance(error)).toBe(true);
      return (error as Error).message;
    };
    expect(await refusal({ mcpServers: { a: { command: 'node', background: 'yes' } } })).toContain(`MCP server 'a'`);
    expect(await refusal({ mcpServers: { a: { args: [] } } })).toContain(`MCP server 'a'`);
    expect(await refusal({ mcpServers: { 'a b': { command: 'x' }, a_b: { command: 'y' } } })).toContain('rename one');
    expect(await refusal({ mcpServers: {} })).toContain('names no server');
    await expect(upstreamsFromConfig(join(directory, 'missing.json'), false)).rejects.toThrow('Check the path');
  });
});

/** Runs the bridge's bin with `args` (stdin left open, as a host would); its exit code and stderr. */
async function runBridge(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  const { command, args: argv } = bridgeCommand(args);
  const child = spawn(command, argv, { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stderr };
}

describe('toolwright-bridge --config', () => {
  it('serves the tools of every server prefixed with its name, and runs a server’s chosen tools in the background', async () => {
    await using old = fixtureOf('2025-11-25');
    await using current = fixtureOf('2026-07-28');
    const path = configFile('bridge.json', {
      mcpServers: {
        old: { command: old.command, args: old.args },
        current: { command: current.command, args: current.args, background: ['slow_task'] },
      },
    });
    await using host = await connectV1Host('stdio', ['--config', path]);
    const names = (await host.client.listTools()).tools.map((tool) => tool.name);
    expect(names).toEqual(
      expect.arrayContaining(['old_echo', 'old_progress_task', 'current_slow_task', 'task_result']),
    );
    // A foreground task tool of one server…
    expect(
      (await host.client.callTool({ name: 'old_slow_task', arguments: { delayMs: 100, value: 'a' } })).content,
    ).toEqual([{ type: 'text', text: 'done: a' }]);
    // …and a background one of the other, its task id prefixed with its server's name.
    const ack = await host.client.callTool({
      name: 'current_slow_task',
      arguments: { steps: 1, delayMs: 100, value: 'b' },
    });
    const taskId = (ack.structuredContent as { taskId: string }).taskId;
    expect(taskId).toMatch(/^current:/);
    const result = await host.client.callTool({
      name: 'task_result',
      arguments: { task_id: taskId, wait_seconds: 20 },
    });
    expect(result.content).toEqual([{ type: 'text', text: 'done: b' }]);
  });

  it('says what is wrong with a bad config file on stderr and exits 1', async () => {
    const { code, stderr } = await runBridge([
      '--config',
      configFile('broken.json', { mcpServers: { broken: { command: 42 } } }),
    ]);
    expect(code).toBe(1);
    expect(stderr).toContain(`MCP server 'broken'`);
    expect(stderr).toContain('"command"');
  });

  it('over stdio, names every server that cannot start, and exits 1', async () => {
    const path = configFile('unstartable.json', {
      mcpServers: {
        first: { command: '/nonexistent/first-server' },
        second: { command: '/nonexistent/second-server' },
      },
    });
    const { code, stderr } = await runBridge(['--config', path]);
    expect(code).toBe(1);
    expect(stderr).toContain("2 of the bridge's 2 upstream servers could not be reached");
    expect(stderr).toContain('first-server');
    expect(stderr).toContain('second-server');
  });
});
