export { type MCPToolAnnotations, type MCPToolMetadataView, mcpMetadata } from './mcp-metadata.ts';
export {
  type DirectCallOptions,
  MCPToolset,
  type ResultOptions,
  type StartTaskOptions,
} from './mcp-toolset.ts';
export type {
  BoundToolCall,
  MCPServerSource,
  MCPTimeouts,
  MCPToolsetOptions,
  ProcessToolCall,
  ServerRequestContext,
  StdioServer,
  TaskPolling,
  ToolErrorBehavior,
} from './options.ts';
export type { EmbeddedResource, ResourceLink } from './result-mapping.ts';
export type { ResultOf, ResultSchema, SchemaIssue, SchemaResult } from './result-schema.ts';
export type { TaskSupport } from './task-generation.ts';
export {
  TaskHandle,
  type TaskHandleEvent,
  type TaskProgressEvent,
  type TaskReference,
  type WaitOptions,
} from './task-handle.ts';
export type { TaskSnapshot, TaskStatus } from './task-model.ts';
export type { MCPToolMetadata } from './tool-mapping.ts';
export type { ContentPart, MCPCallToolResult } from './wire.ts';
