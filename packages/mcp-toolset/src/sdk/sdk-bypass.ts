// What the toolset does beside SDK 2.x's public API, in this one place, and why (the SDK members it
// reaches for this are looked up, checked and pinned in sdk-seams.ts):
//
// - A tools/call of MCP 2026-07-28 may be answered `resultType: "task"` (the tasks extension). SDK
//   2.4's result decoder rejects that answer (UNSUPPORTED_RESULT_TYPE) whichever API sends the
//   request, and the error does not carry the result, so the task would be created on the server
//   and lost to the client. Such a call is sent here, straight on the client's transport, with the
//   per-request `_meta` envelope the SDK would have added.
// - The input requests a 2026 server embeds in a task (`inputRequests`) are answered by the same
//   handlers as standalone requests, through the SDK's own handler chain (its validation and form
//   defaults included), with the context the client builds for its handlers. The SDK's own multi
//   round-trip driver does the same, but only for requests sent through its request path.
//
// The other reaches beside the SDK's public API are in this folder too: the malformed-response and
// SSE repairs and the 2026-07-28 `resultType` default (malformed-responses.ts, sse-repair.ts).
// sdk-gaps.test.ts holds tests that fail once the SDK carries a case itself; then its workaround can go.
import {
  type Client,
  ProtocolError as JsonRpcError,
  SdkError,
  SdkErrorCode,
  SdkHttpError,
  type Transport,
} from '@modelcontextprotocol/client';
import { isPlainObject, ResponseTap } from '@toolwright/core/internal';
import type { Clock } from '../clock.ts';
import type { ClientSeams } from './sdk-seams.ts';

/** Options of one raw request. */
export interface RawRequestOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
  /** Called with the answer that arrives after the request was abandoned (aborted or timed out). */
  readonly onLateAnswer?: ((result: unknown) => void) | undefined;
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
  readonly #seams: ClientSeams;
  readonly #clock: Clock;
  #tap: ResponseTap | undefined;
  /** Fails each request still waiting, by id (a late answer's wait is in the tap alone). */
  readonly #failures = new Map<string, (error: unknown) => void>();

  /** Sends on `client`'s transport, with the envelope `seams` gives; timeouts run on `clock`. */
  constructor(client: Client, seams: ClientSeams, clock: Clock) {
    this.#client = client;
    this.#seams = seams;
    this.#clock = clock;
  }

  /** Sends `method` with `params` (the envelope added) and resolves with the raw result. */
  send(method: string, params: Record<string, unknown>, options: RawRequestOptions): Promise<unknown> {
    const transport = this.#client.transport;
    if (transport === undefined) return Promise.reject(new SdkError(SdkErrorCode.NotConnected, 'Not connected'));
    if (this.#tap === undefined) this.#tap = new ResponseTap(transport, 'toolwright-raw');
    const tap = this.#tap;
    const id = tap.nextId();
    const envelope = this.#seams.envelope();
    const message = withEnvelope({ jsonrpc: '2.0' as const, id, method, params }, envelope);
    const clock = this.#clock;
    return new Promise<unknown>((resolve, reject) => {
      let timer: unknown;
      const finish = () => {
        clock.clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        this.#failures.delete(id);
      };
      const fail = (error: unknown) => {
        finish();
        tap.forget(id);
        reject(error);
      };
      // An abandoned request keeps listening a while (its stream stays open): an answer that
      // created something after all is handed on, so it can be undone.
      const abandon = (error: unknown) => {
        fail(error);
        const cancelled = withEnvelope(
          {
            jsonrpc: '2.0' as const,
            method: 'notifications/cancelled',
            params: { requestId: id, reason: String(error) },
          },
          envelope,
        );
        transport.send(cancelled as Parameters<Transport['send']>[0]).catch(() => undefined);
        const stopListening = () => {
          clock.clearTimeout(late);
          tap.forget(id);
          this.#failures.delete(id);
        };
        const late = clock.setTimeout(stopListening, LATE_ANSWER_MS);
        (late as { unref?: () => void }).unref?.();
        tap.expect(id, (answer) => {
          stopListening();
          if (answer.kind === 'result') options.onLateAnswer?.(answer.result);
        });
        this.#failures.set(id, stopListening);
      };
      const onAbort = () => abandon(options.signal?.reason);
      tap.expect(id, (answer) => {
        finish();
        if (answer.kind === 'result') resolve(answer.result);
        else reject(JsonRpcError.fromError(answer.error.code, answer.error.message, answer.error.data));
      });
      this.#failures.set(id, fail);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      timer = clock.setTimeout(
        () => abandon(new SdkError(SdkErrorCode.RequestTimeout, 'Request timed out', { timeout: options.timeoutMs })),
        options.timeoutMs,
      );
      transport.send(message as Parameters<Transport['send']>[0]).catch((error: unknown) => {
        this.#failures.get(id)?.(httpErrorAnswer(error) ?? error);
      });
    });
  }

  /** Fails every request still waiting (the connection is gone). */
  rejectAll(error: unknown): void {
    for (const fail of [...this.#failures.values()]) fail(error);
  }
}

/**
 * `message` with the per-request envelope in its params' `_meta`, as the SDK adds it to its own
 * requests and notifications: keys the message sets itself win; without an envelope, unchanged.
 */
function withEnvelope<Message extends { params: Record<string, unknown> }>(
  message: Message,
  envelope: Record<string, unknown> | undefined,
): Message {
  if (envelope === undefined) return message;
  const meta = isPlainObject(message.params._meta) ? message.params._meta : {};
  return { ...message, params: { ...message.params, _meta: { ...envelope, ...meta } } };
}

/**
 * The SDK's HTTP transport throws a JSON-RPC error the server answered with an HTTP error status
 * as an SdkHttpError whose data holds the body; that answer, as the SDK's error, or undefined for
 * any other failure.
 */
function httpErrorAnswer(error: unknown): JsonRpcError | undefined {
  if (!SdkHttpError.isInstance(error)) return undefined;
  const text = (error.data as { text?: unknown } | undefined)?.text;
  if (typeof text !== 'string') return undefined;
  try {
    const body = JSON.parse(text) as unknown;
    const answer = isPlainObject(body) && isPlainObject(body.error) ? body.error : undefined;
    if (answer === undefined || typeof answer.code !== 'number' || typeof answer.message !== 'string') return undefined;
    return JsonRpcError.fromError(answer.code, answer.message, answer.data);
  } catch {
    return undefined;
  }
}

/**
 * Answers one input request a server embedded in a result (2026-07-28) through the handler chain
 * the client has for `method` (see {@link ClientSeams.requestHandler}), as if it had arrived as a
 * standalone request under the id `key`, with the context the client builds for its handlers.
 */
export function answerEmbedded(
  client: Client,
  seams: ClientSeams,
  request: { readonly key: string; readonly method: string; readonly params: Record<string, unknown> },
  signal: AbortSignal,
): Promise<unknown> {
  const { key, method, params } = request;
  const handler = seams.requestHandler(method);
  if (handler === undefined)
    return Promise.reject(new SdkError(SdkErrorCode.CapabilityNotSupported, `no handler for ${method}`));
  const unavailable = () => {
    throw new SdkError(SdkErrorCode.SendFailed, 'an embedded input request has no peer request to relate to');
  };
  const ctx = seams.handlerContext({
    sessionId: client.transport?.sessionId,
    mcpReq: { id: key, method, _meta: params._meta, signal, send: unavailable, notify: unavailable },
  });
  return handler({ jsonrpc: '2.0', id: key, method, params }, ctx);
}
