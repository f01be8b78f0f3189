// Every member of SDK 2.x beyond its public API that this package reaches, in this one module: each is
// looked up here by name (no other module casts the SDK's classes), checked when a connection opens,
// and pinned by a canary test (sdk-seams.test.ts) that fails the day a release renames or drops it.
// A member that is missing is reported once per process (a warning of type ToolwrightWarning, code
// TOOLWRIGHT_SDK_SEAM) and its use falls back to the behaviour SEAM_FALLBACKS names, which is still
// bounded; the toolset never stops repairing without saying so.
//
// Why each is reached (the workarounds themselves are in sdk-bypass.ts, malformed-responses.ts and stdio-transport.ts):
// - Client._outboundMetaEnvelope (protected): the per-request `_meta` envelope of 2026-07-28, for the
//   requests sent beside the SDK (a tools/call answered with a task) and the extension's declaration.
// - Client._getRequestHandler (protected) and Client.buildContext (protected, the SDK's named extension
//   point for handler contexts): input requests a 2026 server embeds in an answer are answered through
//   the SDK's own handler chain, as its multi round-trip driver does for the calls it sends itself
//   (that driver runs only inside the SDK's request path, which refuses a task as an answer).
// - Client._onprogress (private): progress of requests the toolset did not send goes on to the SDK's
//   own routing, so an app's `onprogress` keeps working on a Client it shares with the toolset.
// - StdioClientTransport._readBuffer (private): the stdio read buffer, replaced by one that repairs
//   malformed responses before the SDK drops them and skips a line over the message limit without
//   dropping the connection (stdio-transport.ts).
// - StdioClientTransport._process (private): the child process, taken at close so the stdio close
//   waits `closeGraceMs` for it instead of the SDK's fixed 2 s (stdio-transport.ts).
// - How StreamableHTTPClientTransport reads a response body (not a member, a habit): server-sent events
//   through `pipeThrough(new TextDecoderStream())`, JSON through `response.json()`; the repairing fetch
//   of malformed-responses.ts hooks both, and reports an event stream read any other way when it happens.
// - Client.listen's filter: its type has no `taskIds` (the tasks extension's filter); the SDK sends
//   the filter as given (sdk-seams.test-d.ts fails once the type has it).
import type { ChildProcess } from 'node:child_process';
import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  type Client,
  type JSONRPCMessage,
  type McpSubscription,
  PROTOCOL_VERSION_META_KEY,
  type SubscriptionFilter,
  type Transport,
} from '@modelcontextprotocol/client';
import { isPlainObject } from '@toolwright/core/internal';
import { isModernProtocol } from '../protocol-version.ts';

/** The SDK members beyond its public API the toolset reaches, as warnings and the README name them. */
export type SdkSeam =
  | 'Client._outboundMetaEnvelope'
  | 'Client._getRequestHandler'
  | 'Client.buildContext'
  | 'Client._onprogress'
  | 'StdioClientTransport._readBuffer'
  | 'StdioClientTransport._process'
  | 'StreamableHTTPClientTransport response reading';

/** What the toolset does without each member: still bounded, and said once. */
export const SEAM_FALLBACKS: Readonly<Record<SdkSeam, string>> = {
  'Client._outboundMetaEnvelope':
    "requests sent beside the SDK on MCP 2026-07-28 carry a _meta envelope the toolset composes from the negotiated version, its clientInfo and the capabilities it declared (a connected Client's own capabilities are not seen)",
  'Client._getRequestHandler':
    "input requests a 2026-07-28 server embeds in an answer go to the toolset's own elicitation and sampling options, without the SDK's validation and form defaults; a connected Client's own handlers are not seen, so such a request cancels its task with a UserError",
  'Client.buildContext': 'handlers answering embedded input requests get the context the toolset builds, unextended',
  'Client._onprogress':
    "progress of requests an application sends itself on a Client it shares with the toolset no longer reaches their onprogress (the toolset's own progress is unaffected)",
  'StdioClientTransport._readBuffer':
    'a malformed response over stdio is not repaired: its request ends with a RequestTimeoutError after timeouts.requestMs instead of a ProtocolError at once; a line over maxMessageBytes drops the connection (a ConnectionLostError) instead of failing only its request',
  'StdioClientTransport._process':
    "closing a stdio server waits as the SDK's own close does (2 s for the child to exit, then SIGTERM), whatever closeGraceMs says",
  'StreamableHTTPClientTransport response reading':
    'the SDK read a server-sent event stream other than through pipeThrough(new TextDecoderStream()), so a malformed response in it is not repaired: its request ends with a RequestTimeoutError after timeouts.requestMs instead of a ProtocolError at once',
};

/** A request handler as the SDK keeps it: the whole chain (validation included) for one method. */
export type StoredRequestHandler = (request: unknown, ctx: unknown) => Promise<unknown>;

/** The Client members this module reaches; each may be missing from an SDK release. */
interface ClientMembers {
  readonly _outboundMetaEnvelope?: unknown;
  readonly _getRequestHandler?: unknown;
  readonly buildContext?: unknown;
  readonly _onprogress?: unknown;
}

/** The stdio read buffer contract (the SDK's ReadBuffer: append, readMessage, clear). */
export interface ReadBufferLike {
  append(chunk: Buffer): void;
  readMessage(): JSONRPCMessage | null;
  clear(): void;
}

type Method = (...args: never[]) => unknown;

/** `client`'s member `name`, bound, when it is a function; undefined when the SDK lacks it. */
function member<Fn extends Method>(client: Client, name: keyof ClientMembers): Fn | undefined {
  const value = (client as unknown as ClientMembers)[name];
  return typeof value === 'function' ? (value.bind(client) as Fn) : undefined;
}

/** What the toolset knows it declared, for an envelope of its own when the SDK's is out of reach. */
export interface DeclaredClient {
  readonly clientInfo: { readonly name: string; readonly version: string };
  readonly capabilities: Readonly<Record<string, unknown>>;
}

/**
 * The seams of one connected client: each member looked up once, with the fallback its absence
 * calls for. `missing` lists the members this SDK lacks.
 */
export class ClientSeams {
  readonly missing: readonly SdkSeam[];
  readonly #client: Client;
  readonly #declared: DeclaredClient;
  readonly #ownHandlers: ReadonlyMap<string, StoredRequestHandler>;
  readonly #envelope: (() => unknown) | undefined;
  readonly #getRequestHandler: ((method: string) => unknown) | undefined;
  readonly #buildContext: ((base: unknown, extra: unknown) => unknown) | undefined;
  readonly #onprogress: ((notification: unknown) => void) | undefined;

  /**
   * `declared` is what the toolset declared when it made the client; `ownHandlers` the handlers it
   * registered on it (by method), which answer embedded input when the SDK's chain is out of reach.
   */
  constructor(client: Client, declared: DeclaredClient, ownHandlers: ReadonlyMap<string, StoredRequestHandler>) {
    this.#client = client;
    this.#declared = declared;
    this.#ownHandlers = ownHandlers;
    this.#envelope = member(client, '_outboundMetaEnvelope');
    this.#getRequestHandler = member(client, '_getRequestHandler');
    this.#buildContext = member(client, 'buildContext');
    this.#onprogress = member(client, '_onprogress');
    const missing: SdkSeam[] = [];
    if (!this.#envelope) missing.push('Client._outboundMetaEnvelope');
    if (!this.#getRequestHandler) missing.push('Client._getRequestHandler');
    if (!this.#buildContext) missing.push('Client.buildContext');
    if (!this.#onprogress) missing.push('Client._onprogress');
    this.missing = missing;
  }

  /**
   * The per-request `_meta` envelope the SDK adds to its own requests on a modern connection, or
   * undefined where none applies (2025-11-25 and older). Without the SDK's, one composed of the
   * same keys.
   */
  envelope(): Record<string, unknown> | undefined {
    if (this.#envelope) {
      const envelope = this.#envelope();
      return isPlainObject(envelope) ? envelope : undefined;
    }
    const version = this.#client.getNegotiatedProtocolVersion();
    if (!isModernProtocol(version)) return undefined;
    return {
      [PROTOCOL_VERSION_META_KEY]: version,
      [CLIENT_INFO_META_KEY]: this.#declared.clientInfo,
      [CLIENT_CAPABILITIES_META_KEY]: this.#declared.capabilities,
    };
  }

  /** The handler chain the client has for server requests of `method` (the toolset's, or an app's own). */
  requestHandler(method: string): StoredRequestHandler | undefined {
    if (!this.#getRequestHandler) return this.#ownHandlers.get(method);
    const handler = this.#getRequestHandler(method);
    return typeof handler === 'function' ? (handler.bind(this.#client) as StoredRequestHandler) : undefined;
  }

  /** The context a handler gets for a request answered outside the SDK's dispatch, extended as the client extends its own. */
  handlerContext(base: Record<string, unknown>): unknown {
    return this.#buildContext ? this.#buildContext(base, undefined) : base;
  }

  /** Hands a progress notification the toolset does not route to the SDK's own routing (for an app's requests). */
  sdkProgress(notification: unknown): void {
    this.#onprogress?.(notification);
  }
}

/**
 * Replaces the read buffer of a StdioClientTransport (before it starts) with `buffer`. Returns
 * false when the transport has no read buffer this module recognises: the caller reports the seam missing.
 */
export function replaceStdioReadBuffer(transport: Transport, buffer: ReadBufferLike): boolean {
  const holder = transport as unknown as { _readBuffer?: Partial<ReadBufferLike> };
  const current = holder._readBuffer;
  if (
    !current ||
    typeof current.append !== 'function' ||
    typeof current.readMessage !== 'function' ||
    typeof current.clear !== 'function'
  )
    return false;
  holder._readBuffer = buffer;
  return true;
}

/**
 * Takes a started StdioClientTransport's child process (private `_process`) out of it, so its own
 * close finds none, with a way to clear its read buffer once the child ended. Undefined when there is
 * none: not started, already closed, or a later SDK that keeps its child elsewhere (then, for a
 * transport that was started, said once as a missing seam).
 */
export function takeStdioChild(transport: Transport): { child: ChildProcess; clearReadBuffer(): void } | undefined {
  const holder = transport as unknown as {
    _process?: { once?: unknown; pid?: unknown } | undefined;
    _readBuffer?: Partial<ReadBufferLike>;
  };
  const child = holder._process;
  if (child === undefined || typeof child.once !== 'function') {
    if (!('_process' in holder) && (transport as { pid?: unknown }).pid != null)
      reportMissingSeams(['StdioClientTransport._process']);
    return undefined;
  }
  holder._process = undefined;
  return {
    child: child as unknown as ChildProcess,
    clearReadBuffer: () => holder._readBuffer?.clear?.(),
  };
}

/**
 * Asks the server (2026-07-28) to push `notifications/tasks` for `taskIds` through the SDK's
 * subscriptions/listen; the SDK sends the filter as given, although its type has no `taskIds`.
 */
export function listenForTasks(client: Client, taskIds: readonly string[]): Promise<McpSubscription> {
  return client.listen({ taskIds: [...taskIds] } as SubscriptionFilter);
}

const reported = new Set<SdkSeam>();

/**
 * Says, once per process for each, that this SDK lacks `seams` and what the toolset does instead:
 * a process warning (type ToolwrightWarning, code TOOLWRIGHT_SDK_SEAM), or the console where there is no process.
 */
export function reportMissingSeams(seams: readonly SdkSeam[]): void {
  for (const seam of seams) {
    if (reported.has(seam)) continue;
    reported.add(seam);
    const message = `@toolwright/mcp-toolset: the installed @modelcontextprotocol/client has no ${seam}, which the toolset reaches beside the SDK's public API; ${SEAM_FALLBACKS[seam]}. Install a @modelcontextprotocol/client version this toolset release was tested with, or a newer toolset.`;
    const host = (globalThis as { process?: { emitWarning?: (message: string, options: object) => void } }).process;
    if (typeof host?.emitWarning === 'function')
      host.emitWarning(message, { type: 'ToolwrightWarning', code: 'TOOLWRIGHT_SDK_SEAM' });
    else console.warn(message);
  }
}
