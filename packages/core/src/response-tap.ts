import { isPlainObject } from './json.ts';

/**
 * The part of a JSON-RPC transport a {@link ResponseTap} uses: its incoming-message callback and its
 * send (the MCP SDK's `Transport` has both).
 */
export interface TappableTransport {
  // biome-ignore lint/suspicious/noExplicitAny: any transport's own message and extra types fit here
  onmessage?: ((message: any, extra?: any) => void) | undefined;
  // biome-ignore lint/suspicious/noExplicitAny: any transport's own message type fits here
  send(message: any): Promise<void>;
}

/** A JSON-RPC answer to a request sent through a tap: its result, or its error object as it came. */
export type TappedAnswer =
  | { readonly kind: 'result'; readonly result: unknown }
  | {
      readonly kind: 'error';
      readonly error: { readonly code: number; readonly message: string; readonly data?: unknown };
    };

/**
 * Requests sent straight on a JSON-RPC transport beside the client that owns it, under string ids of
 * their own (`<prefix>-<n>`, where clients number theirs): their answers are taken off the
 * transport's message callback before the client sees them; every other message goes on to it
 * unchanged. The tap is installed on first use, after whatever already wraps the callback.
 */
export class ResponseTap {
  readonly #transport: TappableTransport;
  readonly #prefix: string;
  readonly #waiting = new Map<string, (answer: TappedAnswer) => void>();
  #next = 0;
  #installed = false;

  /** `prefix` starts every id this tap makes; give each tap on one transport its own. */
  constructor(transport: TappableTransport, prefix: string) {
    this.#transport = transport;
    this.#prefix = prefix;
  }

  /** A fresh request id of this tap. */
  nextId(): string {
    return `${this.#prefix}-${++this.#next}`;
  }

  /** Calls `settle` once with the answer to request `id` when it arrives (replacing any earlier wait for it). */
  expect(id: string, settle: (answer: TappedAnswer) => void): void {
    this.#install();
    this.#waiting.set(id, settle);
  }

  /** Stops waiting for the answer to request `id`. */
  forget(id: string): void {
    this.#waiting.delete(id);
  }

  /** Stops waiting for every answer, handing back what each wait would have called. */
  forgetAll(): ((answer: TappedAnswer) => void)[] {
    const waits = [...this.#waiting.values()];
    this.#waiting.clear();
    return waits;
  }

  /**
   * Sends `request` (its method and params as given) under a fresh id and resolves with the answer;
   * rejects with the transport's error when the send fails.
   */
  async request(request: { readonly method: string; readonly params?: unknown }): Promise<TappedAnswer> {
    const id = this.nextId();
    const answered = new Promise<TappedAnswer>((resolve) => this.expect(id, resolve));
    try {
      await this.#transport.send({ ...request, jsonrpc: '2.0', id });
    } catch (error) {
      this.forget(id);
      throw error;
    }
    return answered;
  }

  #install(): void {
    if (this.#installed) return;
    this.#installed = true;
    const transport = this.#transport;
    const deliver = transport.onmessage;
    transport.onmessage = (message: unknown, extra?: unknown) => {
      const id = isPlainObject(message) && typeof message.id === 'string' ? message.id : undefined;
      const settle = id === undefined ? undefined : this.#waiting.get(id);
      const answer = settle && tappedAnswer(message as Record<string, unknown>);
      if (id !== undefined && settle && answer) {
        this.#waiting.delete(id);
        settle(answer);
        return;
      }
      deliver?.call(transport, message, extra);
    };
  }
}

/** The answer a response message carries, or undefined for a message that is no response. */
function tappedAnswer(message: Record<string, unknown>): TappedAnswer | undefined {
  if ('result' in message) return { kind: 'result', result: message.result };
  if (!('error' in message)) return undefined;
  const error = message.error as { code: number; message: string; data?: unknown };
  return { kind: 'error', error };
}
