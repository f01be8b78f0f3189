#!/usr/bin/env node
// The fixture MCP server over stdio: `toolwright-fixture-server [flags]` (see options.ts for the flags).
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createFixtureServer } from '../fixture-server.ts';
import { fromArgs } from '../options.ts';

const { options, stateFile } = fromArgs(process.argv.slice(2));
const fixture = createFixtureServer(options, stateFile === undefined ? {} : { stateFile });
// dies_mid_task: the process exits, as a crashed server would.
fixture.setDie(() => process.exit(1));
// The client closing stdin (or dying) ends the server: no orphan processes.
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
// stdioFixture().changeTools() signals the child, which has no other channel than its one client.
process.on('SIGUSR2', () => void fixture.changeTools());
await fixture.connect(new StdioServerTransport());
