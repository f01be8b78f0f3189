// The SDK's transports (1.x, and 2.x as of 2.4.0) drop a JSON-RPC response they cannot parse (a
// result that is a string, an array, a number) and report it only to `onerror`, without its id, so
// the request waits for its timeout; the malformed-answer tests in hostile-servers.test.ts time out
// without this module. Each transport the toolset builds is given a way to turn such a response
// into an error response for the same id first, which the SDK delivers to the waiting request.
import {
  type JSONRPCMessage,
  ProtocolError as JsonRpcError,
  parseJSONRPCMessage,
  type Transport,
} from '@modelcontextprotocol/client';
import { isPlainObject } from '@toolwright/core/internal';

/** Marks an error response made here from a malformed one; its value says what was wrong. */
const MALFORMED_MARK = 'toolwright/malformed-response';
/** JSON-RPC "Internal error": the code the substitute error responses carry. */
const INTERNAL_ERROR = -32603;

/**
 * A JSON-RPC response the SDK would drop, replaced by an error response for the same id that
 * says what was wrong; any other value unchanged.
 */
export function repairResponse(value: unknown): unknown {
  if (!isPlainObject(value) || value.jsonrpc !== '2.0' || 'method' in value) return value;
  const { id } = value;
  if (typeof id !== 'string' && typeof id !== 'number') return value;
  let problem: string | undefined;
  if ('result' in value) {
    if (!isPlainObject(value.result)) problem = `the result is ${kindOf(value.result)}, not an object`;
    else if (value.result._meta !== undefined && !isPlainObject(value.result._meta))
      problem = `the result's _meta is ${kindOf(value.result._meta)}, not an object`;
  } else if ('error' in value) {
    const error = value.error;
    if (!isPlainObject(error) || typeof error.code !== 'number' || typeof error.message !== 'string')
      problem = 'the error is not an object with a numeric code and a string message';
  } else {
    problem = 'it has neither a result nor an error';
  }
  if (problem === undefined) return value;
  return {
    jsonrpc: '2.0',
    id,
    error: { code: INTERNAL_ERROR, message: `malformed response: ${problem}`, data: { [MALFORMED_MARK]: problem } },
  };
}

/** What was wrong with a response this module replaced, when `error` is the SDK's rejection for one. */
export function malformedResponse(error: unknown): string | undefined {
  if (!(error instanceof JsonRpcError) || !isPlainObject(error.data)) return undefined;
  const problem = error.data[MALFORMED_MARK];
  return typeof problem === 'string' ? problem : undefined;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function parseMessage(text: string): JSONRPCMessage {
  return parseJSONRPCMessage(repairResponse(JSON.parse(text)));
}

/**
 * A stdio read buffer (the SDK's ReadBuffer contract: append, readMessage, clear) that repairs
 * malformed responses before the SDK parses them. Installed on a StdioClientTransport.
 */
class RepairingReadBuffer {
  readonly #maxBytes: number;
  #buffer: Buffer | undefined;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  append(chunk: Buffer): void {
    if ((this.#buffer?.length ?? 0) + chunk.length > this.#maxBytes) {
      this.clear();
      throw new Error(`ReadBuffer exceeded maximum size of ${this.#maxBytes} bytes`);
    }
    this.#buffer = this.#buffer ? Buffer.concat([this.#buffer, chunk]) : chunk;
  }

  readMessage(): JSONRPCMessage | null {
    const buffer = this.#buffer;
    if (!buffer) return null;
    const index = buffer.indexOf('\n');
    if (index === -1) return null;
    const line = buffer.toString('utf8', 0, index).replace(/\r$/, '');
    this.#buffer = buffer.subarray(index + 1);
    return parseMessage(line);
  }

  clear(): void {
    this.#buffer = undefined;
  }
}

/** Makes a StdioClientTransport (before start) repair malformed responses. */
export function repairStdioResponses(transport: Transport): void {
  const holder = transport as unknown as { _readBuffer?: { _maxBufferSize?: unknown } };
  if (holder._readBuffer === undefined) return;
  const max = typeof holder._readBuffer._maxBufferSize === 'number' ? holder._readBuffer._maxBufferSize : 10 << 20;
  (holder as { _readBuffer: unknown })._readBuffer = new RepairingReadBuffer(max);
}

/**
 * Makes a connected transport repair malformed responses it hands over unparsed (in-memory, custom),
 * and, while `completeByDefault()` says the connection speaks 2026-07-28, give a result without a
 * `resultType` the `"complete"` the spec says a client must assume. SDK 2.4 rejects such a result
 * instead (INVALID_RESULT, "missing required resultType"); sdk-gaps.test.ts fails once it does not.
 */
export function repairDeliveredResponses(transport: Transport | undefined, completeByDefault: () => boolean): void {
  const deliver = transport?.onmessage;
  if (!transport || !deliver) return;
  transport.onmessage = (message, extra) => {
    const repaired = repairResponse(message);
    deliver((completeByDefault() ? withResultType(repaired) : repaired) as JSONRPCMessage, extra);
  };
}

/** A result response without `resultType`, given `"complete"`; anything else unchanged. */
function withResultType(message: unknown): unknown {
  if (!isPlainObject(message) || 'method' in message || !isPlainObject(message.result)) return message;
  if (message.result.resultType !== undefined) return message;
  return { ...message, result: { ...message.result, resultType: 'complete' } };
}

/** A fetch for the Streamable HTTP transport that repairs malformed responses in JSON and SSE bodies. */
export function repairingFetch(fetchImpl: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const response = await fetchImpl(input, init);
    const type = response.headers.get('content-type') ?? '';
    if (!response.ok || response.body === null) return response;
    if (type.includes('text/event-stream')) {
      return new Response(repairingEventBody(response.body), {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    }
    if (type.includes('application/json')) {
      const text = await response.text();
      return new Response(repairJsonText(text), {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    }
    return response;
  };
}

function repairJsonText(text: string): string {
  return repairedJson(text) ?? text;
}

/** The text with its malformed responses repaired, or undefined when there was nothing to repair. */
function repairedJson(text: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined; // not JSON: the SDK reports it as it would
  }
  const messages = Array.isArray(value) ? value : [value];
  const repaired = messages.map(repairResponse);
  if (repaired.every((message, index) => message === messages[index])) return undefined;
  return JSON.stringify(Array.isArray(value) ? repaired : repaired[0]);
}

/** The event with the data of a malformed response rewritten; the same string when there was nothing to repair. */
function repairEvent(event: string): string {
  const lines = event.split(/\r?\n/);
  const data = lines
    .filter((line) => line.startsWith('data:'))
    .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5));
  if (data.length === 0) return event;
  const repaired = repairedJson(data.join('\n'));
  if (repaired === undefined) return event;
  return [...lines.filter((line) => !line.startsWith('data:')), `data: ${repaired}`].join('\n');
}

const LF = 10;
const CR = 13;

/**
 * Where the first event of `bytes` from `from` ends: the index and length of its blank-line
 * delimiter (`\r?\n\r?\n`), or undefined while the event is incomplete. The delimiter is ASCII,
 * so it is found in the bytes without decoding them.
 */
function eventEnd(bytes: Uint8Array, from: number): { readonly at: number; readonly length: number } | undefined {
  for (let index = bytes.indexOf(LF, from); index !== -1; index = bytes.indexOf(LF, index + 1)) {
    const next =
      bytes[index + 1] === LF ? index + 2 : bytes[index + 1] === CR && bytes[index + 2] === LF ? index + 3 : -1;
    if (next === -1) continue;
    const at = index > from && bytes[index - 1] === CR ? index - 1 : index;
    return { at, length: next - at };
  }
  return undefined;
}

/**
 * An SSE body that passes every event through as the same bytes, and rewrites only the data of an
 * event that carries a malformed response. A pull stream over the body's reader: no transform
 * stream, no pipe and no re-encoding per response, which a fetch wrapper pays on every request.
 */
function repairingEventBody(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let pending: Uint8Array = new Uint8Array(0);
  /** The bytes to hand on for a new chunk: whole events, with any repaired; an incomplete event waits. */
  const complete = (chunk: Uint8Array): Uint8Array[] => {
    let bytes = chunk;
    if (pending.length > 0) {
      bytes = new Uint8Array(pending.length + chunk.length);
      bytes.set(pending);
      bytes.set(chunk, pending.length);
    }
    const out: Uint8Array[] = [];
    let start = 0;
    let passed = 0;
    for (let end = eventEnd(bytes, start); end !== undefined; end = eventEnd(bytes, start)) {
      const event = decoder.decode(bytes.subarray(start, end.at));
      const repaired = repairEvent(event);
      if (repaired !== event) {
        if (start > passed) out.push(bytes.subarray(passed, start));
        out.push(encoder.encode(repaired), bytes.subarray(end.at, end.at + end.length));
        passed = end.at + end.length;
      }
      start = end.at + end.length;
    }
    if (start > passed) out.push(bytes.subarray(passed, start));
    pending = bytes.subarray(start);
    return out;
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          if (pending.length > 0) controller.enqueue(pending);
          controller.close();
          return;
        }
        const out = complete(value);
        for (const bytes of out) controller.enqueue(bytes);
        if (out.length > 0) return;
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}
