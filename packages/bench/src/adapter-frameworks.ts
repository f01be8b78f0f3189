import { createMCPClient } from '@ai-sdk/mcp';
import { StdioMCPTransport } from '@ai-sdk/mcp/mcp-stdio';
import type { StructuredToolInterface } from '@langchain/core/tools';
import { MultiServerMCPClient } from '@langchain/mcp-adapters';
import { noopLogger } from '@mastra/core/logger';
import type { ToolExecutionContext } from '@mastra/core/tools';
import { MCPClient } from '@mastra/mcp';
import {
  RunContext as AgentsRunContext,
  getAllMcpTools,
  invokeFunctionTool,
  type MCPServer,
  MCPServerStdio,
  MCPServerStreamableHttp,
  setTracingDisabled,
} from '@openai/agents';
import { aiSdkTools } from '@toolwright/ai-sdk';
import type { RunContext, Toolset } from '@toolwright/core';
import { langChainTools } from '@toolwright/langchain';
import { mastraTools } from '@toolwright/mastra';
import { type OpenAIAgentsTool, openAIAgentsTools } from '@toolwright/openai-agents';
import type { Closers } from './connections.ts';

// The frameworks' own tool invocations never reach a model here: no API key, no network, no trace export.
setTracingDisabled(true);

/** Where a framework's own MCP client finds a fixture server. */
export type Endpoint =
  | { readonly kind: 'stdio'; readonly command: string; readonly args: readonly string[] }
  | { readonly kind: 'http'; readonly url: URL };

/**
 * A framework with a Toolwright adapter and an MCP client of its own: both give the framework's
 * tools, and one `invoke` calls either the way the framework's agent loop calls a tool, so the two
 * sides differ only in what is behind the tool.
 */
export interface Framework<Tool> {
  /** The framework, for the cases' titles. */
  readonly name: string;
  /** The framework's own MCP client, named as the baseline. */
  readonly client: string;
  /** The toolset's tools through the Toolwright adapter. */
  adapterTools(toolset: Toolset<undefined>, ctx: RunContext<undefined>): Promise<readonly Tool[]>;
  /** The server's tools through the framework's own MCP client; its closers go on `closers`. */
  clientTools(endpoint: Endpoint, closers: Closers): Promise<readonly Tool[]>;
  nameOf(tool: Tool): string;
  /** One call, as the framework's agent loop makes it. */
  invoke(tool: Tool, args: Record<string, unknown>): Promise<unknown>;
  /**
   * What the framework's agent loop makes of a failed call of this tool through its own client:
   * the error the model would read, or undefined when the call succeeded.
   */
  failureOf(tool: Tool, args: Record<string, unknown>): Promise<string | undefined>;
}

/** LangChain: structured tools invoked with a tool call, as createAgent's ToolNode does. */
export const langChain: Framework<StructuredToolInterface> = {
  name: 'LangChain',
  client: '@langchain/mcp-adapters 1.1.4 MultiServerMCPClient',
  adapterTools: (toolset, ctx) => langChainTools(toolset, ctx),
  async clientTools(endpoint, closers) {
    const connection =
      endpoint.kind === 'stdio'
        ? {
            transport: 'stdio' as const,
            command: endpoint.command,
            args: [...endpoint.args],
            stderr: 'ignore' as const,
          }
        : { transport: 'http' as const, url: endpoint.url.href };
    const client = new MultiServerMCPClient({ mcpServers: { fixture: connection } });
    closers.push(() => client.close());
    return client.getTools();
  },
  nameOf: (tool) => tool.name,
  invoke: (tool, args) => tool.invoke({ name: tool.name, args, id: 'bench-call', type: 'tool_call' }),
  async failureOf(tool, args) {
    try {
      await langChain.invoke(tool, args);
      return undefined;
    } catch (error) {
      return String(error);
    }
  },
};

const agentsContext = new AgentsRunContext();

/** The OpenAI Agents SDK: function tools invoked as its runner does (`invokeFunctionTool`). */
export const openAIAgents: Framework<OpenAIAgentsTool> & {
  /** The MCP server objects behind the client tools, to read an error the SDK keeps from the model. */
  readonly servers: WeakMap<OpenAIAgentsTool, MCPServer>;
} = {
  name: 'OpenAI Agents SDK',
  client: '@openai/agents 0.20.0 MCPServerStdio / MCPServerStreamableHttp',
  servers: new WeakMap(),
  adapterTools: (toolset, ctx) => openAIAgentsTools(toolset, ctx),
  async clientTools(endpoint, closers) {
    const server =
      endpoint.kind === 'stdio'
        ? new MCPServerStdio({ command: endpoint.command, args: [...endpoint.args] })
        : new MCPServerStreamableHttp({ url: endpoint.url.href });
    await server.connect();
    closers.push(() => server.close());
    // The SDK's MCP tools are function tools of the same kind (a JSON schema, not strict by default).
    const tools = (await getAllMcpTools({ mcpServers: [server], runContext: agentsContext })) as OpenAIAgentsTool[];
    for (const tool of tools) openAIAgents.servers.set(tool, server);
    return tools;
  },
  nameOf: (tool) => tool.name,
  invoke: (tool, args) =>
    invokeFunctionTool({
      tool,
      runContext: agentsContext,
      input: JSON.stringify(args),
      details: { toolCall: { type: 'function_call', callId: 'bench-call', name: tool.name, arguments: '' } },
    }),
  async failureOf(tool, args) {
    // The SDK hands the model a generic message for a failed MCP call; the server's error is kept from it.
    const output = await openAIAgents.invoke(tool, args);
    const server = openAIAgents.servers.get(tool);
    const underlying = await server?.callTool(tool.name, args).then(
      () => undefined,
      (error: unknown) => String(error),
    );
    return underlying === undefined ? undefined : `the model reads "${String(output)}"; the client threw ${underlying}`;
  },
};

/** A tool of a framework that keeps its tools in a record, with the name it has there. */
export interface Named<Tool> {
  readonly name: string;
  readonly tool: Tool;
}

/** The entries of a record of tools, with their names (a framework's own prefix removed). */
function named<Tool>(tools: Readonly<Record<string, Tool>>, prefix = ''): Named<Tool>[] {
  return Object.entries(tools).map(([name, tool]) => ({ name: name.slice(prefix.length), tool }));
}

/** The message of a failure, as a framework puts it in the model's tool result. */
async function failureMessage(call: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await call();
    return undefined;
  } catch (error) {
    return error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error);
  }
}

let callIds = 0;

/** An AI SDK tool as the bench calls it (the adapter's and @ai-sdk/mcp's tools both have an `execute`). */
type AiSdkCallable = { readonly execute?: ((input: never, options: never) => unknown) | undefined };

/** The Vercel AI SDK: tools run as `streamText`/`generateText` run them (`executeTool`: a stream's last value). */
export const aiSdk: Framework<Named<AiSdkCallable>> = {
  name: 'AI SDK',
  client: '@ai-sdk/mcp 2.0.99 createMCPClient',
  adapterTools: async (toolset, ctx) => named<AiSdkCallable>(await aiSdkTools(toolset, ctx)),
  async clientTools(endpoint, closers) {
    const transport =
      endpoint.kind === 'stdio'
        ? new StdioMCPTransport({ command: endpoint.command, args: [...endpoint.args], stderr: 'ignore' })
        : ({ type: 'http', url: endpoint.url.href } as const);
    const client = await createMCPClient({ transport });
    closers.push(() => client.close());
    return named<AiSdkCallable>(await client.tools());
  },
  nameOf: (tool) => tool.name,
  async invoke({ tool }, args) {
    const options = { toolCallId: `bench-call-${++callIds}`, messages: [], context: {} };
    if (!tool.execute) throw new Error('an AI SDK tool without execute');
    const result = tool.execute(args as never, options as never);
    if (result === null || typeof result !== 'object' || !(Symbol.asyncIterator in result)) return await result;
    let last: unknown;
    for await (const value of result as AsyncIterable<unknown>) last = value;
    return last;
  },
  // The AI SDK gives the model the thrown error's message (a tool-error part).
  failureOf: (tool, args) => failureMessage(() => aiSdk.invoke(tool, args)),
};

/** A Mastra tool as the bench calls it (both sides' tools have an `execute`). */
type MastraCallable = { readonly execute?: ((input: never, context: never) => Promise<unknown>) | undefined };

/** Mastra: tools run as its agent loop runs them, with the agent's tool call id in their context. */
export const mastra: Framework<Named<MastraCallable>> = {
  name: 'Mastra',
  client: '@mastra/mcp 2.0.0 MCPClient',
  adapterTools: async (toolset, ctx) => named<MastraCallable>(await mastraTools(toolset, ctx)),
  async clientTools(endpoint, closers) {
    const server =
      endpoint.kind === 'stdio'
        ? { command: endpoint.command, args: [...endpoint.args], stderr: 'ignore' as const }
        : { url: endpoint.url };
    const client = new MCPClient({ id: `bench-${++callIds}`, servers: { fixture: server } });
    // The anchor's refused task call is reported in the table; Mastra's logger would print it too.
    client.__setLogger(noopLogger);
    closers.push(() => client.disconnect());
    return named<MastraCallable>(await client.listTools(), 'fixture_');
  },
  nameOf: (tool) => tool.name,
  async invoke({ tool }, args) {
    const context = { agent: { toolCallId: `bench-call-${++callIds}`, messages: [] } } as unknown;
    if (!tool.execute) throw new Error('a Mastra tool without execute');
    return tool.execute(args as never, context as ToolExecutionContext as never);
  },
  // Mastra gives the model the thrown error's message (a tool-error chunk, an error-text output).
  failureOf: (tool, args) => failureMessage(() => mastra.invoke(tool, args)),
};

/** The tool named `name` among `tools`. */
export function toolNamed<Tool>(framework: Framework<Tool>, tools: readonly Tool[], name: string): Tool {
  const tool = tools.find((each) => framework.nameOf(each) === name);
  if (tool === undefined) throw new Error(`${framework.name}: the fixture has no tool '${name}'`);
  return tool;
}
