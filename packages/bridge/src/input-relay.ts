import { UserError } from '@toolwright/core';
import type { HostCall } from './host-call.ts';
import type { InputMethod, InputSink } from './input-router.ts';

/** The host capability an upstream request for input needs. */
export function capabilityFor(method: InputMethod): 'elicitation' | 'sampling' {
  return method === 'elicitation/create' ? 'elicitation' : 'sampling';
}

/** What a server asked for, in a few words a person can read: the elicitation's message, or that it wants a model's answer. */
export function describeInput(method: InputMethod, params: Record<string, unknown>): string {
  if (method === 'elicitation/create') {
    const message = typeof params.message === 'string' ? params.message.slice(0, 200) : '';
    return `input from the user (elicitation${message === '' ? '' : `: "${message}"`})`;
  }
  return 'a completion from the host’s model (sampling/createMessage)';
}

/**
 * The error that ends a call whose server asked the host for input the host cannot give: it names
 * what the server asked for and the capability the host lacks.
 */
export function inputRefused(
  toolName: string,
  method: InputMethod,
  params: Record<string, unknown>,
  afterwards: string,
): UserError {
  return new UserError(
    `Tool '${toolName}': the server asked for ${describeInput(method, params)}, but this host did not declare the ${capabilityFor(method)} capability, so the bridge cannot pass the request on; the call was ended${afterwards}. Use a host that supports ${capabilityFor(method)}, or a tool that needs no input.`,
  );
}

/**
 * Ends a host call early: a sink that cannot ask the host triggers it with the error the host
 * should see, and the call's runner, racing its work against `promise`, stops the work.
 */
export class CallEnd {
  readonly promise: Promise<never>;
  #reject!: (error: unknown) => void;
  #ended = false;

  constructor() {
    this.promise = new Promise<never>((_resolve, reject) => {
      this.#reject = reject;
    });
    this.promise.catch(() => undefined);
  }

  /** Ends the call with `error` (the first end wins). */
  end(error: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#reject(error);
  }
}

/**
 * Input for a call of a 2025 host: asked with a server-to-client request tied to the host's
 * tools/call (elicitation, sampling), when the host declared the capability; otherwise the call ends.
 */
export class PushSink implements InputSink {
  readonly #host: HostCall;
  readonly #toolName: string;
  readonly #end: CallEnd;

  constructor(host: HostCall, toolName: string, end: CallEnd) {
    this.#host = host;
    this.#toolName = toolName;
    this.#end = end;
  }

  ask(method: InputMethod, params: Record<string, unknown>, signal: AbortSignal): Promise<unknown> {
    if (!this.#host.declares(capabilityFor(method))) {
      const error = inputRefused(this.#toolName, method, params, ' and its task cancelled, if it had one');
      this.#end.end(error);
      return Promise.reject(error);
    }
    return this.#host.ask(method, params, AbortSignal.any([signal, this.#host.signal]));
  }
}
