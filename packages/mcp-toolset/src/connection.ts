import {
  Client,
  type CreateMessageRequest,
  type ElicitRequest,
  ProtocolError as JsonRpcError,
  SdkError,
  SdkErrorCode,
  StreamableHTTPClientTransport,
} from '@modelcontextprotocol/client';
import {
  AuthorizationError,
  CancelledError,
  ConnectionLostError,
  type ProgressUpdate,
  UserError,
} from '@toolwright/core';
import { z } from 'zod/v4';
import { CLIENT_INFO } from './client-info.ts';
import { type InputHandlers, isInputRequest } from './input-requests.ts';
import { connectNegotiated } from './negotiation.ts';
import type { MCPServerSource, MCPToolsetOptions, ResolvedOptions } from './options.ts';
import { ParamHeaderMirror } from './param-headers/param-headers.ts';
import { authorizationFailure } from './sdk/authorization-failures.ts';
import { repairDeliveredResponses } from './sdk/malformed-responses.ts';
import { typedRequestError } from './sdk/sdk-errors.ts';
import { ClientSeams, type DeclaredClient, reportMissingSeams, type StoredRequestHandler } from './sdk/sdk-seams.ts';
import { createTransport } from './transports.ts';

/**
 * Results are validated by this package (see wire.ts), so the SDK is asked to pass them through
 * untouched. This is also how task traffic gets through SDK 2.x: its typed callTool rejects a
 * CreateTaskResult (see sdk/sdk-gaps.test.ts), and tasks/* are no spec methods to it without a schema.
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
}

/**
 * Sends one request, prepared by the connection, and resolves with its raw result: the SDK client's
 * `request`, or a path beside it (see sdk/sdk-bypass.ts). What it throws is mapped like any request's errors.
 */
export type RequestSender = (
  message: { readonly method: string; readonly params: Record<string, unknown> },
  signal: AbortSignal | undefined,
  timeoutMs: number,
) => Promise<unknown>;

/** What the toolset adds to the client it connects: handlers for the server's requests for input, and capabilities to declare beside theirs. */
export interface ConnectionSetup {
  readonly handlers?: InputHandlers;
  readonly capabilities?: Readonly<Record<string, unknown>>;
}

/** The refused requests for input a connection keeps, the latest (see {@link Connection.refusedSince}). */
const REFUSED_KEPT = 16;

/** JSON-RPC "Method not found". */
const METHOD_NOT_FOUND = -32601;

/**
 * A server request for input the toolset refused for want of a handler: its method, and its
 * `_meta` (which may say which task it was for).
 */
export interface RefusedInput {
  readonly method: string;
  readonly meta: unknown;
}

/**
 * One live connection to an MCP server: the SDK client, the routing of progress to the calls
 * waiting for it, and requests that turn transport failures into
 * {@link ConnectionLostError}s. It carries requests and knows no tasks: each task generation
 * builds its requests on it.
 */
export class Connection {
  readonly client: Client;
  #serverKey: string;
  readonly #ownsClient: boolean;
  readonly #requestMs: number;
  readonly #progressListeners = new Map<string, (update: ProgressUpdate) => void>();
  readonly #closeListeners = new Set<(error: ConnectionLostError) => void>();
  readonly #refusedListeners = new Set<(refused: RefusedInput) => void>();
  /** How many requests for input the toolset refused, and the latest of them (see {@link refusedSince}). */
  #refusedCount = 0;
  readonly #refusedLately: RefusedInput[] = [];
  #lost: ConnectionLostError | undefined;
  #closing = false;
  #probing = false;
  /** Parts of the source that must never appear in a message: credentials, query strings, arguments. */
  #secrets: readonly string[] = [];
  /** The SDK members the connection reaches beside the public API (set as the client is set up). */
  #seams: ClientSeams | undefined;
  #nextToken = 0;
  /**
   * Mirrors tools/call arguments into `Mcp-Param-*` headers (SEP-2243) on the connection's transport;
   * the toolset hands it the designated parameters of each listing.
   */
  readonly paramHeaders = new ParamHeaderMirror();
  /** The SDK client's own request, asked to pass the result through unparsed. */
  readonly #sdkRequest: RequestSender = (message, signal, timeout) =>
    this.client.request(
      message as Parameters<Client['request']>[0],
      RAW_RESULT,
      signal === undefined ? { timeout } : { signal, timeout },
    );

  private constructor(client: Client, serverKey: string, ownsClient: boolean, requestMs: number) {
    this.client = client;
    this.#serverKey = serverKey;
    this.#ownsClient = ownsClient;
    this.#requestMs = requestMs;
  }

  /**
   * Connects to `source` (or adopts a connected client) and installs the notification routing and
   * `setup`'s input handlers. A client the toolset makes declares `setup.capabilities` besides its
   * handlers'.
   */
  static async open(
    source: MCPServerSource,
    options: MCPToolsetOptions,
    resolved: ResolvedOptions,
    setup: ConnectionSetup = {},
  ): Promise<Connection> {
    const handlers = setup.handlers ?? {};
    if (isClient(source)) {
      if (source.getServerCapabilities() === undefined) {
        throw new UserError(
          'The Client given to MCPToolset is not connected; connect it first, or pass its transport instead.',
        );
      }
      const key = options.id ?? `mcp:${source.getServerVersion()?.name ?? 'server'}`;
      const connection = new Connection(source, key, false, resolved.requestMs);
      // The toolset cannot see what a client made elsewhere declared.
      connection.#install(options, handlers, { clientInfo: CLIENT_INFO, capabilities: {} });
      repairDeliveredResponses(source.transport);
      connection.paramHeaders.install(source.transport);
      return connection;
    }
    const { transport, key, secrets, authorizationWaitMs, restart } = createTransport(source, options.id);
    const declared: DeclaredClient = {
      clientInfo: options.clientInfo ?? CLIENT_INFO,
      capabilities: {
        // Form mode with applyDefaults: an accepted answer that omits a field gets the schema's default.
        ...(handlers.elicitation ? { elicitation: { form: { applyDefaults: true } } } : {}),
        ...(handlers.sampling ? { sampling: {} } : {}),
        ...setup.capabilities,
      },
    };
    const client = new Client(declared.clientInfo, {
      capabilities: { ...declared.capabilities },
    });
    const connection = new Connection(client, options.id ?? key, true, resolved.requestMs);
    connection.#secrets = secrets;
    connection.#install(options, handlers, declared);
    try {
      await connectNegotiated(client, transport, {
        version: options.protocolVersion ?? 'auto',
        connectMs: resolved.connectMs,
        authorizationWaitMs,
        restart,
      });
    } catch (error) {
      await client.close().catch(() => undefined);
      const refused = authorizationFailure(error, options.id ?? key);
      if (refused !== undefined) throw connection.#redactedAuthorization(refused);
      const { message, cause } = connection.#redacted(error);
      throw new ConnectionLostError(
        `Could not connect to the MCP server ${key}: ${message}. Check that the server is running (or that the command exists) and speaks MCP.`,
        { cause },
      );
    }
    repairDeliveredResponses(client.transport);
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

  /** A mark for {@link refusedSince}: how many requests for input the toolset has refused so far. */
  get refusedMark(): number {
    return this.#refusedCount;
  }

  /**
   * The server's requests for input the toolset refused since `mark` (a {@link refusedMark}), oldest
   * first (the latest REFUSED_KEPT at most): what a request asked for while it ran, learnt without a
   * listener per request.
   */
  refusedSince(mark: number): readonly RefusedInput[] {
    const missed = this.#refusedCount - mark;
    return missed === 0 ? [] : this.#refusedLately.slice(-missed);
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
  request(method: string, params: Record<string, unknown>, options: RequestOptions = {}): Promise<unknown> {
    return this.requestThrough(this.#sdkRequest, method, params, options);
  }

  /** The SDK members this connection reaches beside the public API, each with its fallback (see sdk/sdk-seams.ts). */
  get seams(): ClientSeams {
    return this.#seams as ClientSeams;
  }

  /** Whether a server request for input of `method` has a handler (the toolset's option, or the app's own Client). */
  answers(method: string): boolean {
    return this.seams.requestHandler(method) !== undefined;
  }

  /**
   * Runs one request through `send` (the SDK client's request, or a path beside it): the caller's
   * signal, if any, is linked to an abort controller of the request only while it runs (the SDK never
   * removes the listener it adds to a signal, so a long-lived run signal must not be handed to it
   * directly), and transport failures, timeouts and malformed answers become the toolset's typed errors.
   */
  requestThrough(
    send: RequestSender,
    method: string,
    params: Record<string, unknown>,
    options: RequestOptions = {},
  ): Promise<unknown> {
    // Not an async function: every call, poll and result passes here, and over thousands of tasks
    // each async layer's suspended frame and microtask turns add up.
    const { signal } = options;
    if (this.#lost) return Promise.reject(this.#lost);
    if (signal?.aborted) return Promise.reject(cancelled(method, signal));
    const timeoutMs = options.timeoutMs ?? this.#requestMs;
    const link = signal === undefined ? undefined : linkedAbort(signal);
    const meta =
      options.progressToken === undefined
        ? params._meta
        : { ...(params._meta as object | undefined), progressToken: options.progressToken };
    let sent: Promise<unknown>;
    try {
      sent = send(
        { method, params: meta === undefined ? params : { ...params, _meta: meta } },
        link?.signal,
        timeoutMs,
      );
    } catch (error) {
      sent = Promise.reject(error);
    }
    const failed = (error: unknown): never => {
      link?.unlink();
      throw this.#requestError(error, method, signal, timeoutMs);
    };
    if (link === undefined) return sent.catch(failed);
    return sent.then((value) => {
      link.unlink();
      return value;
    }, failed);
  }

  /** What a failed request throws: cancelled, lost, refused authorization, or the typed error of its answer. */
  #requestError(error: unknown, method: string, signal: AbortSignal | undefined, timeoutMs: number): unknown {
    if (signal?.aborted) return cancelled(method, signal);
    if (this.#lost) return this.#lost;
    // Before the connection check: a provider that could not reach its authorization server says so itself.
    const refused = authorizationFailure(error, this.serverKey);
    if (refused !== undefined) return this.#redactedAuthorization(refused);
    if (isConnectionFailure(error)) return this.#markLost(error);
    const typed = typedRequestError(error, { server: this.serverKey, method, timeoutMs });
    return ConnectionLostError.isInstance(typed) ? this.#markLost(typed) : typed;
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

  /** An authorization error without the source's secrets (a header value, the URL's credentials) in its message. */
  #redactedAuthorization(error: AuthorizationError): AuthorizationError {
    const { message } = this.#redacted(error);
    return message === error.message
      ? error
      : new AuthorizationError(message, { server: error.server, cause: error.cause });
  }

  #markLost(error: unknown): ConnectionLostError {
    if (!this.#lost) {
      const { message, cause } = this.#redacted(error);
      // A ConnectionLostError the toolset made already says what happened.
      this.#lost = ConnectionLostError.isInstance(error)
        ? (error as ConnectionLostError)
        : new ConnectionLostError(`The connection to the MCP server ${this.serverKey} was lost: ${message}.`, {
            cause,
          });
      const listeners = [...this.#closeListeners];
      this.#closeListeners.clear();
      for (const listener of listeners) listener(this.#lost);
    }
    return this.#lost;
  }

  /** Whether the server answers a ping within `timeoutMs`; false when it does not (or the connection is gone). */
  answersPing(timeoutMs: number): Promise<boolean> {
    if (this.#lost) return Promise.resolve(false);
    return this.client.ping({ timeout: timeoutMs }).then(
      () => true,
      () => false,
    );
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

  #install(options: MCPToolsetOptions, handlers: InputHandlers, declared: DeclaredClient): void {
    const client = this.client;
    const ownHandlers = new Map<string, StoredRequestHandler>();
    const seams = new ClientSeams(client, declared, ownHandlers);
    this.#seams = seams;
    reportMissingSeams(seams.missing);
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
    client.setNotificationHandler('notifications/progress', (notification) => {
      const { progressToken, progress, total, message } = notification.params;
      const listener = typeof progressToken === 'string' ? this.#progressListeners.get(progressToken) : undefined;
      if (listener) listener({ progress, total, message });
      else seams.sdkProgress(notification);
    });
    if (options.onLog) {
      const onLog = options.onLog;
      client.setNotificationHandler('notifications/message', (notification) => onLog(notification.params));
    }
    const { elicitation, sampling } = handlers;
    if (elicitation) {
      const answer = (request: ElicitRequest, ctx: { mcpReq: { signal: AbortSignal } }) =>
        elicitation(request.params, ctx.mcpReq.signal);
      client.setRequestHandler('elicitation/create', answer);
      ownHandlers.set('elicitation/create', answer as StoredRequestHandler);
    }
    if (sampling) {
      const answer = (request: CreateMessageRequest, ctx: { mcpReq: { signal: AbortSignal } }) =>
        sampling(request.params, ctx.mcpReq.signal);
      client.setRequestHandler('sampling/createMessage', answer);
      ownHandlers.set('sampling/createMessage', answer as StoredRequestHandler);
    }
    // A server may ask for input the client did not declare: it gets "Method not found" as before,
    // and whoever waits on the call or task learns which option would have answered it.
    const previousFallback = client.fallbackRequestHandler;
    client.fallbackRequestHandler = async (request, ctx) => {
      if (previousFallback) return previousFallback(request, ctx);
      if (isInputRequest(request.method)) {
        const refused = { method: request.method, meta: request.params?._meta };
        this.#refusedCount++;
        this.#refusedLately.push(refused);
        if (this.#refusedLately.length > REFUSED_KEPT) this.#refusedLately.shift();
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

/** An abort signal of one request that follows `signal` until {@link unlink} (when the request ends). */
function linkedAbort(signal: AbortSignal): { readonly signal: AbortSignal; unlink(): void } {
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  return { signal: controller.signal, unlink: () => signal.removeEventListener('abort', onAbort) };
}
