import { randomUUID } from 'node:crypto';
import { ProtocolError } from '@modelcontextprotocol/server';
import type { HostCall } from './host-call.ts';
import { CallEnd, capabilityFor, inputRefused } from './input-relay.ts';
import type { InputMethod, InputSink } from './input-router.ts';

/** What a call of the bridge answers a host: the tools/call result as JSON. */
export type HostResult = Record<string, unknown>;

/** How long a call that asked a 2026-07-28 host for input waits for the host to come back with the answers. */
export const ROUND_TRIP_TIMEOUT_MS = 10 * 60_000;

/**
 * The work of one host call: started once, with the sink its input goes to, the end a refusal
 * triggers, its signal, and the host request open now (progress goes there).
 */
export type CallWork = (
  sink: InputSink,
  end: CallEnd,
  signal: AbortSignal,
  host: () => HostCall,
) => Promise<HostResult>;

interface Asked {
  readonly method: InputMethod;
  readonly params: Record<string, unknown>;
  readonly resolve: (answer: unknown) => void;
}

/**
 * One tools/call of a 2026-07-28 host that may span several requests (multi round-trip, SEP-2322):
 * when the upstream asks for input, the host's request is answered `input_required` with the
 * requests and a `requestState` naming this call; the host's retry carries the answers, and the
 * call goes on. The work runs on between rounds, and is cancelled when the host never comes back.
 */
class RoundTripCall implements InputSink {
  readonly id = randomUUID();
  readonly #toolName: string;
  readonly #asked = new Map<string, Asked>();
  readonly #controller = new AbortController();
  readonly #end = new CallEnd();
  readonly #work: Promise<HostResult>;
  readonly #onDone: () => void;
  #host: HostCall;
  #wake: (() => void) | undefined;
  #expiry: ReturnType<typeof setTimeout> | undefined;
  #next = 0;

  constructor(host: HostCall, toolName: string, work: CallWork, onDone: () => void) {
    this.#host = host;
    this.#toolName = toolName;
    this.#onDone = onDone;
    this.#work = work(this, this.#end, this.#controller.signal, () => this.#host);
    this.#work.catch(() => undefined);
  }

  ask(method: InputMethod, params: Record<string, unknown>, signal: AbortSignal): Promise<unknown> {
    if (!this.#host.declares(capabilityFor(method))) {
      const error = inputRefused(this.#toolName, method, params, ' and its task cancelled, if it had one');
      this.#end.end(error);
      return Promise.reject(error);
    }
    const key = `${method === 'elicitation/create' ? 'elicit' : 'sample'}-${++this.#next}`;
    return new Promise((resolve, reject) => {
      signal.addEventListener(
        'abort',
        () => {
          if (this.#asked.delete(key)) reject(signal.reason);
        },
        { once: true },
      );
      this.#asked.set(key, { method, params, resolve });
      const wake = this.#wake;
      this.#wake = undefined;
      wake?.();
    });
  }

  /** One request of the host: its answers are handed on; it gets the call's result, or the next input requests. */
  async round(host: HostCall): Promise<HostResult> {
    clearTimeout(this.#expiry);
    this.#host = host;
    for (const [key, answer] of Object.entries(host.inputResponses)) {
      const asked = this.#asked.get(key);
      if (!asked) continue;
      this.#asked.delete(key);
      asked.resolve(answer);
    }
    // While a round is open, the host cancelling it (or its HTTP request going away) cancels the call.
    const onAbort = () => this.#controller.abort(host.signal.reason);
    if (host.signal.aborted) onAbort();
    host.signal.addEventListener('abort', onAbort, { once: true });
    try {
      const next = await Promise.race([this.#work.then((result) => ({ result })), this.#inputAsked()]);
      if ('result' in next) {
        this.#onDone();
        return next.result;
      }
      this.#expiry = setTimeout(() => {
        this.#onDone();
        this.#controller.abort(
          new Error(`the host did not answer the input requests within ${ROUND_TRIP_TIMEOUT_MS / 60_000} minutes`),
        );
      }, ROUND_TRIP_TIMEOUT_MS);
      this.#expiry.unref?.();
      return {
        resultType: 'input_required',
        inputRequests: Object.fromEntries(
          [...this.#asked].map(([key, asked]) => [key, { method: asked.method, params: asked.params }]),
        ),
        requestState: this.id,
      };
    } catch (error) {
      this.#onDone();
      throw error;
    } finally {
      host.signal.removeEventListener('abort', onAbort);
      host.close();
    }
  }

  /** Resolves once input is asked for and unanswered, after the requests made in the same turn have joined it. */
  #inputAsked(): Promise<{ readonly asked: true }> {
    return new Promise((resolve) => {
      const settle = () => setImmediate(() => resolve({ asked: true }));
      if (this.#asked.size > 0) settle();
      else this.#wake = settle;
    });
  }
}

/** The calls of 2026-07-28 hosts waiting between rounds, by their `requestState`. */
export class RoundTrips {
  readonly #calls = new Map<string, RoundTripCall>();

  /** Runs a host's tools/call: a retry (its `requestState` names a call) goes on with it; otherwise `work` starts. */
  call(host: HostCall, toolName: string, work: CallWork): Promise<HostResult> {
    const state = host.requestState;
    if (state !== undefined) {
      const pending = this.#calls.get(state);
      if (!pending)
        throw new ProtocolError(
          -32602,
          `The requestState of this tools/call of '${toolName}' names no call the bridge is waiting on (it was answered, it waited more than ${ROUND_TRIP_TIMEOUT_MS / 60_000} minutes, or the bridge restarted): call the tool again without it.`,
        );
      return pending.round(host);
    }
    const call = new RoundTripCall(host, toolName, work, () => this.#calls.delete(call.id));
    this.#calls.set(call.id, call);
    return call.round(host);
  }
}
