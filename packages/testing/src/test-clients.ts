// Test helpers (not exported by the package): SDK v2 clients and raw JSON-RPC peers on each transport,
// with the 2025-11-25 task requests the v2 client's typed API does not offer.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import {
  Client,
  type JSONRPCMessage,
  type RequestOptions,
  StreamableHTTPClientTransport,
  specTypeSchemas,
  type Transport,
} from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import type { FixtureOptions } from './options.ts';
import type { FixtureInspector } from './state.ts';
import { type HttpFixture, startHttpFixture, startInMemoryFixture, stdioFixture } from './transports.ts';

/** Cleanups of the running test, run in reverse order by the test file's afterEach. */
export const cleanups: (() => Promise<void>)[] = [];

/** Runs and forgets the cleanups (register with `afterEach(runCleanups)`). */
export async function runCleanups(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}

/** An SDK v2 client connected to a fixture, and what its transport received, raw and in order. */
export interface Connected {
  readonly client: Client;
  readonly inspector: FixtureInspector;
  /** Every message the client's transport delivered, in arrival order (before the SDK handled it). */
  readonly wire: JSONRPCMessage[];
  /** The HTTP fixture, on the http transport. */
  readonly http: HttpFixture | undefined;
  /** The stdio child's pid, on the stdio transport. */
  readonly pid: number | undefined;
  changeTools(): Promise<void>;
}

/** Connects an SDK v2 client; `setup` runs before the handshake (to catch notifications sent right after it). */
export type Connect = (options?: FixtureOptions, setup?: (client: Client) => void) => Promise<Connected>;

async function clientOn(transport: Transport, setup?: (client: Client) => void) {
  const client = new Client({ name: 'fixture-test', version: '1' }, { capabilities: { elicitation: {} } });
  client.setRequestHandler('elicitation/create', async () => ({ action: 'accept', content: { name: 'Ada' } }));
  setup?.(client);
  const wire: JSONRPCMessage[] = [];
  const start = transport.start.bind(transport);
  transport.start = async () => {
    const deliver = transport.onmessage;
    transport.onmessage = (message, extra) => {
      wire.push(message);
      deliver?.(message, extra);
    };
    await start();
  };
  await client.connect(transport);
  cleanups.push(() => client.close());
  return { client, wire };
}

/** The three transports, each connecting an SDK v2 client (answering elicitation with { name: 'Ada' }). */
export const transports: { name: 'in-memory' | 'stdio' | 'http'; connect: Connect }[] = [
  {
    name: 'in-memory',
    connect: async (options, setup) => {
      const fixture = await startInMemoryFixture(options);
      cleanups.push(() => fixture.close());
      return {
        ...(await clientOn(fixture.clientTransport, setup)),
        inspector: fixture.inspector,
        http: undefined,
        pid: undefined,
        changeTools: () => fixture.changeTools(),
      };
    },
  },
  {
    name: 'stdio',
    connect: async (options, setup) => {
      const fixture = stdioFixture(options);
      cleanups.push(() => fixture.close());
      const transport = new StdioClientTransport({ command: fixture.command, args: fixture.args, stderr: 'ignore' });
      return {
        ...(await clientOn(transport, setup)),
        inspector: fixture.inspector,
        http: undefined,
        pid: transport.pid ?? undefined,
        changeTools: () => fixture.changeTools(),
      };
    },
  },
  {
    name: 'http',
    connect: async (options, setup) => {
      const fixture = await startHttpFixture(options);
      cleanups.push(() => fixture.close());
      return {
        ...(await clientOn(new StreamableHTTPClientTransport(fixture.url), setup)),
        inspector: fixture.inspector,
        http: fixture,
        pid: undefined,
        changeTools: () => fixture.changeTools(),
      };
    },
  },
];

let progressTokens = 0;

/**
 * Starts a task-augmented call; resolves with the CreateTaskResult. A task reports progress after its
 * CreateTaskResult, when the client has already dropped the request's `onprogress`; so `onprogress` here
 * gets a token of its own and a `notifications/progress` handler routes by it. That handler replaces the
 * client's own progress routing: one task's progress per client.
 */
export function createTask(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
  options: RequestOptions = {},
) {
  const { onprogress, ...rest } = options;
  let meta: { progressToken: string } | undefined;
  if (onprogress) {
    progressTokens += 1;
    const token = `task-progress-${progressTokens}`;
    meta = { progressToken: token };
    client.setNotificationHandler('notifications/progress', ({ params: { progressToken, ...update } }) => {
      if (progressToken === token) onprogress(update);
    });
  }
  return client.request(
    { method: 'tools/call', params: { name, arguments: args, task: {}, ...(meta ? { _meta: meta } : {}) } },
    specTypeSchemas.CreateTaskResult,
    rest,
  );
}

/** `tasks/get`. */
export function getTask(client: Client, taskId: string, options?: RequestOptions) {
  return client.request({ method: 'tasks/get', params: { taskId } }, specTypeSchemas.GetTaskResult, options);
}

/** `tasks/result` (blocks until the task is terminal), read as a tool result. */
export function getTaskResult(client: Client, taskId: string, options?: RequestOptions) {
  return client.request({ method: 'tasks/result', params: { taskId } }, specTypeSchemas.CallToolResult, options);
}

/** `tasks/cancel`. */
export function cancelTask(client: Client, taskId: string, options?: RequestOptions) {
  return client.request({ method: 'tasks/cancel', params: { taskId } }, specTypeSchemas.CancelTaskResult, options);
}

/** One page of `tasks/list`. */
export function listTasks(client: Client, cursor?: string, options?: RequestOptions) {
  const params = cursor === undefined ? {} : { cursor };
  return client.request({ method: 'tasks/list', params }, specTypeSchemas.ListTasksResult, options);
}

/**
 * One `tools/list` request: one page, as the server sent it. (The client's `listTools()` without a cursor
 * walks every page and caches the list, so it would hide what a test counts.)
 */
export function listToolsPage(client: Client, cursor?: string, options?: RequestOptions) {
  return client.request({ method: 'tools/list', params: cursor === undefined ? {} : { cursor } }, options);
}

/** Calls `handler` with the params of every `notifications/tasks/status`. */
export function onTaskStatus(
  client: Client,
  handler: (params: { taskId: string; status: string; statusMessage?: string | undefined }) => void,
): void {
  client.setNotificationHandler(
    'notifications/tasks/status',
    { params: specTypeSchemas.TaskStatusNotificationParams },
    handler,
  );
}

/**
 * Runs a tool as a task and follows it as a streaming task call does: it polls `tasks/get` at the task's
 * poll interval, then fetches `tasks/result` once the task completes or needs input. Returns the task id
 * and the final message: `result`, or `error` if the task failed or was cancelled or a request failed.
 */
export async function streamTask(client: Client, name: string, args: Record<string, unknown>) {
  let taskId = '';
  let final: { type: string; result?: unknown; error?: unknown } = { type: 'none' };
  try {
    taskId = (await createTask(client, name, args)).task.taskId;
    for (;;) {
      const task = await getTask(client, taskId);
      if (task.status === 'completed' || task.status === 'input_required') {
        final = { type: 'result', result: await getTaskResult(client, taskId) };
        break;
      }
      if (task.status === 'failed' || task.status === 'cancelled') {
        final = { type: 'error', error: new Error(`task ${taskId} ended ${task.status}`) };
        break;
      }
      await delay(task.pollInterval ?? 1_000);
    }
  } catch (error) {
    final = { type: 'error', error };
  }
  return { taskId, final };
}

/** A raw JSON-RPC answer or notification, as parsed from the wire (it may not be valid MCP). */
export type RawMessage = { id?: number; method?: string; result?: unknown; error?: { code: number }; params?: unknown };

/**
 * A raw JSON-RPC peer of a fixture server, with no SDK client in between, so answers the SDK would
 * reject are seen as sent. `chunks` are the units the transport delivered (stdout reads, for stdio).
 */
export interface RawPeer {
  readonly messages: RawMessage[];
  readonly chunks: string[];
  /** Sends a request and resolves with its answer (whatever it is). */
  request(method: string, params?: Record<string, unknown>): Promise<RawMessage>;
  close(): Promise<void>;
}

function rawPeer(send: (message: object) => void, close: () => Promise<void>) {
  const messages: RawMessage[] = [];
  const chunks: string[] = [];
  const waiting = new Map<number, (message: RawMessage) => void>();
  let nextId = 1;
  const receive = (message: RawMessage) => {
    messages.push(message);
    if (message.id !== undefined && message.method === undefined) waiting.get(message.id)?.(message);
  };
  const peer: RawPeer = {
    messages,
    chunks,
    request(method, params = {}) {
      const id = nextId++;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        send({ jsonrpc: '2.0', id, method, params });
      });
    },
    close,
  };
  const handshake = async () => {
    await peer.request('initialize', {
      protocolVersion: '2025-11-25',
      capabilities: {},
      clientInfo: { name: 'raw', version: '1' },
    });
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    return peer;
  };
  return { receive, chunks, handshake };
}

/** A raw peer on an in-memory fixture, initialized. */
export async function rawInMemory(options: FixtureOptions = {}): Promise<RawPeer> {
  const fixture = await startInMemoryFixture(options);
  const transport = fixture.clientTransport;
  const { receive, chunks, handshake } = rawPeer(
    (message) => void transport.send(message as JSONRPCMessage),
    () => fixture.close(),
  );
  transport.onmessage = (message) => {
    chunks.push(JSON.stringify(message));
    receive(message as RawMessage);
  };
  await transport.start();
  cleanups.push(() => fixture.close());
  return handshake();
}

/** A raw peer on a stdio fixture child, initialized; closing it ends the child. */
export async function rawStdio(options: FixtureOptions = {}): Promise<RawPeer> {
  const fixture = stdioFixture(options);
  const child: ChildProcessWithoutNullStreams = spawn(fixture.command, fixture.args, { stdio: 'pipe' });
  let buffer = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async () => {
    child.stdin.end();
    await exited;
    await fixture.close();
  };
  const { receive, chunks, handshake } = rawPeer((message) => child.stdin.write(`${JSON.stringify(message)}\n`), close);
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    chunks.push(chunk);
    buffer += chunk;
    let newline = buffer.indexOf('\n');
    while (newline >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (line.trim()) receive(JSON.parse(line) as RawMessage);
      newline = buffer.indexOf('\n');
    }
  });
  cleanups.push(close);
  return handshake();
}

/** Both raw peers, for describe.each. */
export const rawPeers = [
  { name: 'in-memory', open: rawInMemory },
  { name: 'stdio', open: rawStdio },
];

/** Resolves after `ms`. */
export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether a process with this id is running. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
