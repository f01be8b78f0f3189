import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import {
  hostHeaderValidationResponse,
  localhostAllowedHostnames,
  localhostAllowedOrigins,
  originValidationResponse,
} from '@modelcontextprotocol/server';
import { launchBin, listenOnLoopback } from '../local-host.ts';
import type { FixtureStart } from '../state.ts';
import { type TasksExtensionFixtureOptions, tasksExtensionArgs } from './options.ts';
import { createTasksExtensionServer, type TasksExtensionServer } from './server.ts';
import { readTasksExtensionLog, type TasksExtensionInspector, tasksExtensionFileInspector } from './state.ts';

/** The in-process 2026 fixture: no socket; a client transport calls `fetch` (the SDK v2 entry for 2026-07-28 in memory). */
export interface InMemoryTasksExtensionFixture extends AsyncDisposable {
  /** A URL the client may name; nothing listens there, `fetch` answers. */
  readonly url: URL;
  /** Give it to a Streamable HTTP client transport as its `fetch` option. */
  readonly fetch: (url: string | URL, init?: RequestInit) => Promise<Response>;
  /** What the server received and holds, for a test's assertions. */
  readonly inspector: TasksExtensionInspector;
  /** The fixture server itself (options, task store, records). */
  readonly server: TasksExtensionServer;
  /** Stops the server (and, over HTTP, its port); every open connection is ended. */
  close(): Promise<void>;
}

/** Starts the 2026 fixture in process (served through the SDK v2 handler's fetch). */
export async function startInMemoryTasksExtensionFixture(
  options: TasksExtensionFixtureOptions = {},
): Promise<InMemoryTasksExtensionFixture> {
  const server = createTasksExtensionServer(options);
  const url = new URL('http://in-memory.toolwright.invalid/mcp');
  const close = () => server.close();
  return {
    url,
    fetch: (target, init) => server.fetch(new Request(target, init)),
    inspector: server.inspector,
    server,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** The 2026 fixture on Streamable HTTP at 127.0.0.1 and an ephemeral port (stateless: no sessions). */
export interface HttpTasksExtensionFixture extends AsyncDisposable {
  /** `http://127.0.0.1:<port>/mcp`. */
  readonly url: URL;
  /** What the server received and holds, for a test's assertions. */
  readonly inspector: TasksExtensionInspector;
  /** The fixture server itself (options, task store, records). */
  readonly server: TasksExtensionServer;
  /** Stops the server (and, over HTTP, its port); every open connection is ended. */
  close(): Promise<void>;
}

async function toRequest(incoming: IncomingMessage, signal: AbortSignal): Promise<Request> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (typeof value === 'string') headers.set(name, value);
    else if (Array.isArray(value)) for (const item of value) headers.append(name, item);
  }
  const chunks: Buffer[] = [];
  if (incoming.method === 'POST') for await (const chunk of incoming) chunks.push(chunk as Buffer);
  return new Request(new URL(incoming.url ?? '/', 'http://127.0.0.1'), {
    method: incoming.method ?? 'GET',
    headers,
    ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
    signal,
  });
}

async function writeResponse(response: Response, outgoing: ServerResponse): Promise<void> {
  outgoing.writeHead(response.status, Object.fromEntries(response.headers));
  if (!response.body) {
    outgoing.end();
    return;
  }
  const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
  outgoing.on('close', () => body.destroy());
  body.on('error', () => outgoing.destroy());
  body.pipe(outgoing);
}

/** Starts the 2026 fixture on Streamable HTTP (127.0.0.1, ephemeral port). */
export async function startHttpTasksExtensionFixture(
  options: TasksExtensionFixtureOptions = {},
): Promise<HttpTasksExtensionFixture> {
  const server = createTasksExtensionServer(options);
  const loopback = await listenOnLoopback((incoming, outgoing) => {
    if (new URL(incoming.url ?? '/', 'http://127.0.0.1').pathname !== '/mcp') {
      outgoing.writeHead(404).end();
      return;
    }
    const aborted = new AbortController();
    outgoing.on('close', () => aborted.abort());
    toRequest(incoming, aborted.signal)
      // Loopback only: a request naming another host or origin (DNS rebinding) is refused with 403.
      .then(
        (request) =>
          hostHeaderValidationResponse(request, localhostAllowedHostnames()) ??
          originValidationResponse(request, localhostAllowedOrigins()) ??
          server.fetch(request),
      )
      .then((response) => writeResponse(response, outgoing))
      .catch((error: unknown) => {
        if (!outgoing.headersSent) outgoing.writeHead(500).end(String(error));
        else outgoing.destroy();
      });
  });
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      await server.close();
      await loopback.stop();
    })();
    return closed;
  };
  return {
    url: loopback.url,
    inspector: server.inspector,
    server,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** How to start the 2026 fixture as a child process over stdio; the caller's stdio client transport spawns it. */
export interface StdioTasksExtensionFixture extends AsyncDisposable {
  /** `process.execPath`: the running Node. */
  readonly command: string;
  /** The arguments that start the fixture's bin with the options (and its log file). */
  readonly args: string[];
  /** Reads the log the child appends to on every change. */
  readonly inspector: TasksExtensionInspector;
  /** The running child's process id, once it has started. */
  pid(): Promise<number | undefined>;
  /**
   * Every process started from this command line so far, in order: a client that starts the server
   * once per connection leaves one entry per connection.
   */
  starts(): Promise<FixtureStart[]>;
  /** Removes the log. (The child ends when its client closes stdin.) */
  close(): Promise<void>;
}

/**
 * The command and arguments of the 2026 fixture's stdio bin. From source (this workspace, tests) it runs
 * `tasks-extension/bin.ts` directly (Node 22.6+ strips the types); from the published package, the built bin.
 */
export function tasksExtensionStdioFixture(options: TasksExtensionFixtureOptions = {}): StdioTasksExtensionFixture {
  const {
    command,
    args,
    logFile,
    removeLog: close,
  } = launchBin(
    import.meta.url,
    { source: './bin.ts', built: './tasks-extension/bin.mjs' },
    tasksExtensionArgs(options),
    '--log-file',
  );
  return {
    command,
    args,
    inspector: tasksExtensionFileInspector(logFile),
    pid: async () => (await readTasksExtensionLog(logFile)).pid,
    starts: async () => (await readTasksExtensionLog(logFile)).starts,
    close,
    [Symbol.asyncDispose]: close,
  };
}
