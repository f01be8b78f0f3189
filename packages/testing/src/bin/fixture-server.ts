#!/usr/bin/env node
// The fixture MCP server over stdio: `toolwright-fixture-server [flags]` (`--help` lists them).
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createFixtureServer } from '../fixture-server.ts';
import { fromArgs, USAGE } from '../options.ts';

let parsed: ReturnType<typeof fromArgs>;
try {
  parsed = fromArgs(process.argv.slice(2));
} catch (error) {
  // A bad flag is the caller's mistake: say which and how to call, without a stack trace.
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}
if (parsed.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const { options, stateFile } = parsed;
const fixture = createFixtureServer(options, stateFile === undefined ? {} : { stateFile });
// dies_mid_task: the process exits, as a crashed server would.
fixture.setDie(() => process.exit(1));
// The client closing stdin (or dying) ends the server: no orphan processes, even once it stopped answering.
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
// stdioFixture().changeTools() signals the child, which has no other channel than its one client.
process.on('SIGUSR2', () => void fixture.changeTools());
await fixture.connect(new StdioServerTransport(), {
  // Several messages in one write, as one chunk on the pipe (early_status_task).
  sendTogether: (messages) =>
    new Promise<void>((resolve, reject) => {
      const chunk = messages.map((message) => `${JSON.stringify(message)}\n`).join('');
      process.stdout.write(chunk, (error) => (error ? reject(error) : resolve()));
    }),
});
