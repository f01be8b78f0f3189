// The SDK's transports (1.x, and 2.x as of 2.4.0) drop a JSON-RPC response they cannot parse (a
// result that is a string, an array, a number) and report it only to `onerror`, without its id, so
// the request waits for its timeout; the malformed-answer tests in hostile-servers.test.ts time out
// without this module. Each transport the toolset builds is given a way to turn such a response
// into an error response for the same id first, which the SDK delivers to the waiting request (over
// stdio, the read buffer of stdio-transport.ts does it).
import { type JSONRPCMessage, ProtocolError as JsonRpcError, type Transport } from '@modelcontextprotocol/client';
import { isPlainObject } from '@toolwright/core/internal';
import { repairingDecoder } from './sse-repair.ts';

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

/** Makes a connected transport repair malformed responses it hands over unparsed (in-memory, custom). */
export function repairDeliveredResponses(transport: Transport | undefined): void {
  const deliver = transport?.onmessage;
  if (!transport || !deliver) return;
  transport.onmessage = (message, extra) => deliver(repairResponse(message) as JSONRPCMessage, extra);
}

/**
 * Makes a connected transport of a 2026-07-28 connection give a result without a `resultType` the
 * `"complete"` the spec says a client must assume. SDK 2.4 rejects such a result instead
 * (INVALID_RESULT, "missing required resultType"); sdk-gaps.test.ts fails once it does not.
 */
export function completeByDefault(transport: Transport | undefined): void {
  const deliver = transport?.onmessage;
  if (!transport || !deliver) return;
  transport.onmessage = (message, extra) => deliver(withResultType(message) as JSONRPCMessage, extra);
}

/** A result response without `resultType`, given `"complete"`; anything else unchanged. */
function withResultType(message: unknown): unknown {
  if (!isPlainObject(message) || 'method' in message || !isPlainObject(message.result)) return message;
  if (message.result.resultType !== undefined) return message;
  return { ...message, result: { ...message.result, resultType: 'complete' } };
}

/**
 * A fetch for the Streamable HTTP transport that repairs malformed responses in JSON and SSE bodies,
 * where the SDK reads them, so that a well-formed response costs no extra pass: SDK 2.4 reads an SSE
 * body as `body.pipeThrough(new TextDecoderStream())` and a JSON body with `response.json()`, and
 * those two are given versions that also repair. (A stream stage of its own, or a new Response
 * around a copied body, cost 2 % of a plain call over HTTP.) hostile-servers.test.ts pins the SSE
 * reading: over HTTP, its malformed answers wait for the request timeout without this.
 */
export function repairingFetch(fetchImpl: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const response = await fetchImpl(input, init);
    const body = response.body;
    if (!response.ok || body === null) return response;
    const type = response.headers.get('content-type')?.toLowerCase() ?? ''; // media types are case-insensitive
    if (type.includes('text/event-stream')) repairOnDecode(body);
    else if (type.includes('application/json')) repairOnJson(response);
    return response;
  };
}

/** Makes `response.json()` repair the malformed responses it reads (one message, or a batch). */
function repairOnJson(response: Response): void {
  const json = response.json;
  Object.defineProperty(response, 'json', {
    configurable: true,
    async value() {
      const value: unknown = await json.call(response);
      return Array.isArray(value) ? value.map(repairResponse) : repairResponse(value);
    },
  });
}

/**
 * Makes the SSE body `body`, piped through a TextDecoderStream, decode with a decoder that also
 * repairs malformed responses, in the TextDecoderStream's place. Piped through anything else, it
 * is piped as it is.
 */
function repairOnDecode(body: ReadableStream<Uint8Array>): void {
  const pipeThrough = body.pipeThrough;
  Object.defineProperty(body, 'pipeThrough', {
    configurable: true,
    value(...[transform, options]: Parameters<typeof pipeThrough>) {
      const through =
        transform instanceof TextDecoderStream ? repairingDecoder(transform, repairedEventData) : transform;
      return pipeThrough.call(body, through, options);
    },
  });
}

/** The event's data with a malformed response repaired, or undefined when it needs no repair. */
function repairedEventData(data: string): string | undefined {
  let message: unknown;
  try {
    message = JSON.parse(data);
  } catch {
    return undefined; // not JSON: the SDK reports it as it would
  }
  const repaired = repairResponse(message);
  return repaired === message ? undefined : JSON.stringify(repaired);
}
