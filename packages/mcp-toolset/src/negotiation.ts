// How the toolset agrees on a protocol version with its server: on the one connection it then
// serves, within timeouts.connectMs as a whole.
//
// The SDK 2.x client negotiates (`versionNegotiation` 'auto' or a pin) by sending `server/discover`
// first and falling back to the 2025 `initialize` handshake on anything but modern evidence, as the
// 2026-07-28 spec asks. Over stdio, for its own StdioClientTransport exactly, it sends the probe to a
// second, short-lived process started from the same command, then starts the caller's process once
// the version is known; a subclass of that transport it probes in place (its documented behaviour).
// A second process costs a server's whole start-up, twice for every open: the probe's process, then
// the session's, whose start-up the first request after connect() waits for. So every stdio
// transport is connected here as a subclass instance, and the probe goes to the process that serves
// the session. A server that ends on a request before `initialize` (servers on some SDKs do) is then
// started once more for the 2025 handshake, and its command line is remembered for the rest of the
// process, so the next open starts it once, without a probe.
import {
  type Client,
  SdkError,
  SdkErrorCode,
  type Transport,
  type VersionNegotiationOptions,
} from '@modelcontextprotocol/client';
import type { MCPToolsetOptions, StdioServer } from './options.ts';

/** The versions a toolset may be told to speak. */
type VersionOption = NonNullable<MCPToolsetOptions['protocolVersion']>;

/** What the negotiation needs besides the client and its transport. */
export interface NegotiationPlan {
  readonly version: VersionOption;
  /** The whole connect, probe and handshake together, is bound by this (timeouts.connectMs)… */
  readonly connectMs: number;
  /** …and this, while an interactive authorization provider waits for a user to sign in (0 without one). */
  readonly authorizationWaitMs?: number;
  /**
   * For a stdio server the toolset starts itself: its configuration, and a fresh transport to start
   * it again when it ended on the probe. Absent for a transport the app handed over.
   */
  readonly restart?: { readonly server: StdioServer; readonly transport: () => Transport } | undefined;
}

/** Command lines of stdio servers seen to end on a `server/discover` probe: the 2025 handshake only, from then on. */
const endsOnProbe = new Set<string>();
/** A bound on what {@link endsOnProbe} remembers, so a process that starts many servers keeps it small. */
const REMEMBERED = 256;

/** The SDK's plain 2025 handshake, no probe. */
const HANDSHAKE_2025: VersionNegotiationOptions = { mode: 'legacy' };

/** Connects the client on a transport with a negotiation mode, within what is left of the budget. */
type Connect = (transport: Transport, negotiation: VersionNegotiationOptions) => Promise<void>;

/**
 * Connects `client` over `transport` with the version `plan` asks for, probing on that transport
 * (the client is then connected on it, or on a fresh one when a stdio server had to be started
 * again). Fails with the SDK's error, or, past `connectMs`, an error that names it.
 */
export async function connectNegotiated(client: Client, transport: Transport, plan: NegotiationPlan): Promise<void> {
  const started = performance.now();
  const waitMs = plan.authorizationWaitMs ?? 0;
  const budgetMs = plan.connectMs + waitMs;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), budgetMs);
  const connect: Connect = (on, negotiation) => {
    client.setVersionNegotiation(negotiation);
    // Whole milliseconds: a fractional delay would make Node.js box a number in every timer from then on.
    const timeout = Math.max(1, Math.ceil(budgetMs - (performance.now() - started)));
    return client.connect(on, { timeout, signal: deadline.signal });
  };
  try {
    await negotiate(transport, { ...plan, connectMs: budgetMs }, connect);
  } catch (error) {
    if (deadline.signal.aborted || performance.now() - started >= budgetMs) {
      const signIn = waitMs > 0 ? `, and ${waitMs} ms for signing in` : '';
      throw new Error(
        `the server did not complete the handshake within ${plan.connectMs} ms (timeouts.connectMs${signIn})`,
        { cause: error },
      );
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

async function negotiate(transport: Transport, plan: NegotiationPlan, connect: Connect): Promise<void> {
  const key = plan.restart && serverKey(plan.restart.server);
  if (plan.version === 'auto' && key !== undefined && endsOnProbe.has(key)) {
    // Known to end on the probe: the 2025 handshake alone. Should that fail, the next open asks again.
    return connect(transport, HANDSHAKE_2025).catch((error: unknown) => {
      endsOnProbe.delete(key);
      throw error;
    });
  }
  const stdio = isStdio(transport);
  if (stdio) probeInPlace(transport);
  const closed = stdio ? watchClose(transport) : () => false;
  try {
    await connect(transport, negotiation(plan.version, plan.connectMs, stdio));
  } catch (error) {
    if (!(closed() && plan.version === 'auto' && isNegotiationFailure(error))) throw error;
    if (plan.restart === undefined || key === undefined)
      throw new Error(
        "the stdio server ended when asked its protocol version (server/discover), as servers on some SDKs do with any request before initialize, and a transport handed over cannot be started again: pin protocolVersion: '2025-11-25', or pass { command, args } so the toolset can start the server itself",
        { cause: error },
      );
    remember(key);
    await connect(plan.restart.transport(), HANDSHAKE_2025);
  }
}

/** Whether `transport` has closed since this was called (the handler it had before still runs). */
function watchClose(transport: Transport): () => boolean {
  let closed = false;
  const onclose = transport.onclose;
  transport.onclose = () => {
    closed = true;
    onclose?.();
  };
  return () => closed;
}

/**
 * The SDK's negotiation for the toolset's option: 2025-11-25 is the 2025 handshake alone; a later
 * version is pinned. With 'auto' over stdio a server that never answers the probe is a 2025 server
 * (the spec's fallback), so the probe waits half of the connect budget and the handshake gets the
 * rest; elsewhere silence is an outage, and the probe may take it all.
 */
function negotiation(version: VersionOption, connectMs: number, stdio: boolean): VersionNegotiationOptions {
  if (version === '2025-11-25') return HANDSHAKE_2025;
  if (version !== 'auto') return { mode: { pin: version }, probe: { timeoutMs: connectMs } };
  return { mode: 'auto', probe: { timeoutMs: stdio ? Math.max(1, Math.floor(connectMs / 2)) : connectMs } };
}

/**
 * Makes the SDK probe the stdio `transport` itself: its own stdio transport class, exactly, would be probed
 * on a second process. An empty prototype level between the object and its class does it (what a
 * subclass instance has); the transport behaves as before, `instanceof` included.
 */
function probeInPlace(transport: Transport): void {
  const prototype: unknown = Object.getPrototypeOf(transport);
  if (typeof prototype === 'object' && prototype !== null && Object.hasOwn(prototype, '_dispose'))
    Object.setPrototypeOf(transport, Object.create(prototype));
}

/** A stdio transport, recognised as the SDK recognises one (a child process's `pid` and `stderr`). */
function isStdio(transport: Transport): boolean {
  return 'pid' in transport && 'stderr' in transport;
}

/** The SDK's failure of the version negotiation (the probe's connection closed, among others). */
function isNegotiationFailure(error: unknown): boolean {
  return error instanceof SdkError && error.code === SdkErrorCode.EraNegotiationFailed;
}

/** What identifies a stdio server configuration: the same command line, environment and folder start the same server. */
function serverKey(server: StdioServer): string {
  return JSON.stringify([server.command, server.args ?? [], server.env ?? {}, server.cwd ?? null]);
}

/** Remembers a command line that ends on the probe (the oldest goes first past {@link REMEMBERED}). */
function remember(key: string): void {
  if (endsOnProbe.size >= REMEMBERED) endsOnProbe.delete(endsOnProbe.values().next().value as string);
  endsOnProbe.add(key);
}
