import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type RequestListener } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** How to start a fixture's stdio bin as a child process, with the log it appends to. */
export interface BinLaunch {
  /** `process.execPath`: the running Node. */
  readonly command: string;
  readonly args: string[];
  /** The child's log, in a fresh temporary folder. */
  readonly logFile: string;
  /** Removes the log's folder. */
  removeLog(): Promise<void>;
}

/**
 * The command line of a fixture bin. A caller running from source (this workspace, its tests) runs
 * the bin's TypeScript directly (Node 22.6+ strips the types; workspace packages resolve through the
 * source condition); a published caller runs the built bin. Both paths are relative to `caller`.
 */
export function launchBin(
  caller: string,
  bin: { readonly source: string; readonly built: string },
  flags: readonly string[],
  logFlag: string,
): BinLaunch {
  const directory = mkdtempSync(join(tmpdir(), 'toolwright-fixture-'));
  const logFile = join(directory, 'state.jsonl');
  const fromSource = caller.endsWith('.ts');
  const args = [
    ...(fromSource ? ['--conditions=@toolwright/source', '--disable-warning=ExperimentalWarning'] : []),
    fileURLToPath(new URL(fromSource ? bin.source : bin.built, caller)),
    ...flags,
    logFlag,
    logFile,
  ];
  return {
    command: process.execPath,
    args,
    logFile,
    removeLog: async () => rmSync(directory, { recursive: true, force: true }),
  };
}

/** An HTTP server listening on 127.0.0.1 at an ephemeral port, whose sockets can be cut. */
export interface LoopbackServer {
  /** `http://127.0.0.1:<port>/mcp`. */
  readonly url: URL;
  /** Destroys every open socket; the server keeps listening. */
  destroySockets(): void;
  /** Stops listening and destroys every socket (once; later calls return the same promise). */
  stop(): Promise<void>;
}

/** Starts `listener` on 127.0.0.1 at an ephemeral port, tracking sockets so that stopping never waits for a client. */
export async function listenOnLoopback(listener: RequestListener): Promise<LoopbackServer> {
  const http = createServer(listener);
  const sockets = new Set<Socket>();
  http.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => resolve());
  });
  const address = http.address();
  if (address === null || typeof address === 'string') throw new Error('the HTTP fixture has no port');
  const destroySockets = () => {
    for (const socket of sockets) socket.destroy();
  };
  let stopped: Promise<void> | undefined;
  return {
    url: new URL(`http://127.0.0.1:${address.port}/mcp`),
    destroySockets,
    stop: () => {
      stopped ??= new Promise<void>((resolve) => {
        http.close(() => resolve());
        destroySockets();
      });
      return stopped;
    },
  };
}

/** The whole body of a request, as text. */
export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      text += chunk;
    });
    request.on('end', () => resolve(text));
    request.on('error', reject);
  });
}
