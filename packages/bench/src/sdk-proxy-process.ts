// The least an MCP SDK v2 server and client between a host and its server do for a plain call: an
// SDK server whose tools/call is sent on as it is through an SDK client (its tools listed once).
// Beside the pass-through process it shows what the SDK's own work costs a process in the middle,
// and beside the bridge what the bridge adds to it (scenario 9).
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { Server } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { z } from 'zod';

const [command, ...args] = process.argv.slice(2);
if (command === undefined) throw new Error('usage: sdk-proxy-process <command> [args...]');
const client = new Client({ name: 'sdk-proxy', version: '1.0.0' });
await client.connect(new StdioClientTransport({ command, args, stderr: 'inherit' }));
const { tools } = await client.listTools();
const anyResult = z.looseObject({});
serveStdio(() => {
  const server = new Server({ name: 'sdk-proxy', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler('tools/list', async () => ({ tools }));
  server.fallbackRequestHandler = async (request, ctx) =>
    client.request({ method: 'tools/call', params: request.params as never }, anyResult, {
      signal: ctx.mcpReq.signal,
    });
  return server;
});
process.stdin.on('end', () => void client.close().then(() => process.exit(0)));
