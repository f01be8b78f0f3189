import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { type Transport as ClientTransport, InMemoryTransport } from '@modelcontextprotocol/server';
import { createFixtureServer, type FixtureServer, type WireScript } from './fixture-server.ts';
import { launchBin, listenOnLoopback } from './local-host.ts';
import { type FixtureOptions, toArgs } from './options.ts';
import { type FixtureInspector, type FixtureStart, fileInspector, readStateFile } from './state.ts';

/**
 * A fixture server on a linked in-memory transport pair; connect a client to `clientTransport`. The pair
 * is the SDK v2's, whose `Transport` the 1.x server takes as it is (the shape is the same in both SDK
 * generations), so an SDK v2 client connects to the 2025 fixture in process.
 */
export interface InMemoryFixture extends AsyncDisposable {
  /** The client's end of the in-memory pair; connect a client (or a toolset) to it, once. */
  readonly clientTransport: ClientTransport;
  /** What the server received and holds, for a test's assertions. */
  readonly inspector: FixtureInspector;
  /** The fixture server itself (its resolved options, its inspector). */
  readonly fixture: FixtureServer;
  /** Adds `late_tool` (or removes it again) and sends notifications/tools/list_changed. */
  changeTools(): Promise<void>;
  /** Stops the server; the in-memory pair is closed. */
  close(): Promise<void>;
}

/** Starts a fixture server on an in-memory transport pair (one connection), with an optional wire script. */
export async function startInMemoryFixture(
  options: FixtureOptions = {},
  script?: WireScript,
): Promise<InMemoryFixture> {
  const fixture = createFixtureServer(options, script === undefined ? {} : { script });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  fixture.setDie(() => void serverTransport.close());
  await fixture.connect(serverTransport);
  const close = () => fixture.close();
  return {
    clientTransport,
    inspector: fixture.inspector,
    fixture,
    changeTools: () => fixture.changeTools(),
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** A fixture server on Streamable HTTP at 127.0.0.1 and an ephemeral port; any number of sessions. */
export interface HttpFixture extends AsyncDisposable {
  /** `http://127.0.0.1:<port>/mcp`. */
  readonly url: URL;
  /** What the server received and holds, across all sessions, for a test's assertions. */
  readonly inspector: FixtureInspector;
  /** The fixture server itself (its resolved options, its inspector). */
  readonly fixture: FixtureServer;
  /** Adds `late_tool` (or removes it again) and sends notifications/tools/list_changed to every session. */
  changeTools(): Promise<void>;
  /** The server "dies": every connection is destroyed and the port stops answering. */
  dropConnections(): void;
  /** Destroys every open socket (SSE streams, pending POSTs) once; the server keeps listening and its sessions stay valid. */
  resetConnections(): void;
  /** The server stops answering: no message in or out, and new HTTP requests get no response at all. */
  hang(): void;
  /**
   * Destroys the socket of every open standalone GET SSE stream (POSTs are untouched). Messages the server
   * sends meanwhile are held until the client opens a new one.
   */
  dropStreams(): void;
  /** How many MCP sessions are open (a client that closes properly ends its session). */
  sessionCount(): number;
  /** Stops the server and its port; every open connection is destroyed. */
  close(): Promise<void>;
}

/** Notifications held for a session whose standalone GET stream is not open (oldest dropped beyond this). */
const MAX_HELD_NOTIFICATIONS = 1_000;

/**
 * The standalone GET SSE stream of one session. The SDK drops a message for it while it is not open
 * (a notification sent right after initialize, before the client's GET arrives), so such messages are
 * held, up to {@link MAX_HELD_NOTIFICATIONS}, and sent once the stream opens.
 */
class StandaloneStream {
  readonly #send: Transport['send'];
  #held: JSONRPCMessage[] = [];
  #openedBy: ServerResponse | undefined;

  /** Wraps `transport.send`. */
  constructor(transport: Transport) {
    this.#send = transport.send.bind(transport);
    transport.send = async (message, options) => {
      const standalone = options?.relatedRequestId === undefined && 'method' in message;
      if (!standalone || this.#openedBy) return this.#send(message, options);
      this.#held.push(message);
      if (this.#held.length > MAX_HELD_NOTIFICATIONS) this.#held.shift();
    };
  }

  /** Watches a GET of this session: once it answers 200 the stream is open and the held messages go out. */
  watch(response: ServerResponse): void {
    const writeHead = response.writeHead.bind(response) as (...args: unknown[]) => ServerResponse;
    response.writeHead = ((...args: unknown[]) => {
      const written = writeHead(...args);
      if (response.statusCode === 200 && !this.#openedBy) {
        this.#openedBy = response;
        queueMicrotask(() => void this.#flush());
      }
      return written;
    }) as ServerResponse['writeHead'];
    response.once('close', () => {
      if (this.#openedBy === response) this.#openedBy = undefined;
    });
  }

  /** Destroys the socket of the open stream, if any (the client may open a new one). */
  drop(): void {
    const response = this.#openedBy;
    // Held from now on: the SDK may not have noticed yet that the stream is gone.
    this.#openedBy = undefined;
    response?.socket?.destroy();
  }

  async #flush(): Promise<void> {
    for (const message of this.#held.splice(0)) await this.#send(message).catch(() => undefined);
  }
}

/** Starts a fixture server on Streamable HTTP (stateful sessions; tasks are shared by all sessions), with an optional wire script. */
export async function startHttpFixture(options: FixtureOptions = {}, script?: WireScript): Promise<HttpFixture> {
  const fixture = createFixtureServer(options, script === undefined ? {} : { script });
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const streams = new Map<Transport, StandaloneStream>();
  let hung = false;
  const loopback = await listenOnLoopback((request, response) => {
    // A hung server reads the request and never answers; the socket is destroyed when the fixture closes.
    if (hung) return;
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500).end(String(error));
    });
  });
  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (new URL(request.url ?? '/', 'http://127.0.0.1').pathname !== '/mcp') {
      response.writeHead(404).end();
      return;
    }
    const sessionId = request.headers['mcp-session-id'];
    let transport = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    if (!transport) {
      if (typeof sessionId === 'string') {
        response
          .writeHead(404, { 'content-type': 'application/json' })
          .end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32001, message: 'Session not found' } }));
        return;
      }
      const created: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => {
          sessions.set(id, created);
        },
        onsessionclosed: (id) => {
          sessions.delete(id);
          streams.delete(created);
        },
      });
      transport = created;
      streams.set(created, new StandaloneStream(created));
      await fixture.connect(created);
    }
    if (request.method === 'GET') streams.get(transport)?.watch(response);
    await transport.handleRequest(request, response);
  }
  const { url } = loopback;
  const stop = () => loopback.stop();
  const dropConnections = () => void stop();
  const resetConnections = () => loopback.destroySockets();
  fixture.setDie(dropConnections);
  fixture.setFaults({
    dropConnections: resetConnections,
    hang: () => {
      hung = true;
    },
  });
  const close = async () => {
    await fixture.close();
    await stop();
  };
  return {
    url,
    inspector: fixture.inspector,
    fixture,
    changeTools: () => fixture.changeTools(),
    dropConnections,
    resetConnections,
    hang: () => fixture.hang(),
    dropStreams: () => {
      for (const stream of streams.values()) stream.drop();
    },
    sessionCount: () => sessions.size,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** How to start a fixture server as a child process over stdio; the caller (a StdioClientTransport) spawns it. */
export interface StdioFixture extends AsyncDisposable {
  /** `process.execPath`: the running Node. */
  readonly command: string;
  /** The arguments that start the fixture's bin with the options (and its state file). */
  readonly args: string[];
  /** Reads the state file the child rewrites on every change. */
  readonly inspector: FixtureInspector;
  /** Makes the running child add or remove `late_tool` and send notifications/tools/list_changed (by SIGUSR2). */
  changeTools(): Promise<void>;
  /** The running child's process id, once it has started. */
  pid(): Promise<number | undefined>;
  /**
   * Every process started from this command line so far, in order: a client that starts the server
   * once per connection leaves one entry per connection.
   */
  starts(): Promise<FixtureStart[]>;
  /** Removes the state file. (The child ends when its client closes stdin.) */
  close(): Promise<void>;
}

/**
 * The command and arguments of the fixture server's stdio bin with `options`. From source (in this
 * workspace, in tests) it runs `src/bin/fixture-server.ts` directly (Node 22.6+ strips the types);
 * from the published package, the built `dist/bin/fixture-server.mjs`.
 */
export function stdioFixture(options: FixtureOptions = {}): StdioFixture {
  const {
    command,
    args,
    logFile: stateFile,
    removeLog: close,
  } = launchBin(
    import.meta.url,
    { source: './bin/fixture-server.ts', built: './bin/fixture-server.mjs' },
    toArgs(options),
    '--state-file',
  );
  const changeTools = async () => {
    const { pid } = await readStateFile(stateFile);
    if (pid === undefined) throw new Error('the stdio fixture server has not started yet; connect a client first');
    process.kill(pid, 'SIGUSR2');
  };
  return {
    command,
    args,
    inspector: fileInspector(stateFile),
    changeTools,
    pid: async () => (await readStateFile(stateFile)).pid,
    starts: async () => (await readStateFile(stateFile)).starts,
    close,
    [Symbol.asyncDispose]: close,
  };
}
