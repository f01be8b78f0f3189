// What the toolset does to the SDK's StdioClientTransport (2.4), in this one place, and why:
//
// - Its read buffer (`_readBuffer`, private) is replaced by one that repairs malformed responses (see
//   malformed-responses.ts) and keeps the message limit without dropping the connection. The SDK's
//   buffer throws once a line passes its `maxBufferSize`, and the transport closes on that: every
//   request and task on the connection is lost for one long line. Here a line over the limit is
//   skipped to its end; an answer among them becomes an error answer for the same request, which
//   the toolset reports as a typed error naming the limit and its option.
// - Its `send` adds a 'drain' listener for each write the pipe does not take at once, so a burst of
//   concurrent requests passes Node's ten listeners and prints MaxListenersExceededWarning. Writes
//   are queued here: at most one waits for 'drain'.
//
// - Its `close` ends stdin, then waits a fixed 2 s for the child to exit before SIGTERM, and 2 s more
//   before SIGKILL (the shutdown the MCP spec describes for stdio). Here the wait is the source's
//   `closeGraceMs`: a server that exits when its stdin closes is closed as soon as it has exited; one
//   that does not costs the grace, then a SIGTERM. The SDK signals its child alone: behind a launcher
//   (`npx`, `sh -c`) that is the launcher, and the server outlives the toolset. Here the signals go to
//   every process the child started too (read from /proc, see process-tree.ts).
//
// stdio-transport.test.ts checks them against the SDK's own transport; `_readBuffer` and `_process` are
// reached through sdk-seams.ts: when one is missing (a later SDK), the transport keeps the SDK's own
// behaviour there (the same limit, where a long line then drops the connection; its fixed close waits)
// and the toolset says so once.
import type { ChildProcess } from 'node:child_process';
import {
  type JSONRPCMessage,
  ProtocolError as JsonRpcError,
  parseJSONRPCMessage,
  type Transport,
} from '@modelcontextprotocol/client';
import { isPlainObject } from '@toolwright/core/internal';
import { descendantsOf, isRunning, joinTrees, signalTree, type TreeProcess } from '../process-tree.ts';
import { repairResponse } from './malformed-responses.ts';
import { replaceStdioReadBuffer, reportMissingSeams, takeStdioChild } from './sdk-seams.ts';

/** The stdio message limit when the source names none: the SDK's own default (10 MiB). */
export const DEFAULT_MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

/** How long close() waits for a stdio server to exit after its stdin closes (and after SIGTERM) when the source names no `closeGraceMs`: the SDK's own wait. */
export const DEFAULT_CLOSE_GRACE_MS = 2_000;

/** Marks an error answer made here for a line over the limit; its value is the limit. */
const OVERSIZED_MARK = 'toolwright/oversized-message';
/** JSON-RPC "Internal error": the code the substitute error answers carry. */
const INTERNAL_ERROR = -32603;
/** How much of the start and of the end of a skipped line is kept, to read its id. */
const KEPT_BYTES = 256;
const NEWLINE = 0x0a;

/** A JSON-RPC id as JSON text: a number or a string. */
const ID = String.raw`(-?\d+|"(?:[^"\\]|\\.)*")`;
/** The start of a response: `{"result"`, `{"error"`, optionally after `"jsonrpc"` and `"id"`. */
const RESPONSE_HEAD = new RegExp(
  String.raw`^\s*\{\s*(?:"jsonrpc"\s*:\s*"2\.0"\s*,\s*)?(?:"id"\s*:\s*${ID}\s*,\s*)?"(?:result|error)"\s*:`,
);
/** The end of a message whose last key is its id. */
const ID_AT_END = new RegExp(String.raw`"id"\s*:\s*${ID}\s*\}\s*$`);

/** The limit a line passed, when `error` is the error answer this module made for it. */
export function oversizedMessage(error: unknown): { readonly limit: number } | undefined {
  if (!(error instanceof JsonRpcError) || !isPlainObject(error.data)) return undefined;
  const limit = error.data[OVERSIZED_MARK];
  return typeof limit === 'number' ? { limit } : undefined;
}

/**
 * A stdio read buffer (the SDK's ReadBuffer contract: append, readMessage, clear) that repairs
 * malformed responses before the SDK parses them and skips any line over `maxBytes`, answering the
 * request it answered (when it was a response) with an error of its own.
 */
export class LineBuffer {
  readonly #maxBytes: number;
  /** The bytes of the lines not read yet, as they came (joined only when a line is read: no quadratic copying). */
  #chunks: Buffer[] = [];
  #length = 0;
  /** Where the first newline is in the buffered bytes, or -1. */
  #newlineAt = -1;
  /** The line being skipped: its first and latest bytes, and its size so far. */
  #skipping: { head: Buffer; tail: Buffer; bytes: number } | undefined;
  /**
   * What skipped lines left, handed out before what follows them: an error answer for a request, or
   * the report of a dropped message (thrown by readMessage, which the transport reports and goes on;
   * append must not throw, or the transport closes).
   */
  readonly #skipped: (JSONRPCMessage | Error)[] = [];

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  append(chunk: Buffer): void {
    let rest = chunk;
    if (this.#skipping) {
      const end = rest.indexOf(NEWLINE);
      this.#skip(end === -1 ? rest : rest.subarray(0, end));
      if (end === -1) return;
      this.#endSkip();
      rest = rest.subarray(end + 1);
    }
    if (rest.length === 0) return;
    const newline = this.#newlineAt === -1 ? rest.indexOf(NEWLINE) : -1;
    if (newline !== -1) this.#newlineAt = this.#length + newline;
    this.#chunks.push(rest);
    this.#length += rest.length;
    this.#limit();
  }

  readMessage(): JSONRPCMessage | null {
    const skipped = this.#skipped.shift();
    if (skipped instanceof Error) throw skipped;
    if (skipped) return skipped;
    if (this.#newlineAt === -1) return null;
    const buffer = this.#chunks.length === 1 ? (this.#chunks[0] as Buffer) : Buffer.concat(this.#chunks, this.#length);
    const index = this.#newlineAt;
    const rest = buffer.subarray(index + 1);
    this.#chunks = rest.length > 0 ? [rest] : [];
    this.#length = rest.length;
    this.#newlineAt = rest.indexOf(NEWLINE);
    if (index > this.#maxBytes) {
      // A whole line over the limit at once (pipes hand over less at a time; other streams may not).
      this.#startSkip(buffer.subarray(0, index));
      this.#endSkip();
      return this.readMessage();
    }
    this.#limit();
    const line = buffer.toString('utf8', 0, index).replace(/\r$/, '');
    return parseJSONRPCMessage(repairResponse(JSON.parse(line)));
  }

  clear(): void {
    this.#chunks = [];
    this.#length = 0;
    this.#newlineAt = -1;
    this.#skipping = undefined;
    this.#skipped.length = 0;
  }

  /** An unfinished line past the limit is not kept but skipped to its end. */
  #limit(): void {
    if (this.#newlineAt !== -1 || this.#length <= this.#maxBytes) return;
    const line = Buffer.concat(this.#chunks, this.#length);
    this.#chunks = [];
    this.#length = 0;
    this.#startSkip(line);
  }

  #startSkip(bytes: Buffer): void {
    this.#skipping = { head: Buffer.from(bytes.subarray(0, KEPT_BYTES)), tail: Buffer.alloc(0), bytes: 0 };
    this.#skip(bytes);
  }

  #skip(bytes: Buffer): void {
    const skipping = this.#skipping;
    if (!skipping) return;
    skipping.bytes += bytes.length;
    const tail =
      bytes.length >= KEPT_BYTES ? bytes.subarray(bytes.length - KEPT_BYTES) : Buffer.concat([skipping.tail, bytes]);
    skipping.tail = Buffer.from(tail.subarray(Math.max(0, tail.length - KEPT_BYTES)));
  }

  /** The skipped line ended: a response gets its error answer; anything else is reported and dropped. */
  #endSkip(): void {
    const skipping = this.#skipping;
    this.#skipping = undefined;
    if (!skipping) return;
    const response = RESPONSE_HEAD.exec(skipping.head.toString('utf8'));
    const id = response
      ? (response[1] ?? ID_AT_END.exec(skipping.tail.toString('utf8').replace(/\r$/, ''))?.[1])
      : undefined;
    const problem = `a message of ${skipping.bytes} bytes, over the limit of ${this.#maxBytes} bytes`;
    if (id === undefined) {
      this.#skipped.push(new Error(`Dropped ${problem} from the server (not an answer to a request).`));
      return;
    }
    this.#skipped.push({
      jsonrpc: '2.0',
      id: JSON.parse(id) as string | number,
      error: { code: INTERNAL_ERROR, message: `Dropped ${problem}`, data: { [OVERSIZED_MARK]: this.#maxBytes } },
    });
  }
}

/**
 * Prepares a StdioClientTransport (before start): its read buffer keeps `maxMessageBytes` per line
 * without dropping the connection and repairs malformed responses, its writes wait their turn, and
 * its close waits `closeGraceMs` for the child to exit before a SIGTERM to it and every process it started.
 */
export function prepareStdioTransport(transport: Transport, maxMessageBytes: number, closeGraceMs: number): void {
  if (!replaceStdioReadBuffer(transport, new LineBuffer(maxMessageBytes)))
    reportMissingSeams(['StdioClientTransport._readBuffer']);
  queueWrites(transport);
  closeWithGrace(transport, closeGraceMs);
}

/** How a stdio server ended when it was closed: by itself, at SIGTERM, at SIGKILL, or it had already. */
export type ChildEnd = 'exited' | 'terminated' | 'killed' | 'ended before';

/** How often the processes a child started are looked at while close() waits for them to end, in ms. */
const TREE_POLL_MS = 10;

/**
 * Ends a child as the MCP spec's stdio shutdown says: close its stdin and wait for it to exit; after
 * `graceMs` send SIGTERM and wait again; after another `graceMs`, SIGKILL. The signals go to the whole
 * tree: the child and every process it started, found (see process-tree.ts) when the first grace has
 * passed, while the child still runs, so a server behind a launcher (`npx`, `sh -c`) ends with it. A
 * child that exits by itself within the grace is left to end its own processes. The wait ends on the
 * child's `close` (its exit, and its output read to the end, so nothing it wrote last is lost) once no
 * process of its tree runs; a child that exited while a process it did not start still holds its pipes
 * ends the wait too. Resolves with how it ended, within 3 × `graceMs` and two reads of /proc.
 */
export async function endChild(child: ChildProcess, graceMs: number): Promise<ChildEnd> {
  const hasExited = () => child.exitCode !== null || child.signalCode !== null;
  if (hasExited() && child.stdout?.readable !== true) return 'ended before';
  let isClosed = false;
  const closed = new Promise<void>((resolve) =>
    child.once('close', () => {
      isClosed = true;
      resolve();
    }),
  );
  let tree: TreeProcess[] = [];
  const ended = () => isClosed && !tree.some(isRunning);
  /** Waits up to `ms` for `ended`: on the child's close, then (its tree may outlive it) every few ms. */
  const endedWithin = async (ms: number): Promise<boolean> => {
    const deadline = performance.now() + ms;
    for (;;) {
      if (ended()) return true;
      const left = deadline - performance.now();
      if (left <= 0) return false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, isClosed ? Math.min(left, TREE_POLL_MS) : left);
      });
      await (isClosed ? late : Promise.race([closed, late]));
      clearTimeout(timer);
    }
  };
  try {
    child.stdin?.end();
  } catch {
    // Its stdin is already gone: the child is ending.
  }
  if (await endedWithin(graceMs)) return 'exited';
  for (const [signal, end] of [
    ['SIGTERM', 'terminated'],
    ['SIGKILL', 'killed'],
  ] as const) {
    // Read before signalling: a process whose parent has ended is no longer found under it.
    const running = tree.filter(isRunning).map(({ pid }) => pid);
    const roots = hasExited() || child.pid === undefined ? running : [child.pid, ...running];
    // It exited, and nothing it started runs: its pipes are held by a process not its own.
    if (roots.length === 0) break;
    tree = joinTrees(tree, descendantsOf(roots));
    signalTree(tree, signal);
    if (!hasExited()) child.kill(signal);
    if (await endedWithin(graceMs)) return end;
  }
  // It exited, but its pipes are still open (held by a process it started): stop reading them.
  for (const stream of [child.stdin, child.stdout, child.stderr]) stream?.destroy();
  return child.signalCode === 'SIGKILL' ? 'killed' : child.signalCode === 'SIGTERM' ? 'terminated' : 'exited';
}

/**
 * Replaces the SDK's close (fixed 2 s waits) with {@link endChild} and `graceMs`. A close while an
 * earlier one still ends the child waits for it (a failed connect closes twice, the SDK's client and
 * then the toolset's), so the caller's close() does not return while the server runs.
 */
function closeWithGrace(transport: Transport, graceMs: number): void {
  const close = transport.close.bind(transport);
  let ending: Promise<void> | undefined;
  transport.close = async () => {
    const taken = takeStdioChild(transport);
    if (taken !== undefined) ending = endChild(taken.child, graceMs).then(() => taken.clearReadBuffer());
    // Never started, or a later SDK that keeps its child elsewhere: its own close.
    return ending ?? close();
  };
}

/** Makes `transport.send` wait for the previous send, so at most one write waits for the pipe to drain. */
function queueWrites(transport: Transport): void {
  const send = transport.send.bind(transport);
  let previous: Promise<unknown> | undefined;
  transport.send = (message, options) => {
    const sent = previous === undefined ? send(message, options) : previous.then(() => send(message, options));
    const settled = sent.catch(() => undefined);
    previous = settled;
    void settled.then(() => {
      if (previous === settled) previous = undefined;
    });
    return sent;
  };
}
