// Test helpers of this package (not published): the bridge's bin started as a host starts it, the
// fixture servers of both generations behind it, and the SDK 1.x client that most hosts embed.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  type FixtureOptions,
  stdioFixture,
  type TasksExtensionFixtureOptions,
  tasksExtensionStdioFixture,
} from '@toolwright/testing';

/** The bridge's bin, run from source as the workspace runs TypeScript (Node 22.6+ strips the types). */
const BIN = fileURLToPath(new URL('./bin.ts', import.meta.url));

/** The command line that starts the bridge with `args`. */
export function bridgeCommand(args: readonly string[]): { command: string; args: string[] } {
  return {
    command: process.execPath,
    args: ['--conditions=@toolwright/source', '--disable-warning=ExperimentalWarning', BIN, ...args],
  };
}

/** The two generations of MCP tasks, each with a fixture server and the tools the tests call on it. */
export type Generation = '2025-11-25' | '2026-07-28';

/** Both generations, for `describe.each`. */
export const GENERATIONS: readonly Generation[] = ['2025-11-25', '2026-07-28'];

/** A fixture server of one generation, run by the bridge as its stdio upstream. */
export interface UpstreamFixture extends AsyncDisposable {
  readonly command: string;
  readonly args: readonly string[];
  /** What the server saw of its tasks (either generation's inspector has these). */
  readonly inspector: {
    tasks(): Promise<
      readonly {
        readonly taskId: string;
        readonly tool: string;
        readonly status: string;
        readonly cancelRequested: boolean;
        readonly cancelObserved: boolean;
      }[]
    >;
  };
  pid(): Promise<number | undefined>;
  close(): Promise<void>;
}

/** The tools each generation's fixture offers for the host tests. */
export interface GenerationTools {
  /** A required-task tool that takes `ms` with a status message per step (`step i of N`). */
  longTask(steps: number, ms: number): { name: string; arguments: Record<string, unknown> };
  /** A task that runs until cancelled. */
  readonly cancellable: { name: string; arguments: Record<string, unknown> };
  /** A task that elicits `{ name }` and answers `Hello, <name>`. */
  readonly input: { name: string; arguments: Record<string, unknown> };
  /** A call that asks the host's model (sampling), answering with the text the model gave. */
  readonly sampling: { name: string; arguments: Record<string, unknown>; answer: (text: string) => string };
  /** A required-task tool that answers `done: <value>` after `delayMs`. */
  readonly quickTask: { name: string; arguments: Record<string, unknown>; answer: string };
}

/** A fixture of `generation` for a bridge's upstream, with the tools to call. */
export function fixtureOf(
  generation: Generation,
  options: FixtureOptions & TasksExtensionFixtureOptions = {},
): UpstreamFixture & { readonly tools: GenerationTools } {
  if (generation === '2025-11-25') {
    const fixture = stdioFixture(options);
    return Object.assign(fixture, {
      tools: {
        longTask: (steps: number, ms: number) => ({
          name: 'progress_task',
          arguments: { steps, stepMs: Math.round(ms / steps) },
        }),
        cancellable: { name: 'cancellable_task', arguments: { durationMs: 30_000 } },
        input: { name: 'input_task', arguments: {} },
        sampling: {
          name: 'sampling_tool',
          arguments: { prompt: 'Say hi' },
          answer: (text: string) => `the model said: ${text}`,
        },
        quickTask: { name: 'slow_task', arguments: { delayMs: 200, value: 'bridged' }, answer: 'done: bridged' },
      },
    });
  }
  const fixture = tasksExtensionStdioFixture(options);
  return Object.assign(fixture, {
    tools: {
      longTask: (steps: number, ms: number) => ({ name: 'slow_task', arguments: { steps, delayMs: ms } }),
      cancellable: { name: 'cancellable_task', arguments: { durationMs: 30_000 } },
      input: { name: 'input_task', arguments: {} },
      sampling: {
        name: 'sampling_task',
        arguments: { prompt: 'Say hi' },
        answer: (text: string) => `model said: ${text}`,
      },
      quickTask: {
        name: 'slow_task',
        arguments: { steps: 1, delayMs: 200, value: 'bridged' },
        answer: 'done: bridged',
      },
    },
  });
}

/** A bridge serving Streamable HTTP as a child process. */
export interface HttpBridge extends AsyncDisposable {
  readonly url: URL;
  readonly child: ChildProcess;
  /** What the bridge wrote to stderr so far. */
  stderr(): string;
  /** Stops the bridge (SIGTERM) and waits for it to exit. */
  close(): Promise<void>;
}

/** HTTP bridges still running: a test that timed out before closing one leaves no process behind when the worker exits. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts the bridge's bin with `--http` and `args`; resolves with the URL it prints on stdout's first line. */
export async function startHttpBridge(args: readonly string[]): Promise<HttpBridge> {
  const { command, args: argv } = bridgeCommand(['--http', ...args]);
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const url = await new Promise<URL>((resolve, reject) => {
    let stdout = '';
    const onData = (chunk: Buffer) => {
      stdout += chunk;
      const line = stdout.split('\n')[0];
      if (stdout.includes('\n') && line) {
        child.stdout?.off('data', onData);
        resolve(new URL(line));
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the bridge exited (${code}) before printing its URL: ${stderr}`)));
  });
  const close = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  };
  return { url, child, stderr: () => stderr, close, [Symbol.asyncDispose]: close };
}

/** How a host reaches the bridge in a test. */
export type HostTransport = 'stdio' | 'http';

/** Both, for `describe.each`. */
export const HOST_TRANSPORTS: readonly HostTransport[] = ['stdio', 'http'];

/** An SDK 1.x client (a host) connected to a bridge, and the bridge. */
export interface V1Host extends AsyncDisposable {
  readonly client: Client;
  /** The bridge's stderr (the HTTP bridge's; the stdio one writes to the test's). */
  stderr(): string;
  close(): Promise<void>;
}

/** The bridge arguments that run `upstream` (a fixture) as its stdio upstream. */
export function upstreamArgs(upstream: { readonly command: string; readonly args: readonly string[] }): string[] {
  return ['--', upstream.command, ...upstream.args];
}

/** Starts a bridge with `bridgeArgs` and connects an SDK 1.x client to it over `transport`, declaring `capabilities`. */
export async function connectV1Host(
  transport: HostTransport,
  bridgeArgs: readonly string[],
  capabilities: Record<string, unknown> = {},
): Promise<V1Host> {
  const client = new Client({ name: 'test-host', version: '1.0.0' }, { capabilities: capabilities as never });
  if (transport === 'stdio') {
    const { command, args } = bridgeCommand(bridgeArgs);
    await client.connect(new StdioClientTransport({ command, args, stderr: 'inherit' }));
    const close = () => client.close();
    return { client, stderr: () => '', close, [Symbol.asyncDispose]: close };
  }
  const bridge = await startHttpBridge(bridgeArgs);
  try {
    await client.connect(new StreamableHTTPClientTransport(bridge.url));
  } catch (error) {
    await bridge.close();
    throw error;
  }
  const close = async () => {
    await client.close().catch(() => undefined);
    await bridge.close();
  };
  return { client, stderr: () => bridge.stderr(), close, [Symbol.asyncDispose]: close };
}

/** How `vi.waitFor` polls in these tests: every 20 ms, failing after 30 s. */
export const UNTIL = { timeout: 30_000, interval: 20 } as const;
