export type { Clock } from './clock.ts';
export { type MCPToolAnnotations, type MCPToolMetadataView, mcpMetadata } from './listing/mcp-metadata.ts';
export type { MCPToolMetadata } from './listing/tool-mapping.ts';
export {
  type DirectCallOptions,
  MCPToolset,
  type ResultOptions,
  type StartTaskOptions,
} from './mcp-toolset.ts';
export type {
  BoundToolCall,
  ElicitationHandler,
  ElicitationRequest,
  MCPServerSource,
  MCPTimeouts,
  MCPToolsetOptions,
  ProcessToolCall,
  SamplingHandler,
  SamplingRequest,
  ServerLogHandler,
  ServerLogMessage,
  ServerRequestContext,
  StdioServer,
  TaskPolling,
  ToolErrorBehavior,
} from './options.ts';
export type { HeaderValues, RemoteHeaders, RemoteServer } from './remote-server.ts';
export type { EmbeddedResource, ResourceLink } from './result-mapping.ts';
export type { ResultOf, ResultSchema, SchemaIssue, SchemaResult } from './result-schema.ts';
export type { StdioStderr } from './stdio-stderr.ts';
export type { TaskSupport } from './tasks/task-generation.ts';
export { TaskHandle, type WaitOptions } from './tasks/task-handle.ts';
export type { TaskHandleEvent, TaskProgressEvent } from './tasks/task-lifecycle.ts';
export type { TaskSnapshot, TaskStatus } from './tasks/task-model.ts';
export type { TaskReference } from './tasks/task-reference.ts';
export type { ContentPart, MCPCallToolResult } from './wire.ts';
