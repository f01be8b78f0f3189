export {
  type AdapterCall,
  type AdapterCallOptions,
  type BackgroundWork,
  type BinaryOutput,
  type FailureContext,
  isBinaryOutput,
  readableFailure,
  startAdapterCall,
  toModelValue,
  toolTitle,
} from './adapter-call.ts';
export { type BinaryContent, binaryContent, isBinaryContent } from './content.ts';
export {
  AuthorizationError,
  CancelledError,
  ConnectionLostError,
  ModelRetry,
  ProtocolError,
  RequestTimeoutError,
  ResultValidationError,
  TaskCancelledError,
  TaskDeadlineError,
  TaskError,
  type TaskErrorCode,
  type TaskErrorDetails,
  TaskExpiredError,
  TaskFailedError,
  ToolError,
  ToolFailed,
  ToolwrightError,
  type ToolwrightErrorOptions,
  UserError,
} from './errors.ts';
export {
  type EventSink,
  type ProgressEvent,
  type ProgressUpdate,
  RunEvents,
  type TaskCreatedEvent,
  type TaskStatusEvent,
  type ToolEvent,
  type ToolEventListener,
  type ToolEventType,
} from './events.ts';
export { type FollowUp, FollowUpQueue, followUpText } from './follow-ups.ts';
export { type FunctionTool, FunctionToolset, functionTool } from './function-toolset.ts';
export type { JsonArray, JsonObject, JsonValue } from './json.ts';
export { type LinkedSignal, linkedSignal } from './linked-signal.ts';
export { createRunContext, forToolCall, type RunContext, type RunContextOptions } from './run-context.ts';
export {
  includesPattern,
  matchesToolSelector,
  selectTools,
  type ToolPredicate,
  type ToolSelector,
} from './selectors.ts';
export { isTaskStatusOutput, nextTaskStatus, TaskStatusFeed, type TaskStatusOutput } from './task-status-feed.ts';
export {
  type ToolDefinition,
  type ToolDefinitionInput,
  type ToolMetadata,
  toolDefinition,
} from './tool-definition.ts';
export {
  AbstractToolset,
  BaseToolset,
  CombinedToolset,
  combineToolsets,
  FilteredToolset,
  MetadataToolset,
  PrefixedToolset,
  PreparedToolset,
  type PrepareTools,
  RenamedToolset,
  type ToolArguments,
  type Toolset,
  WrapperToolset,
} from './toolset.ts';
