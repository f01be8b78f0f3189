import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import {
  createMcpHandler,
  hostHeaderValidationResponse,
  isLegacyRequest,
  localhostAllowedHostnames,
  localhostAllowedOrigins,
  type McpServerFactory,
  originValidationResponse,
  WebStandardStreamableHTTPServerTransport,
} from '@modelcontextprotocol/server';

/** A bridge serving Streamable HTTP on 127.0.0.1. */
export interface HttpServing {
  /** `http://127.0.0.1:<port>/mcp`. */
  readonly url: URL;
  /** Tells 2026-07-28 hosts listening for changes that the tool list changed. */
  toolsChanged(): void;
  /** Stops listening, ends every session and connection. */
  close(): Promise<void>;
}

/**
 * Serves `factory` over Streamable HTTP on 127.0.0.1: 2026-07-28 requests through the SDK's
 * per-request handler, 2025 hosts in sessions (so that their `notifications/cancelled`, their
 * answers to the bridge's requests for input and the tool list's change notifications reach the
 * same server instance). Requests naming a host or origin other than loopback are refused (DNS
 * rebinding), and a host whose request goes away cancels it.
 */
export async function serveHttp(
  factory: McpServerFactory,
  port: number,
  sessionIdleMs = SESSION_IDLE_MS,
): Promise<HttpServing> {
  const modern = createMcpHandler(factory, { legacy: 'reject' });
  const sessions = new Map<string, Session>();
  // A 2025 host that goes without ending its session (most never send DELETE) leaves it behind:
  // a session with no request and no open stream for `sessionIdleMs` is ended.
  const sweep = setInterval(() => {
    const now = performance.now();
    for (const [id, session] of sessions)
      if (session.open === 0 && now - session.lastSeen > sessionIdleMs) {
        sessions.delete(id);
        void session.transport.close().catch(() => undefined);
      }
  }, sessionIdleMs / 4);
  sweep.unref();

  async function legacy(request: Request, finished: Promise<void>): Promise<Response> {
    const sessionId = request.headers.get('mcp-session-id');
    if (sessionId !== null) {
      const session = sessions.get(sessionId);
      if (!session)
        return jsonError(404, -32001, 'Session not found: it ended, or the bridge restarted; initialize a new one.');
      session.open += 1;
      session.lastSeen = performance.now();
      void finished.then(() => {
        session.open -= 1;
        session.lastSeen = performance.now();
      });
      return session.transport.handleRequest(request);
    }
    const transport: WebStandardStreamableHTTPServerTransport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, open: 0, lastSeen: performance.now() });
      },
      onsessionclosed: (id) => {
        sessions.delete(id);
      },
    });
    const product = await factory({ era: 'legacy', requestInfo: request });
    const server = 'server' in product ? product.server : product;
    await server.connect(transport);
    const previous = server.onclose;
    server.onclose = () => {
      previous?.();
      if (transport.sessionId !== undefined) sessions.delete(transport.sessionId);
    };
    const response = await transport.handleRequest(request);
    // A request that opened no session (not an initialize) leaves nothing behind.
    if (transport.sessionId === undefined) await transport.close();
    return response;
  }

  async function handle(request: Request, finished: Promise<void>): Promise<Response> {
    const rejected =
      hostHeaderValidationResponse(request, localhostAllowedHostnames()) ??
      originValidationResponse(request, localhostAllowedOrigins());
    if (rejected) return rejected;
    return (await isLegacyRequest(request)) ? legacy(request, finished) : modern.fetch(request);
  }

  const sockets = new Set<Socket>();
  const http = createServer((incoming, outgoing) => {
    if (new URL(incoming.url ?? '/', 'http://127.0.0.1').pathname !== '/mcp') {
      outgoing.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: the bridge serves MCP at /mcp.\n');
      return;
    }
    // The host's request going away (its connection closed before the answer was complete) aborts it.
    const gone = new AbortController();
    const finished = new Promise<void>((resolve) => {
      outgoing.on('close', () => {
        if (!outgoing.writableFinished) gone.abort(new Error('the HTTP request went away'));
        resolve();
      });
    });
    toRequest(incoming, gone.signal)
      .then((request) => handle(request, finished))
      .then((response) => writeResponse(response, outgoing))
      .catch((error: unknown) => {
        if (!outgoing.headersSent) outgoing.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
        else outgoing.destroy();
      });
  });
  http.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, '127.0.0.1', () => {
      http.off('error', reject);
      resolve();
    });
  });
  const address = http.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  let closed: Promise<void> | undefined;
  return {
    url: new URL(`http://127.0.0.1:${bound}/mcp`),
    toolsChanged: () => modern.notify.toolsChanged(),
    close: () => {
      closed ??= (async () => {
        clearInterval(sweep);
        await modern.close();
        await Promise.all([...sessions.values()].map(({ transport }) => transport.close().catch(() => undefined)));
        sessions.clear();
        await new Promise<void>((resolve) => {
          http.close(() => resolve());
          for (const socket of sockets) socket.destroy();
        });
      })();
      return closed;
    },
  };
}

/** A 2025 host's session: its transport, its requests still open (a listening GET stream among them), when it was last used. */
interface Session {
  readonly transport: WebStandardStreamableHTTPServerTransport;
  open: number;
  lastSeen: number;
}

/** How long a 2025 session with no request and no open stream is kept, by default. */
export const SESSION_IDLE_MS = 30 * 60_000;

function jsonError(status: number, code: number, message: string): Response {
  return new Response(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code, message } }), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

/** A web Request for a Node request; its body streams in, and `signal` aborts it. */
function toRequest(incoming: IncomingMessage, signal: AbortSignal): Promise<Request> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, value);
  }
  const method = incoming.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  return Promise.resolve(
    new Request(new URL(incoming.url ?? '/', 'http://127.0.0.1'), {
      method,
      headers,
      signal,
      ...(hasBody ? { body: Readable.toWeb(incoming) as ReadableStream<Uint8Array>, duplex: 'half' } : {}),
    } as RequestInit),
  );
}

/** Writes a web Response to a Node response, streaming its body (SSE included) as it comes. */
async function writeResponse(response: Response, outgoing: ServerResponse): Promise<void> {
  outgoing.writeHead(response.status, Object.fromEntries(response.headers));
  if (!response.body) {
    outgoing.end();
    return;
  }
  const body = Readable.fromWeb(response.body as unknown as NodeReadableStream<Uint8Array>);
  outgoing.on('close', () => body.destroy());
  body.on('error', () => outgoing.destroy());
  body.pipe(outgoing);
}
