// Test support (not exported): connects the SDK v2 client to the 2026 fixture over each transport, with
// a raw request path for the task traffic the client's typed API refuses.
import { Client, SdkHttpError, StreamableHTTPClientTransport, type Transport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { ResponseTap, type TappedAnswer } from '@toolwright/core/internal';
import type { TasksExtensionFixtureOptions } from './options.ts';
import type { TasksExtensionInspector } from './state.ts';
import {
  startHttpTasksExtensionFixture,
  startInMemoryTasksExtensionFixture,
  tasksExtensionStdioFixture,
} from './transports.ts';
import { TASKS_EXTENSION } from './wire.ts';

/** The three ways to reach the fixture. */
export const TRANSPORTS = ['in-memory', 'stdio', 'http'] as const;
export type TransportKind = (typeof TRANSPORTS)[number];

export const PROTOCOL_VERSION = '2026-07-28';
export const CLIENT_INFO = { name: 'toolwright-test', version: '1.0.0' };
/** Capabilities that declare the extension (and elicitation and sampling, for input requests). */
export const WITH_TASKS = { elicitation: {}, sampling: {}, extensions: { [TASKS_EXTENSION]: {} } };
export const WITHOUT_TASKS = { elicitation: {}, sampling: {} };

/** A JSON-RPC response as the raw path returns it. */
export interface RawResponse {
  readonly result?: Record<string, unknown> & { [key: string]: unknown };
  readonly error?: { readonly code: number; readonly message: string; readonly data?: unknown };
}

/** A connected SDK v2 client plus the fixture's inspector and a raw request path on the same transport. */
export interface ConnectedFixture extends AsyncDisposable {
  readonly kind: TransportKind;
  readonly client: Client;
  readonly transport: Transport;
  readonly inspector: TasksExtensionInspector;
  /** The stdio child's process id (stdio only, once it started). */
  pid(): Promise<number | undefined>;
  /** The HTTP URL (HTTP only). */
  readonly url: URL | undefined;
  /** Every notification that arrived, in order. */
  readonly notifications: Array<{ method: string; params?: Record<string, unknown> }>;
  /** Sends a request with the per-request `_meta` envelope (declaring `capabilities`) straight on the transport. */
  raw(method: string, params?: Record<string, unknown>, capabilities?: Record<string, unknown>): Promise<RawResponse>;
  /** Sends a request without waiting (for subscriptions/listen, which answers only when it ends). */
  rawSend(
    id: string,
    method: string,
    params?: Record<string, unknown>,
    capabilities?: Record<string, unknown>,
  ): Promise<void>;
  /** Sends a request as given (method and params, its `_meta` included) under a fresh id; resolves with its answer. */
  dispatch(request: { readonly method: string; readonly params?: unknown }): Promise<TappedAnswer>;
  close(): Promise<void>;
}

/** The per-request `_meta` envelope of 2026-07-28 (SEP-2575). */
export function envelope(capabilities: Record<string, unknown> = WITH_TASKS): Record<string, unknown> {
  return {
    'io.modelcontextprotocol/protocolVersion': PROTOCOL_VERSION,
    'io.modelcontextprotocol/clientInfo': CLIENT_INFO,
    'io.modelcontextprotocol/clientCapabilities': capabilities,
  };
}

/** Starts the fixture on `kind`, connects an SDK v2 client (2026-07-28) that declares the extension. */
export async function connectFixture(
  kind: TransportKind,
  options: TasksExtensionFixtureOptions = {},
): Promise<ConnectedFixture> {
  let transport: Transport;
  let inspector: TasksExtensionInspector;
  let url: URL | undefined;
  let stop: () => Promise<void>;
  let pid = async (): Promise<number | undefined> => undefined;
  if (kind === 'stdio') {
    const fixture = tasksExtensionStdioFixture(options);
    pid = () => fixture.pid();
    transport = new StdioClientTransport({ command: fixture.command, args: fixture.args, stderr: 'inherit' });
    inspector = fixture.inspector;
    stop = () => fixture.close();
  } else if (kind === 'http') {
    const fixture = await startHttpTasksExtensionFixture(options);
    transport = new StreamableHTTPClientTransport(fixture.url);
    inspector = fixture.inspector;
    url = fixture.url;
    stop = () => fixture.close();
  } else {
    const fixture = await startInMemoryTasksExtensionFixture(options);
    transport = new StreamableHTTPClientTransport(fixture.url, { fetch: fixture.fetch });
    inspector = fixture.inspector;
    stop = () => fixture.close();
  }
  const client = new Client(CLIENT_INFO, {
    capabilities: WITH_TASKS,
    versionNegotiation: { mode: { pin: PROTOCOL_VERSION } },
  });
  await client.connect(transport);
  const notifications: ConnectedFixture['notifications'] = [];
  // The client set its own handler at connect; every notification is recorded on its way to it.
  const original = transport.onmessage;
  transport.onmessage = (message, extra) => {
    if ('method' in message && !('id' in message)) notifications.push(message as (typeof notifications)[number]);
    original?.call(transport, message, extra);
  };
  // The raw path's own answers are taken out before that.
  const tap = new ResponseTap(transport, 'raw');
  const withEnvelope = (params: Record<string, unknown>, capabilities: Record<string, unknown>) => ({
    ...params,
    _meta: { ...envelope(capabilities), ...(params._meta as object | undefined) },
  });
  const rawSend: ConnectedFixture['rawSend'] = (id, method, params = {}, capabilities = WITH_TASKS) =>
    transport.send({ jsonrpc: '2.0', id, method, params: withEnvelope(params, capabilities) } as Parameters<
      Transport['send']
    >[0]);
  const raw: ConnectedFixture['raw'] = async (method, params = {}, capabilities = WITH_TASKS) => {
    let answer: TappedAnswer;
    try {
      answer = await tap.request({ method, params: withEnvelope(params, capabilities) });
    } catch (error) {
      // The SDK's HTTP entry answers some rejections itself with an HTTP error status (for example
      // -32601 for a method the 2026 wire removed); the client transport throws them, the body in their data.
      const body = SdkHttpError.isInstance(error) ? (error.data as { text?: unknown } | undefined)?.text : undefined;
      if (typeof body !== 'string' || !body.startsWith('{')) throw error;
      return JSON.parse(body) as RawResponse;
    }
    return answer.kind === 'result'
      ? { result: answer.result as NonNullable<RawResponse['result']> }
      : { error: answer.error };
  };
  const dispatch: ConnectedFixture['dispatch'] = (request) => tap.request(request);
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      await client.close();
      await stop();
    })();
    return closed;
  };
  return {
    kind,
    client,
    transport,
    inspector,
    pid,
    url,
    notifications,
    raw,
    rawSend,
    dispatch,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** How long and how often a test waits for the fixture to get somewhere (`vi.waitFor`'s options; generous: the machine is shared). */
export const WAIT = { timeout: 10_000, interval: 20 } as const;
