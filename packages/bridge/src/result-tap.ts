// The toolset's public API returns a call's result mapped for an agent (its structured content, or
// its parts as values); a bridge must hand the host the result the server sent, unchanged. So the
// bridge builds the upstream transport itself and reads the answers to its own tools/call requests
// off it: each call carries a mark in its `_meta`, which the tap notes (with the request id) and
// strips before the request leaves, and the answer with that id is kept for the call.
import type { JSONRPCMessage, Transport } from '@modelcontextprotocol/client';
import { isPlainObject } from '@toolwright/core/internal';

/** The `_meta` key that marks a bridge's tools/call (never sent: the tap strips it). */
const MARK = 'io.toolwright/bridge-call';

/** What the upstream answered a marked tools/call: its result or its JSON-RPC error, as sent. */
export type TappedAnswer =
  | { readonly kind: 'result'; readonly result: unknown }
  | {
      readonly kind: 'error';
      readonly code: number;
      readonly message: string;
      readonly data: unknown;
    };

/** One marked call: the `_meta` to send with it, and the last answer the upstream gave it. */
export interface TappedCall {
  /** Merge into the call's `_meta`. */
  readonly meta: Readonly<Record<string, string>>;
  /** The last answer to a request of this call (a multi-round call sends several), if any came. */
  answer(): TappedAnswer | undefined;
  /** Forgets the call. */
  release(): void;
}

/** One marked call: its last answer, and the ids of its requests still waiting for one. */
interface CallRecord {
  answer: TappedAnswer | undefined;
  readonly ids: (string | number)[];
}

/** Reads the answers to marked tools/call requests off one transport. */
export class ResultTap {
  readonly #calls = new Map<string, CallRecord>();
  /** Request id → the call it belongs to, while the answer is outstanding (a Map tells 1 from "1", as JSON-RPC does). */
  readonly #requests = new Map<string | number, CallRecord>();
  #next = 0;

  /** Installs the tap on `transport` (before it is connected) and returns it. */
  install<T extends Transport>(transport: T): T {
    const send = transport.send.bind(transport);
    transport.send = (message, options) => send(this.#outgoing(message), options);
    // The transport calls `this.onmessage` for each message; whoever sets a handler (the SDK client,
    // the toolset's own wrappers) gets it wrapped, so the tap sees every message first. A wrapper
    // that calls the one set before it runs inside the outer one: only the outermost taps.
    let handler = transport.onmessage;
    let tapping = false;
    Object.defineProperty(transport, 'onmessage', {
      configurable: true,
      enumerable: true,
      get: () => handler,
      set: (next: Transport['onmessage']) => {
        handler =
          next === undefined
            ? undefined
            : (message, extra) => {
                if (tapping) return next(message, extra);
                tapping = true;
                try {
                  this.#incoming(message);
                  next(message, extra);
                } finally {
                  tapping = false;
                }
              };
      },
    });
    return transport;
  }

  /** A new marked call. */
  mark(): TappedCall {
    const key = `c${++this.#next}`;
    const record: CallRecord = { answer: undefined, ids: [] };
    this.#calls.set(key, record);
    return {
      meta: { [MARK]: key },
      answer: () => record.answer,
      release: () => {
        this.#calls.delete(key);
        for (const id of record.ids) if (this.#requests.get(id) === record) this.#requests.delete(id);
      },
    };
  }

  #outgoing(message: JSONRPCMessage): JSONRPCMessage {
    if (!('method' in message) || message.method !== 'tools/call' || !('id' in message)) return message;
    const params = message.params;
    const meta = isPlainObject(params) ? params._meta : undefined;
    if (!isPlainObject(meta) || typeof meta[MARK] !== 'string') return message;
    const { [MARK]: key, ...rest } = meta;
    const record = this.#calls.get(key as string);
    if (record) {
      this.#requests.set(message.id, record);
      record.ids.push(message.id);
    }
    const stripped = { ...(params as Record<string, unknown>) };
    if (Object.keys(rest).length > 0) stripped._meta = rest;
    else delete stripped._meta;
    return { ...message, params: stripped } as JSONRPCMessage;
  }

  #incoming(message: JSONRPCMessage): void {
    if (!('id' in message) || 'method' in message || message.id === undefined) return;
    const record = this.#requests.get(message.id);
    if (record === undefined) return;
    this.#requests.delete(message.id);
    if ('result' in message) record.answer = { kind: 'result', result: message.result };
    else if ('error' in message) {
      const { code, message: text, data } = message.error;
      record.answer = { kind: 'error', code, message: text, data };
    }
  }
}
