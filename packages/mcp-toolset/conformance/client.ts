// The client command the official MCP conformance suite runs for its client scenarios:
//
//   conformance client --command "node --conditions=@toolwright/source conformance/client.ts" --scenario <name>
//
// The suite starts a mock server, appends its URL to the command, and names the scenario in
// MCP_CONFORMANCE_SCENARIO (the protocol version in MCP_CONFORMANCE_PROTOCOL_VERSION, scenario data in
// MCP_CONFORMANCE_CONTEXT). Each scenario is played the way an application would use the toolset:
// open, getTools, callTool with the listed definition, an elicitation handler, close. Nothing here
// speaks the wire itself, so every check the suite makes is a check of MCPToolset.
import { createRunContext, type JsonObject, type ToolDefinition } from '@toolwright/core';
import { MCPToolset, type MCPToolsetOptions } from '@toolwright/mcp-toolset';
import { sampleArguments } from './sample-arguments.ts';

type Scenario = (toolset: MCPToolset) => Promise<void>;

/** Arguments for a tool call the suite hands over in MCP_CONFORMANCE_CONTEXT (http-custom-headers). */
interface ContextToolCall {
  readonly name: string;
  readonly arguments: JsonObject;
}

function contextToolCalls(): readonly ContextToolCall[] {
  const raw = process.env.MCP_CONFORMANCE_CONTEXT;
  if (!raw) throw new Error('MCP_CONFORMANCE_CONTEXT is not set; the suite passes the tool calls to make in it');
  const context = JSON.parse(raw) as { toolCalls?: ContextToolCall[] };
  if (!Array.isArray(context.toolCalls)) throw new Error(`MCP_CONFORMANCE_CONTEXT has no toolCalls: ${raw}`);
  return context.toolCalls;
}

function find(tools: readonly ToolDefinition[], name: string): ToolDefinition {
  const tool = tools.find((candidate) => candidate.name === name);
  if (!tool) throw new Error(`the server did not list '${name}' (listed: ${tools.map((t) => t.name).join(', ')})`);
  return tool;
}

async function call(toolset: MCPToolset, tool: ToolDefinition, args: JsonObject): Promise<void> {
  const result = await toolset.callTool(tool.name, args, createRunContext(), tool);
  console.log(`${tool.name} -> ${JSON.stringify(result)}`);
}

/** Lists the tools and calls every one of them with sample arguments. */
async function callEveryTool(toolset: MCPToolset): Promise<void> {
  for (const tool of await toolset.getTools()) await call(toolset, tool, sampleArguments(tool));
}

const listOnly: Scenario = async (toolset) => {
  const tools = await toolset.getTools();
  console.log(`listed ${tools.length} tools: ${tools.map((tool) => tool.name).join(', ')}`);
};

const scenarios: Record<string, { run: Scenario; options?: MCPToolsetOptions }> = {
  initialize: { run: listOnly },
  'request-metadata': { run: listOnly },
  'json-schema-ref-no-deref': { run: listOnly },
  tools_call: {
    run: async (toolset) => call(toolset, find(await toolset.getTools(), 'add_numbers'), { a: 2, b: 3 }),
  },
  'elicitation-sep1034-client-defaults': {
    // The user accepts without filling anything in: the client must apply the schema's defaults.
    options: { elicitation: async () => ({ action: 'accept', content: {} }) },
    run: async (toolset) => call(toolset, find(await toolset.getTools(), 'test_client_elicitation_defaults'), {}),
  },
  'sse-retry': {
    // The server closes the call's SSE stream before answering; the result arrives after reconnection.
    run: async (toolset) => call(toolset, find(await toolset.getTools(), 'test_reconnection'), {}),
  },
  'sep-2322-client-request-state': {
    options: { elicitation: async () => ({ action: 'accept', content: { confirmed: true } }) },
    run: async (toolset) => {
      const tools = await toolset.getTools();
      // Two calls in flight at once: the input round trip of one must not leak into the other.
      await Promise.all([
        call(toolset, find(tools, 'test_mrtr_echo_state'), {}),
        call(toolset, find(tools, 'test_mrtr_unrelated'), {}),
      ]);
      await call(toolset, find(tools, 'test_mrtr_no_state'), {});
      await call(toolset, find(tools, 'test_mrtr_no_result_type'), {});
    },
  },
  'http-standard-headers': { run: callEveryTool },
  // The toolset must drop the tools with invalid x-mcp-header annotations; the rest are called.
  'http-invalid-tool-headers': { run: callEveryTool },
  'http-custom-headers': {
    run: async (toolset) => {
      const tools = await toolset.getTools();
      for (const planned of contextToolCalls()) await call(toolset, find(tools, planned.name), planned.arguments);
    },
  },
  'json-schema-2020-12-preservation': {
    // Echo the schema as the toolset hands it to an application: the suite compares it with what it served.
    run: async (toolset) => {
      const tools = await toolset.getTools();
      const focal = find(tools, 'json_schema_2020_12_tool');
      await call(toolset, find(tools, 'json_schema_echo'), { schema: focal.inputSchema as JsonObject });
    },
  },
};

const name = process.env.MCP_CONFORMANCE_SCENARIO;
const url = process.argv.at(-1);
const scenario = name ? scenarios[name] : undefined;
if (!scenario || !url?.startsWith('http')) {
  console.error(
    `usage: MCP_CONFORMANCE_SCENARIO=<scenario> node --conditions=@toolwright/source conformance/client.ts <server-url>\n` +
      `scenarios: ${Object.keys(scenarios).join(', ')}`,
  );
  process.exit(2);
}
console.log(`scenario ${name} at protocol ${process.env.MCP_CONFORMANCE_PROTOCOL_VERSION ?? '(unset)'} on ${url}`);
const toolset = new MCPToolset(url, {
  id: `conformance-${name}`,
  clientInfo: { name: 'toolwright-conformance-client', version: '0.1.0' },
  timeouts: { connectMs: 10_000, requestMs: 10_000 },
  ...scenario.options,
});
let exitCode = 0;
let opened = false;
try {
  await toolset.open();
  opened = true;
  await scenario.run(toolset);
} catch (error) {
  console.error(`scenario ${name} failed:`, error);
  exitCode = 1;
} finally {
  // A failed open() leaves nothing to close (and close() would be an unpaired call).
  if (opened) await toolset.close();
}
process.exit(exitCode);
