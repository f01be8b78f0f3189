// `Mcp-Param-{Name}` request headers (SEP-2243, MCP 2026-07-28): over Streamable HTTP, a client mirrors
// the tools/call arguments a tool marks with `x-mcp-header` into headers, so that intermediaries can
// route on them without reading the body. The toolset sends tools/call through `client.request` (which,
// unlike the SDK's typed callTool, adds no such headers) and may send it on the transport directly, so
// the headers are added below both: on the transport's `send`, through the per-message `headers` option
// of the SDK's transport contract (TransportSendOptions), which its Streamable HTTP transport puts on
// that message's POST and every other transport ignores.
import { ProtocolError as JsonRpcError, type Transport, type TransportSendOptions } from '@modelcontextprotocol/client';
import { isPlainObject } from '@toolwright/core/internal';
import type { HeaderParameter } from './mcp-header.ts';

const PREFIX = 'Mcp-Param-';
/** JSON-RPC error of 2026-07-28 (HeaderMismatch): the request's headers do not match its body, or some are missing. */
const HEADER_MISMATCH = -32020;
/** The Base64 sentinel's markers; a plain value that looks like one is encoded too, so decoding stays unambiguous. */
const SENTINEL_START = '=?base64?';
const SENTINEL_END = '?=';
const SENTINEL = /^=\?base64\?[\s\S]*\?=$/;

/**
 * A value as an HTTP header value (SEP-2243 "Value Encoding"): as it is when it is plain visible
 * ASCII and spaces, without a space at either end; otherwise (non-ASCII, a control character such as
 * a tab or a line break, a space at an end, the sentinel's own shape, or empty, which an intermediary
 * may drop) the Base64 of its UTF-8 bytes between `=?base64?` and `?=`.
 */
export function encodeHeaderValue(value: string): string {
  return isPlainHeaderValue(value) ? value : `${SENTINEL_START}${base64(value)}${SENTINEL_END}`;
}

function isPlainHeaderValue(value: string): boolean {
  if (value.length === 0 || value.startsWith(' ') || value.endsWith(' ') || SENTINEL.test(value)) return false;
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code < 0x20 || code > 0x7e) return false;
  }
  return true;
}

function base64(value: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(value)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * An argument's value as the spec converts it for a header: a string as it is, an integer in decimal,
 * a boolean as `true` or `false`. Anything else (null, absent, a fraction, an integer beyond the
 * JavaScript-safe range the spec allows, an object) is not mirrored: the header is left out.
 */
export function headerText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return undefined;
}

/** The `Mcp-Param-*` headers for one call: one per designated parameter whose value the arguments carry. */
export function paramHeaders(parameters: readonly HeaderParameter[], args: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const { path, header } of parameters) {
    let value: unknown = args;
    for (const key of path) value = isPlainObject(value) ? value[key] : undefined;
    const text = headerText(value);
    if (text !== undefined) headers[`${PREFIX}${header}`] = encodeHeaderValue(text);
  }
  return headers;
}

/**
 * Whether a request was refused with HeaderMismatch (-32020). For a tools/call, the tool's
 * designated parameters may have changed since the toolset listed it: the spec asks a client to
 * list the tools again and retry.
 */
export function isHeaderMismatch(error: unknown): boolean {
  return error instanceof JsonRpcError && error.code === HEADER_MISMATCH;
}

/**
 * One connection's mirroring: the designated parameters of each tool of the latest complete
 * listing, and the transport whose tools/call messages get their headers. The listing is read
 * for annotations only on 2026-07-28 (see mcp-header.ts), so on 2025-11-25 nothing is mirrored.
 *
 * It works on any transport that honours `TransportSendOptions.headers`, the SDK's Streamable HTTP
 * transport among them, whether the toolset built it or the application handed it over (alone or
 * inside a connected Client). A custom transport that ignores that option sends no such headers.
 */
export class ParamHeaderMirror {
  #byTool: ReadonlyMap<string, readonly HeaderParameter[]> = new Map();
  #uninstall: (() => void) | undefined;

  /** From now on, mirrors the parameters of this listing (tool name → its designated parameters). */
  useListing(byTool: ReadonlyMap<string, readonly HeaderParameter[]>): void {
    this.#byTool = byTool;
  }

  /** The headers one outgoing JSON-RPC message must carry: for a tools/call of a listed tool, its `Mcp-Param-*`. */
  headersFor(message: unknown): Record<string, string> | undefined {
    if (!isPlainObject(message) || message.method !== 'tools/call' || !isPlainObject(message.params)) return undefined;
    const { name, arguments: args } = message.params;
    const parameters = typeof name === 'string' ? this.#byTool.get(name) : undefined;
    if (parameters === undefined || parameters.length === 0) return undefined;
    const headers = paramHeaders(parameters, args);
    return Object.keys(headers).length === 0 ? undefined : headers;
  }

  /**
   * Makes every message sent on `transport` (through the Client or directly) carry its headers,
   * until {@link uninstall}. Headers the sender already gave a message are kept as they are.
   */
  install(transport: Transport | undefined): void {
    this.uninstall();
    if (!transport) return;
    const previous = transport.send;
    const send: Transport['send'] = (message, options) => {
      const headers = this.headersFor(message);
      return previous.call(transport, message, headers === undefined ? options : withHeaders(options, headers));
    };
    transport.send = send;
    this.#uninstall = () => {
      if (transport.send === send) transport.send = previous;
    };
  }

  /** Leaves the transport as it was (a transport or Client the application handed over outlives the toolset). */
  uninstall(): void {
    this.#uninstall?.();
    this.#uninstall = undefined;
  }
}

/** The options with `headers` added; a header of the same name (in any case) already there wins. */
function withHeaders(options: TransportSendOptions | undefined, headers: Record<string, string>): TransportSendOptions {
  const given = options?.headers ?? {};
  const taken = new Set(Object.keys(given).map((name) => name.toLowerCase()));
  const added = Object.entries(headers).filter(([name]) => !taken.has(name.toLowerCase()));
  return { ...options, headers: { ...given, ...Object.fromEntries(added) } };
}
