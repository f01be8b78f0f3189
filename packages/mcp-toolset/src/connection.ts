import {
  Client,
  ProtocolError as JsonRpcError,
  SdkError,
  SdkErrorCode,
  StreamableHTTPClientTransport,
  type Transport,
} from '@modelcontextprotocol/client';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import {
  CancelledError,
  ConnectionLostError,
  type ProgressUpdate,
  ProtocolError,
  RequestTimeoutError,
  UserError,
} from '@toolwright/core';
import { isPlainObject } from '@toolwright/core/internal';
import { z } from 'zod/v4';
import { CLIENT_INFO } from './client-info.ts';
import type { MCPServerSource, MCPToolsetOptions, ResolvedOptions, StdioServer } from './options.ts';
import { ParamHeaderMirror } from './param-headers/param-headers.ts';
import {
  malformedResponse,
  repairDeliveredResponses,
  repairingFetch,
  repairStdioResponses,
} from './sdk/malformed-responses.ts';
import { answerEmbedded, hasRequestHandler, RawRequests } from './sdk/sdk-bypass.ts';

/**
 * Results are validated by this package (see wire.ts), so the SDK is asked to pass them through
 * untouched. This is also how task traffic gets through SDK 2.x: its typed callTool rejects a
 * CreateTaskResult (see sdk-gaps.test.ts), and tasks/* are no spec methods to it without a schema.
 */
const RAW_RESULT = z.unknown();

/** How long a probe of an HTTP server whose stream broke may take before the failure is left to the next request. */
const PROBE_MS = 1_000;
/** How long close() waits for the server to confirm the end of an HTTP session. */
const TERMINATE_SESSION_MS = 2_000;

/** Options of one request. */
export interface RequestOptions {
  readonly signal?: AbortSignal | undefined;
  /** Overrides the toolset's request timeout. */
  readonly timeoutMs?: number | undefined;
  /** Sent as `_meta.progressToken`; see {@link Connection.onProgress}. */
  readonly progressToken?: string | undefined;
  /** A raw request only: called with an answer that arrived after the request was abandoned. */
  readonly onLateAnswer?: ((result: unknown) => void) | undefined;
}

/** The option that answers each kind of server request for input, for the error that names it. */
const INPUT_OPTIONS: Readonly<Record<string, string>> = {
  'elicitation/create':
    "the `elicitation` option to MCPToolset: elicitation: async (request, context) => ({ action: 'accept', content: { ... } })",
  'sampling/createMessage':
    'the `sampling` option to MCPToolset: sampling: async (request, context) => ({ role, content, model })',
  'roots/list': 'a connected SDK Client with a roots/list handler as the source (the toolset has no roots option)',
};

/** JSON-RPC "Method not found". */
const METHOD_NOT_FOUND = -32601;

/**
 * The error for input a server asked for that the toolset cannot give: `what` needs it ("Task 1
 * of tool 'x'"), `afterwards` says what became of it (", so the task was cancelled").
 */
export function noInputHandler(what: string, method: string, afterwards = ''): UserError {
  const option = INPUT_OPTIONS[method];
  return new UserError(
    `${what} needs input (${method.slice(0, 60)}), but the toolset has no handler to answer it${afterwards}. ${option === undefined ? 'The toolset answers only elicitation, sampling and roots requests.' : `Pass ${option}.`}`,
  );
}

/** A server request for input the toolset refused for want of a handler: its method, and the task it was for. */
export interface RefusedInput {
  readonly method: string;
  readonly taskId: string | undefined;
}

/**
 * One live connection to an MCP server: the SDK client, the routing of progress to the calls
 * waiting for it, and requests that turn transport failures into
 * {@link ConnectionLostError}s.
 */
export class Connection {
  readonly client: Client;
  #serverKey: string;
  readonly #ownsClient: boolean;
  readonly #requestMs: number;
  readonly #progressListeners = new Map<string, (update: ProgressUpdate) => void>();
  readonly #closeListeners = new Set<(error: ConnectionLostError) => void>();
  readonly #raw: RawRequests;
  readonly #refusedListeners = new Set<(refused: RefusedInput) => void>();
  #lost: ConnectionLostError | undefined;
  #closing = false;
  #probing = false;
  /** Parts of the source that must never appear in a message: credentials, query strings, arguments. */
  #secrets: readonly string[] = [];
  #nextToken = 0;
  /**
   * Which task a server request (elicitation, sampling) belongs to, read from its `_meta`: set by the
   * task generation in use, since each marks it its own way.
   */
  relatedTaskOf: (meta: unknown) => string | undefined = () => undefined;
  /**
   * Mirrors tools/call arguments into `Mcp-Param-*` headers (SEP-2243) on the connection's transport;
   * the toolset hands it the designated parameters of each listing.
   */
  readonly paramHeaders = new ParamHeaderMirror();

  private constructor(client: Client, serverKey: string, ownsClient: boolean, requestMs: number) {
    this.client = client;
    this.#serverKey = serverKey;
    this.#ownsClient = ownsClient;
    this.#requestMs = requestMs;
    this.#raw = new RawRequests(client);
  }

  /**
   * Connects to `source` (or adopts a connected client) and installs the notification routing. A
   * client the toolset makes declares `extraCapabilities` besides its handlers'.
   */
  static async open(
    source: MCPServerSource,
    options: MCPToolsetOptions,
    resolved: ResolvedOptions,
    extraCapabilities: Readonly<Record<string, unknown>> = {},
  ): Promise<Connection> {
    if (isClient(source)) {
      if (source.getServerCapabilities() === undefined) {
        throw new UserError(
          'The Client given to MCPToolset is not connected; connect it first, or pass its transport instead.',
        );
      }
      const key = options.id ?? `mcp:${source.getServerVersion()?.name ?? 'server'}`;
      const connection = new Connection(source, key, false, resolved.requestMs);
      connection.#install(options);
      repairDeliveredResponses(source.transport, () => connection.protocolVersion === '2026-07-28');
      connection.paramHeaders.install(source.transport);
      return connection;
    }
    const { transport, key, secrets } = createTransport(source);
    const client = new Client(options.clientInfo ?? CLIENT_INFO, {
      capabilities: {
        // Form mode with applyDefaults: an accepted answer that omits a field gets the schema's default.
        ...(options.elicitation ? { elicitation: { form: { applyDefaults: true } } } : {}),
        ...(options.sampling ? { sampling: {} } : {}),
        ...extraCapabilities,
      },
      versionNegotiation: { mode: negotiationMode(options.protocolVersion) },
    });
    const connection = new Connection(client, options.id ?? key, true, resolved.requestMs);
    connection.#secrets = secrets;
    connection.#install(options);
    try {
      await client.connect(transport, { timeout: resolved.connectMs });
    } catch (error) {
      await client.close().catch(() => undefined);
      const { message, cause } = connection.#redacted(error);
      throw new ConnectionLostError(
        `Could not connect to the MCP server ${key}: ${message}. Check that the server is running (or that the command exists) and speaks MCP.`,
        { cause },
      );
    }
    repairDeliveredResponses(client.transport, () => connection.protocolVersion === '2026-07-28');
    connection.paramHeaders.install(client.transport);
    if (options.id === undefined && key === 'transport')
      connection.#serverKey = `mcp:${client.getServerVersion()?.name ?? 'server'}`;
    return connection;
  }

  /** Identifies the server in task references: the toolset id, else its URL, command, or (for a transport) its name. */
  get serverKey(): string {
    return this.#serverKey;
  }

  /** The protocol version agreed with the server. */
  get protocolVersion(): string | undefined {
    return this.client.getNegotiatedProtocolVersion();
  }

  /** The error the connection was lost with, if it was. */
  get lost(): ConnectionLostError | undefined {
    return this.#lost;
  }

  /** A fresh progress token for {@link RequestOptions.progressToken}. */
  newProgressToken(): string {
    return `toolwright-${++this.#nextToken}`;
  }

  /** Routes progress notifications carrying `token` to `listener` until the returned function is called. */
  onProgress(token: string, listener: (update: ProgressUpdate) => void): () => void {
    this.#progressListeners.set(token, listener);
    return () => {
      this.#progressListeners.delete(token);
    };
  }

  /**
   * Calls `listener` for each server request for input the toolset refused because nothing
   * answers its method, until the returned function is called.
   */
  onInputRefused(listener: (refused: RefusedInput) => void): () => void {
    this.#refusedListeners.add(listener);
    return () => {
      this.#refusedListeners.delete(listener);
    };
  }

  /** Calls `listener` once if the connection is lost (not when it is closed on purpose). */
  onLost(listener: (error: ConnectionLostError) => void): () => void {
    this.#closeListeners.add(listener);
    return () => {
      this.#closeListeners.delete(listener);
    };
  }

  /**
   * Sends a request and returns the raw result (the caller validates it). Each request gets its own
   * abort controller, linked to `options.signal` only while it runs: the SDK never removes the
   * listener it adds to a signal, so a long-lived run signal must not be handed to it directly.
   */
  async request(method: string, params: Record<string, unknown>, options: RequestOptions = {}): Promise<unknown> {
    return this.#exchange(method, params, options, (message, signal, timeout) =>
      this.client.request(message as Parameters<Client['request']>[0], RAW_RESULT, { signal, timeout }),
    );
  }

  /**
   * Like {@link request}, but sent straight on the transport (see sdk-bypass.ts), for answers the
   * SDK's decoder would refuse (a 2026-07-28 tools/call answered with a task).
   */
  rawRequest(method: string, params: Record<string, unknown>, options: RequestOptions = {}): Promise<unknown> {
    return this.#exchange(method, params, options, (message, signal, timeoutMs) =>
      this.#raw.send(message.method, message.params, { signal, timeoutMs, onLateAnswer: options.onLateAnswer }),
    );
  }

  /** Whether a server request for input of `method` has a handler (the toolset's option, or the app's own Client). */
  answers(method: string): boolean {
    return hasRequestHandler(this.client, method);
  }

  /**
   * Answers an input request a server embedded in a result (2026-07-28) through the same handler a
   * standalone request of `method` gets; a method without a handler is a UserError naming the option.
   */
  async answerEmbedded(
    key: string,
    method: string,
    params: Readonly<Record<string, unknown>>,
    context: {
      readonly relatedMeta: Record<string, unknown>;
      readonly signal: AbortSignal;
      /** Names who asks, and what becomes of it, for the error when nothing can answer. */
      readonly what: string;
      readonly afterwards: string;
    },
  ): Promise<unknown> {
    if (!this.answers(method)) throw noInputHandler(context.what, method, context.afterwards);
    const meta = { ...(isPlainObject(params._meta) ? params._meta : {}), ...context.relatedMeta };
    return answerEmbedded(this.client, key, method, { ...params, _meta: meta }, context.signal);
  }

  /**
   * Runs one request: the caller's signal is linked to the request's own abort controller only
   * while it runs (the SDK never removes the listener it adds to a signal, so a long-lived run
   * signal must not be handed to it directly), and transport failures, timeouts and malformed
   * answers become the toolset's typed errors.
   */
  async #exchange(
    method: string,
    params: Record<string, unknown>,
    options: RequestOptions,
    send: (
      message: { method: string; params: Record<string, unknown> },
      signal: AbortSignal,
      timeoutMs: number,
    ) => Promise<unknown>,
  ): Promise<unknown> {
    if (this.#lost) throw this.#lost;
    if (options.signal?.aborted) throw cancelled(method, options.signal);
    const timeoutMs = options.timeoutMs ?? this.#requestMs;
    const controller = new AbortController();
    const onAbort = () => controller.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const meta =
      options.progressToken === undefined
        ? params._meta
        : { ...(params._meta as object | undefined), progressToken: options.progressToken };
    try {
      return await send(
        { method, params: meta === undefined ? params : { ...params, _meta: meta } },
        controller.signal,
        timeoutMs,
      );
    } catch (error) {
      if (options.signal?.aborted) throw cancelled(method, options.signal);
      if (this.#lost) throw this.#lost;
      if (isConnectionFailure(error)) throw this.#markLost(error);
      if (error instanceof SdkError && error.code === SdkErrorCode.RequestTimeout) {
        throw new RequestTimeoutError(
          `The MCP server ${this.serverKey} did not answer ${method} within ${timeoutMs} ms (timeouts.requestMs); it may be overloaded or stuck.`,
          { method, timeoutMs, cause: error },
        );
      }
      if (error instanceof SdkError && error.code === SdkErrorCode.UnsupportedResultType) {
        throw new ProtocolError(
          `The MCP server ${this.serverKey} answered ${method} with ${describeResultType(error.data)}, which a ${method} result cannot have.`,
          { cause: error },
        );
      }
      const malformed = malformedResponse(error);
      if (malformed !== undefined) {
        throw new ProtocolError(`The MCP server ${this.serverKey} sent a malformed ${method} response: ${malformed}.`, {
          cause: error,
        });
      }
      throw error;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Closes the connection: ends a stdio child, terminates an HTTP session. A client given already connected is left open. */
  async close(): Promise<void> {
    this.#closing = true;
    // Whoever still waits (a task handle, a request) fails now, with a reference to resume from.
    this.#markLost(new Error('the toolset was closed'));
    this.#progressListeners.clear();
    this.paramHeaders.uninstall();
    if (!this.#ownsClient) return;
    const transport = this.client.transport;
    if (transport instanceof StreamableHTTPClientTransport && transport.sessionId !== undefined) {
      // A server that stopped answering must not hold close(): client.close() below aborts the request.
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        transport.terminateSession().catch(() => undefined),
        new Promise((resolve) => {
          timer = setTimeout(resolve, TERMINATE_SESSION_MS);
        }),
      ]);
      clearTimeout(timer);
    }
    await this.client.close();
  }

  /** An error's message without the source's secrets; the cause is replaced by a clean copy when it held one. */
  #redacted(error: unknown): { message: string; cause: unknown } {
    const original = errorMessage(error);
    let message = original;
    for (const secret of this.#secrets) if (secret.length > 0) message = message.split(secret).join('[redacted]');
    return { message, cause: message === original ? error : new Error(message) };
  }

  #markLost(error: unknown): ConnectionLostError {
    if (!this.#lost) {
      const { message, cause } = this.#redacted(error);
      this.#lost = new ConnectionLostError(`The connection to the MCP server ${this.serverKey} was lost: ${message}.`, {
        cause,
      });
      this.#raw.rejectAll(this.#lost);
      const listeners = [...this.#closeListeners];
      this.#closeListeners.clear();
      for (const listener of listeners) listener(this.#lost);
    }
    return this.#lost;
  }

  /** Pings the server after a stream failure; a connection failure in answer means it is gone. */
  #probe(): void {
    if (this.#probing || this.#lost || this.#closing) return;
    this.#probing = true;
    this.client
      .ping({ timeout: PROBE_MS })
      .catch((error: unknown) => {
        if (isConnectionFailure(error) && !this.#closing) this.#markLost(error);
      })
      .finally(() => {
        this.#probing = false;
      });
  }

  #install(options: MCPToolsetOptions): void {
    const client = this.client;
    const previousOnClose = client.onclose;
    client.onclose = () => {
      previousOnClose?.();
      if (!this.#closing) this.#markLost(new Error('the transport closed'));
    };
    // Over Streamable HTTP a broken stream is only an error report: the SDK reconnects on its own
    // and says nothing if the server is gone. A ping tells which at once, instead of the next poll.
    const previousOnError = client.onerror;
    client.onerror = (error) => {
      previousOnError?.(error);
      if (client.transport instanceof StreamableHTTPClientTransport && isStreamFailure(error)) this.#probe();
    };
    // Progress of our own requests carries our string tokens; anything else goes to the SDK's own routing.
    const sdkProgress = (client as unknown as { _onprogress?: (notification: unknown) => void })._onprogress?.bind(
      client,
    );
    client.setNotificationHandler('notifications/progress', (notification) => {
      const { progressToken, progress, total, message } = notification.params;
      const listener = typeof progressToken === 'string' ? this.#progressListeners.get(progressToken) : undefined;
      if (listener) listener({ progress, total, message });
      else sdkProgress?.(notification);
    });
    if (options.onLog) {
      const onLog = options.onLog;
      client.setNotificationHandler('notifications/message', (notification) => onLog(notification.params));
    }
    if (options.elicitation) {
      const elicitation = options.elicitation;
      client.setRequestHandler('elicitation/create', (request, ctx) =>
        elicitation(request.params, { taskId: this.relatedTaskOf(request.params._meta), signal: ctx.mcpReq.signal }),
      );
    }
    if (options.sampling) {
      const sampling = options.sampling;
      client.setRequestHandler('sampling/createMessage', (request, ctx) =>
        sampling(request.params, { taskId: this.relatedTaskOf(request.params._meta), signal: ctx.mcpReq.signal }),
      );
    }
    // A server may ask for input the client did not declare: it gets "Method not found" as before,
    // and whoever waits on the call or task learns which option would have answered it.
    const previousFallback = client.fallbackRequestHandler;
    client.fallbackRequestHandler = async (request, ctx) => {
      if (previousFallback) return previousFallback(request, ctx);
      if (INPUT_OPTIONS[request.method] !== undefined) {
        const refused = { method: request.method, taskId: this.relatedTaskOf(request.params?._meta) };
        for (const listener of [...this.#refusedListeners]) listener(refused);
      }
      throw new JsonRpcError(METHOD_NOT_FOUND, `Method not found: ${request.method.slice(0, 60)}`);
    };
  }

  /** Installs the handler for notifications/tools/list_changed. */
  onToolsListChanged(listener: () => void): void {
    this.client.setNotificationHandler('notifications/tools/list_changed', listener);
  }
}

/** The SDK's negotiation mode for the option: 2025-11-25 is the legacy handshake; a later version is pinned. */
function negotiationMode(version: MCPToolsetOptions['protocolVersion']): 'legacy' | 'auto' | { pin: string } {
  if (version === '2025-11-25') return 'legacy';
  if (version === undefined || version === 'auto') return 'auto';
  return { pin: version };
}

function isClient(source: MCPServerSource): source is Client {
  return (
    source instanceof Client ||
    (typeof source === 'object' &&
      source !== null &&
      'getServerCapabilities' in source &&
      'request' in source &&
      'connect' in source)
  );
}

function isTransport(source: MCPServerSource): source is Transport {
  return typeof source === 'object' && source !== null && 'start' in source && 'send' in source && 'close' in source;
}

function createTransport(source: MCPServerSource): { transport: Transport; key: string; secrets: string[] } {
  if (typeof source === 'string' || source instanceof URL) {
    let url: URL;
    try {
      url = new URL(source);
    } catch (error) {
      throw new UserError(
        'MCPToolset: the server source is not a URL; pass an http(s) URL, a { command } or a transport.',
        {
          cause: error,
        },
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new UserError(`MCPToolset: '${urlKey(url)}' is not an http(s) URL; Streamable HTTP needs one.`);
    }
    const secrets = [String(source), url.href, url.username, url.password, url.search, url.hash].filter(
      (part) => part.length > 1 && part !== urlKey(url),
    );
    return {
      transport: new StreamableHTTPClientTransport(url, { fetch: repairingFetch() }),
      key: urlKey(url),
      secrets,
    };
  }
  if (isTransport(source)) return { transport: source, key: 'transport', secrets: [] };
  if (isStdioServer(source)) {
    const transport = new StdioClientTransport({
      command: source.command,
      args: [...(source.args ?? [])],
      env: { ...getDefaultEnvironment(), ...source.env },
      ...(source.cwd === undefined ? {} : { cwd: source.cwd }),
      stderr: source.stderr ?? 'inherit',
    });
    repairStdioResponses(transport);
    // The arguments stay out of the key: they may carry a token, and the key is saved in task references.
    return { transport, key: `stdio:${source.command}`, secrets: (source.args ?? []).filter((arg) => arg.length > 3) };
  }
  throw new UserError(
    'MCPToolset needs a URL, a { command, args } object, an SDK Transport or a connected SDK Client.',
  );
}

/** A URL as it may appear in references and messages: no credentials, query string or fragment. */
function urlKey(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

function isStdioServer(source: MCPServerSource): source is StdioServer {
  return isPlainObject(source) && typeof source.command === 'string';
}

/** Transport error reports that may mean the server is gone (a stream broke, or could not be reopened). */
function isStreamFailure(error: unknown): boolean {
  return (
    isConnectionFailure(error) ||
    (error instanceof Error && /SSE stream disconnected|Failed to reconnect|Maximum reconnection/.test(error.message))
  );
}

/** Errors that mean the server can no longer be reached, as opposed to an answer from it. */
function isConnectionFailure(error: unknown): boolean {
  if (error instanceof SdkError)
    return error.code === SdkErrorCode.ConnectionClosed || error.code === SdkErrorCode.NotConnected;
  if (error instanceof JsonRpcError) return false;
  if (!(error instanceof Error)) return false;
  const code =
    (error as { code?: unknown; cause?: { code?: unknown } }).cause?.code ?? (error as { code?: unknown }).code;
  return (
    error.message === 'Not connected' ||
    error.message.includes('fetch failed') ||
    (typeof code === 'string' &&
      ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ERR_STREAM_DESTROYED'].includes(code))
  );
}

/** The `resultType` an SDK error reports, for a message. */
function describeResultType(data: unknown): string {
  const type = isPlainObject(data) ? data.resultType : undefined;
  return typeof type === 'string' ? `resultType "${type.slice(0, 40)}"` : 'an unknown resultType';
}

/** The error for a request abandoned because its signal was aborted; the toolset names the tool. */
function cancelled(method: string, signal: AbortSignal): CancelledError {
  return new CancelledError(`The ${method} request was cancelled because its signal was aborted.`, {
    cause: signal.reason,
  });
}

/** The message of an error, or the value as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
