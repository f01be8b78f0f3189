// @toolwright/mcp-toolset/config: the `mcpServers` config loader, in its own entry so that an
// application that never reads a config file does not load it.
/**
 * The `mcpServers` config loader: many servers from one file, as one toolset.
 *
 * @module
 */
export {
  type LoadMcpServersOptions,
  loadMcpServers,
  McpServerToolsets,
  toolNamePrefix,
  toolsetsOf,
} from './load-mcp-servers.ts';
export {
  type ConfiguredRemoteServer,
  type McpServerEntry,
  type McpServersConfig,
  parseMcpServers,
  type ReadMcpServersOptions,
  readMcpServers,
} from './mcp-servers-config.ts';
