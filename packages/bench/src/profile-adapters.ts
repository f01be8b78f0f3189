// node scripts/toolchain.mjs node --conditions=@toolwright/source --cpu-prof --cpu-prof-dir <dir> packages/bench/src/profile-adapters.ts <ai-sdk|mastra|langchain|openai-agents> <adapter|client|toolset|sdk1> <stdio|http> [calls]
// One side of scenario 8 alone in its own process, so a CPU profile holds that side's call path only:
// `adapter` (the Toolwright adapter's tool), `client` (the framework's own MCP client's tool),
// `toolset` (MCPToolset.callTool, without the framework) or `sdk1` (the MCP SDK 1.x client's
// callTool, which @langchain/mcp-adapters runs on, without the framework).
import { Client as Sdk1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport as Sdk1Stdio } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport as Sdk1Http } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createRunContext } from '@toolwright/core';
import { aiSdk, type Framework, langChain, mastra, openAIAgents, toolNamed } from './adapter-frameworks.ts';
import { type Closers, connectToolset, disposer, type TransportName } from './connections.ts';
import { endpointOf } from './scenario-adapters.ts';

const [name = 'langchain', side = 'adapter', transport = 'stdio', callsText = '20000'] = process.argv.slice(2);
if (transport !== 'stdio' && transport !== 'http') throw new Error(`transport must be stdio or http, got ${transport}`);
const calls = Number(callsText);

async function profile<Tool>(framework: Framework<Tool>): Promise<void> {
  const closers: Closers = [];
  try {
    await using connection = await connectToolset(transport as TransportName, {});
    const ctx = createRunContext();
    const echo = (await connection.toolset.getTools(ctx)).find((tool) => tool.name === 'echo');
    if (!echo) throw new Error('the fixture has no echo tool');
    const args = { text: 'x' };
    let call: () => Promise<unknown>;
    if (side === 'toolset') call = () => connection.toolset.callTool('echo', args, ctx, echo);
    else if (side === 'sdk1') {
      const { endpoint } = await endpointOf(transport as TransportName, {}, closers);
      const client = new Sdk1Client({ name: 'bench-sdk1', version: '1.0.0' });
      await client.connect(
        endpoint.kind === 'stdio'
          ? new Sdk1Stdio({ command: endpoint.command, args: [...endpoint.args], stderr: 'ignore' })
          : new Sdk1Http(endpoint.url),
      );
      closers.push(() => client.close());
      await client.listTools();
      call = () => client.callTool({ name: 'echo', arguments: args });
    } else if (side === 'adapter') {
      const tool = toolNamed(framework, await framework.adapterTools(connection.toolset, ctx), 'echo');
      call = () => framework.invoke(tool, args);
    } else {
      const { endpoint } = await endpointOf(transport as TransportName, {}, closers);
      const tool = toolNamed(framework, await framework.clientTools(endpoint, closers), 'echo');
      call = () => framework.invoke(tool, args);
    }
    // Warm up the path's code before the measured calls.
    for (let index = 0; index < 2_000; index++) await call();
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let index = 0; index < calls; index++) await call();
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    console.log(
      `${framework.name} ${side} ${transport}: ${((wallMs * 1000) / calls).toFixed(1)} µs wall, ${((used.user + used.system) / calls).toFixed(1)} µs CPU per call`,
    );
  } finally {
    await disposer(closers)();
  }
}

if (name === 'ai-sdk') await profile(aiSdk);
else if (name === 'mastra') await profile(mastra);
else if (name === 'langchain') await profile(langChain);
else if (name === 'openai-agents') await profile(openAIAgents);
else throw new Error(`framework must be ai-sdk, mastra, langchain or openai-agents, got ${name}`);
