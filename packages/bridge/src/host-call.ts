import {
  CLIENT_CAPABILITIES_META_KEY,
  type ElicitRequestFormParams,
  type Server,
  type ServerContext,
} from '@modelcontextprotocol/server';
import type { JsonObject } from '@toolwright/core';
import { isPlainObject } from '@toolwright/core/internal';
import type { InputMethod } from './input-router.ts';

/** The extension identifier of MCP tasks on 2026-07-28 (SEP-2663). */
export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';

/** The protocol era a host speaks: 2025 sessions (`initialize`), or 2026-07-28 per-request envelopes. */
export type Era = 'legacy' | 'modern';

/** What a host may have declared. */
export type HostCapability = 'elicitation' | 'sampling' | 'tasks';

/**
 * One request of a host, as the bridge needs it: its era and declared capabilities, the `_meta` to
 * pass upstream, its cancellation (`notifications/cancelled`, or the HTTP request going away), and
 * progress back to it on its progress token.
 */
export class HostCall {
  readonly era: Era;
  /** What aborts when the host cancels the request, or its HTTP request goes away (a call links to each). */
  readonly signals: readonly AbortSignal[];
  #signal: AbortSignal | undefined;
  readonly #ctx: ServerContext;
  readonly #capabilities: Record<string, unknown>;
  readonly #token: string | number | undefined;
  #progress = 0;
  #closed = false;

  /** `server` is the instance serving the request (a 2025 host's capabilities are its own). */
  constructor(server: Server | undefined, ctx: ServerContext, era: Era) {
    this.era = era;
    this.#ctx = ctx;
    const httpSignal = ctx.http?.req?.signal;
    this.signals = httpSignal ? [ctx.mcpReq.signal, httpSignal] : [ctx.mcpReq.signal];
    const declared =
      era === 'modern'
        ? (ctx.mcpReq.envelope as Record<string, unknown> | undefined)?.[CLIENT_CAPABILITIES_META_KEY]
        : server?.getClientCapabilities();
    this.#capabilities = isPlainObject(declared) ? declared : {};
    const token = ctx.mcpReq._meta?.progressToken;
    this.#token = typeof token === 'string' || typeof token === 'number' ? token : undefined;
  }

  /** Aborts when the host cancels the request, or its HTTP request goes away (made on first use: most calls link to {@link signals}). */
  get signal(): AbortSignal {
    this.#signal ??= this.signals.length === 1 ? (this.signals[0] as AbortSignal) : AbortSignal.any([...this.signals]);
    return this.#signal;
  }

  /** The request's `_meta` without its progress token (the bridge sets its own upstream), or undefined. */
  get meta(): JsonObject | undefined {
    const meta = this.#ctx.mcpReq._meta;
    if (!isPlainObject(meta)) return undefined;
    const { progressToken: _token, ...rest } = meta;
    return Object.keys(rest).length > 0 ? (rest as JsonObject) : undefined;
  }

  /** The request state a retried 2026-07-28 request carries (multi round-trip), raw. */
  get requestState(): string | undefined {
    const state = this.#ctx.mcpReq.requestState();
    return typeof state === 'string' ? state : undefined;
  }

  /** The answers a retried 2026-07-28 request carries, by key. */
  get inputResponses(): Readonly<Record<string, unknown>> {
    return this.#ctx.mcpReq.inputResponses ?? {};
  }

  /** Whether the host declared `capability` (`tasks`: the 2026-07-28 tasks extension, in this request). */
  declares(capability: HostCapability): boolean {
    if (capability === 'tasks') {
      const extensions = this.#capabilities.extensions;
      return this.era === 'modern' && isPlainObject(extensions) && extensions[TASKS_EXTENSION] !== undefined;
    }
    return this.#capabilities[capability] !== undefined;
  }

  /** Whether the host asked for progress (gave a progress token). */
  get wantsProgress(): boolean {
    return this.#token !== undefined;
  }

  /** Sends `notifications/progress` on the host's token (nothing without one, or once the call answered). */
  progress(message: string | undefined): void {
    if (this.#token === undefined || this.#closed) return;
    this.#progress += 1;
    this.#ctx.mcpReq
      .notify({
        method: 'notifications/progress',
        params: {
          progressToken: this.#token,
          progress: this.#progress,
          ...(message === undefined ? {} : { message }),
        },
      })
      .catch(() => undefined);
  }

  /** Asks a 2025 host for input with a server-to-client request tied to this call. */
  ask(method: InputMethod, params: Record<string, unknown>, signal: AbortSignal): Promise<unknown> {
    if (method === 'elicitation/create')
      return this.#ctx.mcpReq.elicitInput(params as unknown as ElicitRequestFormParams, { signal });
    return this.#ctx.mcpReq.requestSampling(params as never, { signal });
  }

  /** The request has been answered (or answered for this round): no more progress on it. */
  close(): void {
    this.#closed = true;
  }
}
