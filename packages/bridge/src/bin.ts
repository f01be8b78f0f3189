#!/usr/bin/env node
// toolwright-bridge: an MCP server in front of other MCP servers that makes their task tools usable
// from any host. `toolwright-bridge --help` prints the usage.
import { parseBridgeArgs, USAGE } from './args.ts';
import { Bridge } from './bridge.ts';
import { upstreamsFromConfig } from './config.ts';
import { openStore } from './store.ts';
import type { UpstreamSpec } from './upstream.ts';

const log = (message: string) => process.stderr.write(`toolwright-bridge: ${message}\n`);

let args: ReturnType<typeof parseBridgeArgs>;
try {
  args = parseBridgeArgs(process.argv.slice(2));
} catch (error) {
  // A bad flag is the caller's mistake: say which and how to call, without a stack trace.
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
  process.exit(2);
}
if (args.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

let bridge: Bridge;
try {
  const upstreams: UpstreamSpec[] =
    args.config !== undefined
      ? await upstreamsFromConfig(args.config, args.background)
      : [{ name: args.name, source: args.source as NonNullable<typeof args.source>, background: args.background }];
  bridge = new Bridge({ upstreams, ...(args.store === undefined ? {} : { store: await openStore(args.store) }), log });
} catch (error) {
  log(error instanceof Error ? error.message : String(error));
  process.exit(1);
}

let stopping = false;
const stop = (code: number) => {
  if (stopping) return;
  stopping = true;
  bridge.close().then(
    () => process.exit(code),
    (error: unknown) => {
      log(`closing: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(code || 1);
    },
  );
};
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

if (args.http === undefined) {
  // Over stdio the host starts the bridge: an upstream that cannot start or connect is said on
  // stderr (which hosts show in their logs) and the bridge exits, rather than serve nothing.
  try {
    await bridge.open();
  } catch (error) {
    log(error instanceof Error ? error.message : String(error));
    await bridge.close().catch(() => undefined);
    process.exit(1);
  }
  bridge.serveStdio();
  // The host closing stdin (or dying) ends the bridge and its upstream connections.
  process.stdin.on('end', () => stop(0));
  process.stdin.on('close', () => stop(0));
} else {
  try {
    const serving = await bridge.serveHttp(args.http);
    process.stdout.write(`${serving.url.href}\n`);
  } catch (error) {
    log(`cannot serve HTTP on 127.0.0.1:${args.http}: ${error instanceof Error ? error.message : String(error)}`);
    await bridge.close().catch(() => undefined);
    process.exit(1);
  }
  // Over HTTP the bridge keeps serving when an upstream is down: every call gets an MCP error that
  // names it, and the connection is tried again at the next call.
  bridge.open().catch((error: unknown) => log(error instanceof Error ? error.message : String(error)));
}
