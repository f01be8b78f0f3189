// The command line: usage, bad flags, and an upstream that cannot start or connect, over stdio
// (a message on stderr and exit 1) and over HTTP (an MCP error on every call, never a hang).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ConnectionLostError } from '@toolwright/core';
import { describe, expect, it, vi } from 'vitest';
import { Bridge } from './bridge.ts';
import { bridgeCommand, startHttpBridge } from './test-support.ts';

// Each test starts processes (the bridge, its server, the SDK's version probe): on a loaded machine that
// takes longer than the default bound, which is there to catch a hang, not to time anything.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

/** Runs the bin with `args` (stdin closed); resolves with its exit code and output. */
async function run(
  args: readonly string[],
): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const { command, args: argv } = bridgeCommand(args);
  const started = performance.now();
  const child = spawn(command, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr, ms: performance.now() - started };
}

/** The ids of running processes whose command line contains `text` (Linux: read from /proc). */
function processesWith(text: string): string[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
      } catch {
        return false;
      }
    });
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 1;
}

describe('toolwright-bridge on the command line', () => {
  it('--help prints the usage and exits 0', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage:');
    expect(stdout).toContain('--background');
  });

  it.each([
    [['--nope', '--', 'node', 'server.js'], "Unknown option '--nope'"],
    [[], 'No upstream server'],
    [['--url', 'http://127.0.0.1:1/mcp', '--', 'node'], 'Give one upstream'],
    [['--http', 'eighty', '--', 'node'], '--http takes a port number'],
    [['stray', '--', 'node'], 'Unexpected argument'],
    [['--http', '70000', '--', 'node'], '--http takes a port number'],
    [['--url', 'ftp://example.com/mcp'], '--url needs an http(s) URL'],
    [['--store', 'redis://x', '--', 'node'], '--store takes sqlite:'],
  ])('%j is refused with the usage and exit status 2', async (args, message) => {
    const { code, stderr } = await run(args);
    expect(code).toBe(args.includes('--store') ? 1 : 2);
    expect(stderr).toContain(message);
    if (code === 2) expect(stderr).toContain('Usage:');
  });

  it('over stdio, an upstream command that does not exist is a message on stderr and exit 1', async () => {
    const { code, stderr, ms } = await run(['--', '/nonexistent/mcp-server', '--token', 'secret-value']);
    expect(code).toBe(1);
    expect(stderr).toContain("'/nonexistent/mcp-server'");
    expect(stderr).toContain('could not connect');
    expect(stderr).not.toContain('secret-value');
    expect(ms).toBeLessThan(15_000);
  });

  it('over stdio, an upstream that exits at once is a message on stderr and exit 1', async () => {
    const { code, stderr } = await run(['--', process.execPath, '-e', 'process.exit(3)']);
    expect(code).toBe(1);
    expect(stderr).toContain('could not connect');
  });

  it('over stdio, an unreachable --url is a message on stderr and exit 1', async () => {
    const { code, stderr } = await run(['--url', `http://127.0.0.1:${await closedPort()}/mcp`]);
    expect(code).toBe(1);
    expect(stderr).toContain('could not connect');
  });

  it('over HTTP, an unreachable upstream is an MCP error on every call, which names it', async () => {
    const port = await closedPort();
    await using bridge = await startHttpBridge(['--url', `http://127.0.0.1:${port}/mcp`]);
    const client = new Client({ name: 'host', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(bridge.url));
    try {
      await expect(client.listTools()).rejects.toThrow(`127.0.0.1:${port}`);
      await expect(client.callTool({ name: 'echo', arguments: {} })).rejects.toThrow('could not connect');
    } finally {
      await client.close();
    }
  });

  it('an upstream that never answers initialize fails within the connect timeout, and its process ends', async () => {
    const marker = `mute-server-${process.pid}-${Date.now()}`;
    const bridge = new Bridge({
      upstreams: [
        {
          name: 'mute',
          source: { command: process.execPath, args: ['-e', `setInterval(() => {}, 1000); // ${marker}`] },
        },
      ],
      timeouts: { connectMs: 1_000 },
      log: () => undefined,
    });
    const started = performance.now();
    try {
      const error = await bridge.open().then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(ConnectionLostError.isInstance(error)).toBe(true);
      expect(performance.now() - started).toBeLessThan(15_000);
      // The server ignores its stdin closing: the bridge ended it, so a bridge exiting now orphans nothing.
      expect(processesWith(marker)).toEqual([]);
    } finally {
      await bridge.close();
    }
  });
});
