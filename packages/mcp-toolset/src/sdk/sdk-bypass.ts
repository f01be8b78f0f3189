// What the toolset does beside SDK 2.x's public API, in this one place, and why:
//
// - A tools/call of MCP 2026-07-28 may be answered `resultType: "task"` (the tasks extension). SDK
//   2.4's result decoder rejects that answer (UNSUPPORTED_RESULT_TYPE) whichever API sends the
//   request, and the error does not carry the result, so the task would be created on the server
//   and lost to the client. Such a call is sent here, straight on the client's transport, with the
//   per-request `_meta` envelope the SDK would have added (`_envelopeOutbound`, protected).
// - The input requests a 2026 server embeds in a task (`inputRequests`) are answered by the same
//   handlers as standalone requests, through the SDK's own handler chain (its validation and form
//   defaults included): `_getRequestHandler` and `buildContext` are protected too. The same lookup
//   tells whether the client answers a method at all (the toolset's handler, or an app's own).
// - Progress notifications of the toolset's own requests are routed by the connection; any other
//   goes on to the SDK's own routing (`_onprogress`, private), so an app's `onprogress` keeps working
//   on a client it shares.
//
// The other reaches beside the SDK's public API are in this folder too: the malformed-response and
// SSE repairs and the 2026-07-28 `resultType` default (malformed-responses.ts, sse-repair.ts).
// sdk-gaps.test.ts holds tests that fail once the SDK carries a case itself; then its workaround can go.
import {
  CLIENT_CAPABILITIES_META_KEY,
  type Client,
  ProtocolError as JsonRpcError,
  SdkError,
  SdkErrorCode,
} from '@modelcontextprotocol/client';
import { isPlainObject } from '@toolwright/core/internal';

/** The protected members of the SDK's Client this module uses. */
interface ClientInternals {
  _outboundMetaEnvelope(): Record<string, unknown> | undefined;
  _envelopeOutbound<Message extends { params?: Record<string, unknown> }>(message: Message): Message;
  _getRequestHandler(method: string): ((request: unknown, ctx: unknown) => Promise<unknown>) | undefined;
  buildContext?(base: unknown, extra: unknown): unknown;
  _onprogress?(notification: unknown): void;
}

/** Options of one raw request. */
export interface RawRequestOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
  /** Called with the answer that arrives after the request was abandoned (aborted or timed out). */
  readonly onLateAnswer?: ((result: unknown) => void) | undefined;
}

interface Pending {
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** How long an abandoned request still listens for its answer (to clean up what it created). */
const LATE_ANSWER_MS = 60_000;

/**
 * Requests sent on the client's transport under ids of their own (strings, where the SDK uses
 * numbers), their answers taken off the transport before the SDK sees them. Errors come back as
 * the SDK's own error classes, so the connection maps them like any other request's.
 */
export class RawRequests {
  readonly #client: Client;
  readonly #pending = new Map<string, Pending>();
  #next = 0;
  #installed = false;

  constructor(client: Client) {
    this.#client = client;
  }

  /** Sends `method` with `params` (the envelope added) and resolves with the raw result. */
  send(method: string, params: Record<string, unknown>, options: RawRequestOptions): Promise<unknown> {
    const transport = this.#client.transport;
    if (transport === undefined) return Promise.reject(new SdkError(SdkErrorCode.NotConnected, 'Not connected'));
    this.#install();
    const id = `toolwright-raw-${++this.#next}`;
    const internals = this.#client as unknown as ClientInternals;
    const message = internals._envelopeOutbound({ jsonrpc: '2.0' as const, id, method, params });
    return new Promise<unknown>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finish = () => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
      };
      // An abandoned request keeps listening a while (its stream stays open): an answer that
      // created something after all is handed on, so it can be undone.
      const abandon = (error: unknown) => {
        finish();
        reject(error);
        const cancelled = internals._envelopeOutbound({
          jsonrpc: '2.0' as const,
          method: 'notifications/cancelled',
          params: { requestId: id, reason: String(error) },
        });
        transport.send(cancelled as Parameters<typeof transport.send>[0]).catch(() => undefined);
        const late = setTimeout(() => this.#pending.delete(id), LATE_ANSWER_MS);
        late.unref?.();
        this.#pending.set(id, {
          resolve: (result) => {
            clearTimeout(late);
            options.onLateAnswer?.(result);
          },
          reject: () => clearTimeout(late),
        });
      };
      const onAbort = () => abandon(options.signal?.reason);
      this.#pending.set(id, {
        resolve: (result) => {
          finish();
          resolve(result);
        },
        reject: (error) => {
          finish();
          reject(error);
        },
      });
      options.signal?.addEventListener('abort', onAbort, { once: true });
      timer = setTimeout(
        () => abandon(new SdkError(SdkErrorCode.RequestTimeout, 'Request timed out', { timeout: options.timeoutMs })),
        options.timeoutMs,
      );
      transport.send(message as Parameters<typeof transport.send>[0]).catch((error: unknown) => {
        const pending = this.#pending.get(id);
        this.#pending.delete(id);
        pending?.reject(httpErrorAnswer(error) ?? error);
      });
    });
  }

  /** Fails every request still waiting (the connection is gone). */
  rejectAll(error: unknown): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const entry of pending) entry.reject(error);
  }

  /** Takes the answers to this module's requests off the transport; everything else goes on to the SDK. */
  #install(): void {
    if (this.#installed) return;
    const transport = this.#client.transport;
    if (transport === undefined) return;
    this.#installed = true;
    const original = transport.onmessage;
    transport.onmessage = (message, extra) => {
      const id = (message as { id?: unknown }).id;
      const pending = typeof id === 'string' ? this.#pending.get(id) : undefined;
      if (pending !== undefined && ('result' in message || 'error' in message)) {
        this.#pending.delete(id as string);
        if ('error' in message) {
          const { code, message: text, data } = message.error;
          pending.reject(JsonRpcError.fromError(code, text, data));
        } else pending.resolve(message.result);
        return;
      }
      original?.call(transport, message, extra);
    };
  }
}

/**
 * The SDK's HTTP transport throws a JSON-RPC error the server answered with an HTTP error status
 * (the body holds it); that answer, as the SDK's error, or undefined for any other failure.
 */
function httpErrorAnswer(error: unknown): JsonRpcError | undefined {
  if (!(error instanceof Error)) return undefined;
  const start = error.message.indexOf('{');
  if (start < 0) return undefined;
  try {
    const body = JSON.parse(error.message.slice(start)) as unknown;
    const answer = isPlainObject(body) && isPlainObject(body.error) ? body.error : undefined;
    if (answer === undefined || typeof answer.code !== 'number' || typeof answer.message !== 'string') return undefined;
    return JsonRpcError.fromError(answer.code, answer.message, answer.data);
  } catch {
    return undefined;
  }
}

/** The client capabilities the client's per-request envelope declares (2026-07-28), or undefined before one applies. */
export function envelopeCapabilities(client: Client): Record<string, unknown> | undefined {
  const envelope = (client as unknown as ClientInternals)._outboundMetaEnvelope();
  const capabilities = envelope?.[CLIENT_CAPABILITIES_META_KEY];
  return isPlainObject(capabilities) ? capabilities : undefined;
}

/** The SDK's own routing of progress notifications (for requests the toolset did not send), if it has one. */
export function sdkProgressHandler(client: Client): ((notification: unknown) => void) | undefined {
  return (client as unknown as ClientInternals)._onprogress?.bind(client);
}

/** Whether the client has a handler for server requests of `method` (registered by the toolset or the app). */
export function hasRequestHandler(client: Client, method: string): boolean {
  return (client as unknown as ClientInternals)._getRequestHandler(method) !== undefined;
}

/**
 * Answers one input request a server embedded in a result (2026-07-28) through the handler the
 * client has for `method`, as if it had arrived as a standalone request under the id `key`.
 */
export function answerEmbedded(
  client: Client,
  key: string,
  method: string,
  params: Record<string, unknown>,
  signal: AbortSignal,
): Promise<unknown> {
  const internals = client as unknown as ClientInternals;
  const handler = internals._getRequestHandler(method);
  if (handler === undefined)
    return Promise.reject(new SdkError(SdkErrorCode.CapabilityNotSupported, `no handler for ${method}`));
  const unavailable = () => {
    throw new SdkError(SdkErrorCode.SendFailed, 'an embedded input request has no peer request to relate to');
  };
  const base = {
    sessionId: client.transport?.sessionId,
    mcpReq: { id: key, method, _meta: params._meta, signal, send: unavailable, notify: unavailable },
  };
  const ctx =
    typeof internals.buildContext === 'function' ? internals.buildContext.call(client, base, undefined) : base;
  return handler.call(client, { jsonrpc: '2.0', id: key, method, params }, ctx);
}
